// "Did you mean" suggestions for misspelt keys and enumeration values.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace mapscope::config::detail {

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is a plausible typo (distance at most 1 for words of up to six
// characters, 2 for longer ones, and below the word's length), the first such candidate on ties.
std::optional<std::string_view> closest_match(std::string_view word,
                                              const std::vector<std::string_view>& candidates);

}  // namespace mapscope::config::detail

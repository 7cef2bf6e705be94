// Making user text safe to embed in a one-line message.
#pragma once

#include <string>
#include <string_view>

namespace mapscope::config::detail {

// Control characters escaped (\n, \r, \t, \xNN), so a message stays on one line.
std::string escape_controls(std::string_view text);

// `"text"` escaped, and shortened to its first characters with "..." when longer than `limit`.
std::string quoted(std::string_view text, std::size_t limit = 60);

}  // namespace mapscope::config::detail

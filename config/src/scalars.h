// Strict readers of scalar values: each either returns a valid value or throws ConfigError at the value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "field.h"

namespace mapscope::config::detail {

// Any scalar's text (quoted or plain).
std::string read_string(const Field& field);

// A plain (unquoted) decimal integer in [min, max].
std::uint64_t read_unsigned(const Field& field, std::uint64_t min, std::uint64_t max);

// true or false (YAML 1.2 core spellings).
bool read_bool(const Field& field);

// A plain decimal number in (above, max].
double read_number_above(const Field& field, double above, double max);

std::chrono::nanoseconds read_duration(const Field& field, std::chrono::nanoseconds min,
                                       std::chrono::nanoseconds max);

std::uint64_t read_size(const Field& field, std::uint64_t min, std::uint64_t max);

// The index in `allowed` of the value's text.
std::size_t read_choice(const Field& field, const std::vector<std::string_view>& allowed);

// "a, b, c" for messages.
std::string join(const std::vector<std::string_view>& words);

}  // namespace mapscope::config::detail

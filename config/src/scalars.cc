// Scalar readers. Numbers are parsed here rather than with yaml-cpp's as<T>(), which accepts "-1" for
// unsigned types on some versions and cannot tell a quoted "5" from a plain 5.
#include "scalars.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "mapscope/config/units.h"
#include "suggest.h"

namespace mapscope::config::detail {

namespace {

bool is_plain(const YAML::Node& value) {
  return value.Tag() == "?";
}

std::string range_text(std::uint64_t min, std::uint64_t max) {
  return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

const std::string& scalar_text(const Field& field, const std::string& expected) {
  if (!field.value.IsScalar()) {
    field.fail("expected " + expected + ", got " + describe(field.value));
  }
  return field.value.Scalar();
}

// "1000000", "0.5": bounds written the way users write numbers.
std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%.15g", value);
  return std::string(buffer.data(), static_cast<std::size_t>(length));
}

bool all_digits(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string join(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::string_view word : words) {
    if (!text.empty()) {
      text += ", ";
    }
    text += word;
  }
  return text;
}

std::string read_string(const Field& field) {
  return scalar_text(field, "a string");
}

std::uint64_t read_unsigned(const Field& field, std::uint64_t min, std::uint64_t max) {
  const std::string& text = scalar_text(field, "an integer");
  if (!is_plain(field.value)) {
    field.fail("expected an integer, got the quoted string " + describe(field.value));
  }
  std::string_view digits = text;
  if (digits.starts_with('+')) {
    digits.remove_prefix(1);
  }
  if (text.starts_with('-') && all_digits(std::string_view(text).substr(1))) {
    field.fail(text + " is out of range; " + range_text(min, max));
  }
  if (!all_digits(digits)) {
    field.fail("expected an integer, got " + describe(field.value));
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value < min || value > max) {
    field.fail(text + " is out of range; " + range_text(min, max));
  }
  return value;
}

bool read_bool(const Field& field) {
  const std::string& text = scalar_text(field, "true or false");
  if (is_plain(field.value)) {
    if (text == "true" || text == "True" || text == "TRUE") {
      return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
      return false;
    }
  }
  field.fail("expected true or false, got " + describe(field.value));
}

double read_number_above(const Field& field, double above, double max) {
  const std::string& text = scalar_text(field, "a number");
  if (!is_plain(field.value)) {
    field.fail("expected a number, got the quoted string " + describe(field.value));
  }
  double value = 0;
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(text.data(), last, value);
  const std::string bounds =
      "expected a number above " + number_text(above) + " and at most " + number_text(max);
  if (error == std::errc::result_out_of_range) {
    field.fail(text + " is out of range; " + bounds);
  }
  if (error != std::errc() || end != last || !std::isfinite(value)) {
    field.fail("expected a number, got " + describe(field.value));
  }
  if (!(value > above) || value > max) {
    field.fail(text + " is out of range; " + bounds);
  }
  return value;
}

std::chrono::nanoseconds read_duration(const Field& field, std::chrono::nanoseconds min,
                                       std::chrono::nanoseconds max) {
  const std::string& text = scalar_text(field, "a duration such as 100ms");
  std::chrono::nanoseconds value{};
  try {
    value = parse_duration(text);
  } catch (const std::invalid_argument& problem) {
    field.fail(problem.what());
  }
  if (value < min || value > max) {
    field.fail(text + " is out of range; expected a duration from " + format_duration(min) + " to " +
               format_duration(max));
  }
  return value;
}

std::uint64_t read_size(const Field& field, std::uint64_t min, std::uint64_t max) {
  const std::string& text = scalar_text(field, "a size such as 64MiB");
  std::uint64_t value = 0;
  try {
    value = parse_size(text);
  } catch (const std::invalid_argument& problem) {
    field.fail(problem.what());
  }
  if (value < min || value > max) {
    field.fail(text + " is out of range; expected a size from " + format_size(min) + " to " +
               format_size(max));
  }
  return value;
}

std::size_t read_choice(const Field& field, const std::vector<std::string_view>& allowed) {
  const std::string& text = scalar_text(field, "one of " + join(allowed));
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (allowed[i] == text) {
      return i;
    }
  }
  std::string problem = "unknown value " + describe(field.value) + "; expected one of " + join(allowed);
  if (auto near = closest_match(text, allowed)) {
    problem += " (did you mean \"" + std::string(*near) + "\"?)";
  }
  field.fail(problem);
}

}  // namespace mapscope::config::detail

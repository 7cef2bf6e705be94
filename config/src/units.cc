// Parsing and formatting of durations (Prometheus notation plus us/ns) and IEC sizes.
#include "mapscope/config/units.h"

#include <array>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "printable.h"

namespace mapscope::config {

namespace {

using std::chrono::nanoseconds;

struct Unit {
  std::string_view symbol;
  std::uint64_t factor;
};

constexpr std::uint64_t kSecond = 1'000'000'000ULL;
constexpr std::uint64_t kDay = 86'400ULL * kSecond;

// Decreasing order, as a duration must write them; the factor orders them ("µs" is an alias of "us").
constexpr std::array<Unit, 10> kDurationUnits{{
    {"y", 365 * kDay},
    {"w", 7 * kDay},
    {"d", kDay},
    {"h", 3600 * kSecond},
    {"m", 60 * kSecond},
    {"s", kSecond},
    {"ms", 1'000'000ULL},
    {"us", 1'000ULL},
    {"µs", 1'000ULL},
    {"ns", 1ULL},
}};

constexpr std::array<Unit, 7> kSizeUnits{{
    {"B", 1ULL},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
    {"PiB", 1ULL << 50},
    {"EiB", 1ULL << 60},
}};

constexpr std::string_view kDurationExpected =
    "expected integers with units y, w, d, h, m, s, ms, us, ns in that order, e.g. 250us, 100ms, 1m30s";
constexpr std::string_view kSizeExpected =
    "expected bytes as an integer, optionally with one IEC unit B, KiB, MiB, GiB, TiB, PiB, EiB, e.g. 64MiB";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

[[noreturn]] void reject(std::string_view kind, std::string_view text, std::string_view why,
                         std::string_view expected) {
  throw std::invalid_argument("invalid " + std::string(kind) + " " + detail::quoted(text) + ": " +
                              std::string(why) + "; " + std::string(expected));
}

// Reads the digits at the front of `rest`; false on overflow.
bool take_number(std::string_view& rest, std::uint64_t& value) {
  std::size_t digits = 0;
  while (digits < rest.size() && is_digit(rest[digits])) {
    ++digits;
  }
  auto [end, error] = std::from_chars(rest.data(), rest.data() + digits, value);
  rest.remove_prefix(digits);
  return error == std::errc() && end != nullptr;
}

std::string_view take_letters(std::string_view& rest) {
  std::size_t letters = 0;
  while (letters < rest.size() && !is_digit(rest[letters])) {
    ++letters;
  }
  std::string_view symbol = rest.substr(0, letters);
  rest.remove_prefix(letters);
  return symbol;
}

// Nanoseconds per unit, or 0 for an unknown symbol.
std::uint64_t duration_factor(std::string_view symbol) {
  for (const Unit& unit : kDurationUnits) {
    if (unit.symbol == symbol) {
      return unit.factor;
    }
  }
  return 0;
}

bool add_scaled(std::uint64_t& total, std::uint64_t amount, std::uint64_t factor, std::uint64_t limit) {
  if (amount != 0 && factor > limit / amount) {
    return false;
  }
  const std::uint64_t scaled = amount * factor;
  if (scaled > limit - total) {
    return false;
  }
  total += scaled;
  return true;
}

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  if (text.empty()) {
    reject("duration", text, "empty", kDurationExpected);
  }
  if (text == "0") {
    return nanoseconds(0);
  }
  constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<nanoseconds::rep>::max());
  std::uint64_t total = 0;
  std::uint64_t previous_factor = std::numeric_limits<std::uint64_t>::max();
  std::string_view rest = text;
  while (!rest.empty()) {
    if (!is_digit(rest.front())) {
      reject("duration", text, "expected a digit", kDurationExpected);
    }
    std::uint64_t amount = 0;
    if (!take_number(rest, amount)) {
      reject("duration", text, "number too large", kDurationExpected);
    }
    const std::string_view symbol = take_letters(rest);
    if (symbol.empty()) {
      reject("duration", text, "missing unit", kDurationExpected);
    }
    const std::uint64_t factor = duration_factor(symbol);
    if (factor == 0) {
      reject("duration", text, "unknown unit " + detail::quoted(symbol), kDurationExpected);
    }
    if (factor >= previous_factor) {
      reject("duration", text, "units out of order or repeated", kDurationExpected);
    }
    previous_factor = factor;
    if (!add_scaled(total, amount, factor, kLimit)) {
      reject("duration", text, "too long (at most 292 years)", kDurationExpected);
    }
  }
  return nanoseconds(static_cast<nanoseconds::rep>(total));
}

std::uint64_t parse_size(std::string_view text) {
  if (text.empty()) {
    reject("size", text, "empty", kSizeExpected);
  }
  std::string_view rest = text;
  if (!is_digit(rest.front())) {
    reject("size", text, "expected a digit", kSizeExpected);
  }
  std::uint64_t amount = 0;
  if (!take_number(rest, amount)) {
    reject("size", text, "number too large", kSizeExpected);
  }
  const std::string_view symbol = take_letters(rest);
  if (!rest.empty()) {
    reject("size", text, "more than one number", kSizeExpected);
  }
  if (symbol.empty()) {
    return amount;
  }
  for (const Unit& unit : kSizeUnits) {
    if (unit.symbol != symbol) {
      continue;
    }
    std::uint64_t total = 0;
    if (!add_scaled(total, amount, unit.factor, std::numeric_limits<std::uint64_t>::max())) {
      reject("size", text, "too large", kSizeExpected);
    }
    return total;
  }
  const bool decimal = symbol == "k" || symbol == "K" || symbol == "KB" || symbol == "kB" || symbol == "M" ||
                       symbol == "MB" || symbol == "G" || symbol == "GB" || symbol == "T" || symbol == "TB";
  reject("size", text,
         decimal ? "decimal unit " + detail::quoted(symbol) + " (sizes use powers of 1024)"
                 : "unknown unit " + detail::quoted(symbol),
         kSizeExpected);
}

std::string format_duration(std::chrono::nanoseconds duration) {
  if (duration.count() <= 0) {
    return "0s";
  }
  auto rest = static_cast<std::uint64_t>(duration.count());
  std::string text;
  for (const Unit& unit : kDurationUnits) {
    if (unit.symbol == "µs") {
      continue;
    }
    if (rest < unit.factor) {
      continue;
    }
    text += std::to_string(rest / unit.factor);
    text += unit.symbol;
    rest %= unit.factor;
  }
  return text;
}

std::string format_size(std::uint64_t bytes) {
  for (auto unit = kSizeUnits.rbegin(); unit != kSizeUnits.rend(); ++unit) {
    if (unit->factor > 1 && bytes != 0 && bytes % unit->factor == 0) {
      return std::to_string(bytes / unit->factor) + std::string(unit->symbol);
    }
  }
  return std::to_string(bytes);
}

}  // namespace mapscope::config

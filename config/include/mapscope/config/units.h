// Durations and sizes as the configuration and the agent's flags write them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mapscope::config {

// Prometheus-style duration: integer amounts with units in decreasing order, each at most once:
// y (365d), w, d, h, m, s, ms, us (or µs), ns. Examples: "250us", "100ms", "1m30s", "5m", "1h", "0".
// Throws std::invalid_argument whose what() says what is wrong and what was expected (no location).
std::chrono::nanoseconds parse_duration(std::string_view text);

// Size in bytes: a plain integer ("4096", optionally "4096B") or an integer with one IEC unit:
// KiB, MiB, GiB, TiB, PiB, EiB. Throws std::invalid_argument like parse_duration.
std::uint64_t parse_size(std::string_view text);

// Canonical text that the parsers read back to the same value: "1m30s", "250us", "0s"; "64MiB", "1000".
std::string format_duration(std::chrono::nanoseconds duration);
std::string format_size(std::uint64_t bytes);

}  // namespace mapscope::config

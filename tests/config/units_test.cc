// Durations and sizes: the notations the configuration and the agent's flags accept and reject.
#include <gtest/gtest.h>

#include <stdexcept>

#include "mapscope/config/units.h"

namespace mapscope::config {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct DurationCase {
  const char* text;
  nanoseconds expected;
};

TEST(ParseDuration, AcceptsPrometheusNotationAndSubMillisecondUnits) {
  const DurationCase cases[] = {
      {"0", 0ns},
      {"0s", 0ns},
      {"250us", 250us},
      {"1µs", 1us},
      {"10ns", 10ns},
      {"100ms", 100ms},
      {"1s", 1s},
      {"1m30s", 90s},
      {"5m", 5min},
      {"1h", 1h},
      {"2h45m10s", 2h + 45min + 10s},
      {"1d", 24h},
      {"1w", 7 * 24h},
      {"1y", 365 * 24h},
      {"1s500ms", 1500ms},
      {"1m0s", 1min},
      {"1s1ms1us1ns", 1s + 1ms + 1us + 1ns},
      {"292y", 292 * 365 * 24h},
  };
  for (const DurationCase& c : cases) {
    EXPECT_EQ(parse_duration(c.text), c.expected) << c.text;
  }
}

struct RejectCase {
  const char* text;
  const char* why;
};

TEST(ParseDuration, RejectsWithTheReasonAndTheExpectedForm) {
  const RejectCase cases[] = {
      {"", "invalid duration \"\": empty;"},
      {"100", "invalid duration \"100\": missing unit;"},
      {"1.5s", "invalid duration \"1.5s\": unknown unit \".\";"},
      {"-1s", "invalid duration \"-1s\": expected a digit;"},
      {"1s1m", "invalid duration \"1s1m\": units out of order or repeated;"},
      {"1m1m", "invalid duration \"1m1m\": units out of order or repeated;"},
      {"1us1µs", "invalid duration \"1us1µs\": units out of order or repeated;"},
      {"5 m", "invalid duration \"5 m\": unknown unit \" m\";"},
      {"3x", "invalid duration \"3x\": unknown unit \"x\";"},
      {"ms", "invalid duration \"ms\": expected a digit;"},
      {"1M", "invalid duration \"1M\": unknown unit \"M\";"},
      {"293y", "invalid duration \"293y\": too long (at most 292 years);"},
      {"99999999999999999999s", "invalid duration \"99999999999999999999s\": number too large;"},
  };
  for (const RejectCase& c : cases) {
    try {
      parse_duration(c.text);
      ADD_FAILURE() << "accepted " << c.text;
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(c.why, 0), 0U) << message;
      EXPECT_NE(message.find("expected integers with units y, w, d, h, m, s, ms, us, ns"), std::string::npos);
    }
  }
}

TEST(FormatDuration, WritesTheCanonicalFormThatParsesBack) {
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(250us), "250us");
  EXPECT_EQ(format_duration(0ns), "0s");
  EXPECT_EQ(format_duration(1h + 1ns), "1h1ns");
  EXPECT_EQ(format_duration(8 * 24h), "1w1d");
  for (nanoseconds d : std::initializer_list<nanoseconds>{1ns, 999ns, 1500us, 100ms, 61s, 3601s, 400 * 24h,
                                                          nanoseconds(123456789012345)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

struct SizeCase {
  const char* text;
  std::uint64_t expected;
};

TEST(ParseSize, AcceptsBytesAndIecUnits) {
  const SizeCase cases[] = {
      {"0", 0},
      {"4096", 4096},
      {"4096B", 4096},
      {"1KiB", 1024},
      {"512KiB", 512ULL << 10},
      {"64MiB", 64ULL << 20},
      {"3GiB", 3ULL << 30},
      {"2TiB", 2ULL << 40},
      {"1PiB", 1ULL << 50},
      {"15EiB", 15ULL << 60},
      {"18446744073709551615", UINT64_MAX},
  };
  for (const SizeCase& c : cases) {
    EXPECT_EQ(parse_size(c.text), c.expected) << c.text;
  }
}

TEST(ParseSize, RejectsDecimalUnitsFractionsAndOverflow) {
  const RejectCase cases[] = {
      {"", "invalid size \"\": empty;"},
      {"1MB", "invalid size \"1MB\": decimal unit \"MB\" (sizes use powers of 1024);"},
      {"1k", "invalid size \"1k\": decimal unit \"k\" (sizes use powers of 1024);"},
      {"1mib", "invalid size \"1mib\": unknown unit \"mib\";"},
      {"1.5MiB", "invalid size \"1.5MiB\": more than one number;"},
      {"MiB", "invalid size \"MiB\": expected a digit;"},
      {"-1", "invalid size \"-1\": expected a digit;"},
      {"16EiB", "invalid size \"16EiB\": too large;"},
      {"18446744073709551616", "invalid size \"18446744073709551616\": number too large;"},
      {"1KiB1", "invalid size \"1KiB1\": more than one number;"},
  };
  for (const RejectCase& c : cases) {
    try {
      parse_size(c.text);
      ADD_FAILURE() << "accepted " << c.text;
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(c.why, 0), 0U) << message;
      EXPECT_NE(message.find("IEC unit"), std::string::npos) << message;
    }
  }
}

TEST(FormatSize, UsesTheLargestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(1536), "1536");
  EXPECT_EQ(format_size(1024), "1KiB");
  EXPECT_EQ(format_size(1ULL << 20), "1MiB");
  EXPECT_EQ(format_size(3ULL << 30), "3GiB");
  for (std::uint64_t bytes : std::initializer_list<std::uint64_t>{0ULL, 1ULL, 1023ULL, 1025ULL, 64ULL << 20,
                                                                  15ULL << 60, UINT64_MAX}) {
    EXPECT_EQ(parse_size(format_size(bytes)), bytes) << format_size(bytes);
  }
}

}  // namespace
}  // namespace mapscope::config

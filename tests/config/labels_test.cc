// Label names and values: Prometheus syntax, reserved names, UTF-8.
#include <gtest/gtest.h>

#include <algorithm>

#include "mapscope/config/labels.h"

namespace mapscope::config {
namespace {

TEST(LabelNames, AcceptsPrometheusNames) {
  for (const char* name : {"team", "_private", "a1", "Zone_2", "x", "mapname", "jobs", "_"}) {
    EXPECT_EQ(label_name_problem(name), std::nullopt) << name;
  }
}

TEST(LabelNames, RejectsBadSyntaxWithTheExpectedPattern) {
  for (const char* name : {"", "1team", "team-a", "team.a", "té", "a b"}) {
    EXPECT_EQ(label_name_problem(name),
              "invalid label name \"" + std::string(name) + "\"; expected [a-zA-Z_][a-zA-Z0-9_]*")
        << name;
  }
}

TEST(LabelNames, RejectsDoubleUnderscoreAndReservedNames) {
  EXPECT_EQ(label_name_problem("__name__"),
            "label name \"__name__\" starts with \"__\", which Prometheus reserves; expected another name");
  for (const std::string& name : reserved_label_names()) {
    EXPECT_EQ(label_name_problem(name),
              "label name \"" + name + "\" is reserved (the exporter sets it); expected another name");
  }
  const auto& reserved = reserved_label_names();
  for (const char* name : {"map", "job", "instance", "le", "region"}) {
    EXPECT_NE(std::find(reserved.begin(), reserved.end(), name), reserved.end()) << name;
  }
}

TEST(LabelValues, MustBeNonEmptyUtf8) {
  EXPECT_EQ(label_value_problem("core"), std::nullopt);
  EXPECT_EQ(label_value_problem("équipe 東京 🚀"), std::nullopt);
  EXPECT_EQ(label_value_problem(""), "empty label value (Prometheus drops empty labels); expected some text");
  EXPECT_EQ(label_value_problem("a\xff"), "label value is not valid UTF-8; expected UTF-8 text");
}

TEST(Utf8, AcceptsWellFormedSequences) {
  for (const char* text : {"", "ascii", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80", "\xef\xbf\xbf",
                           "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
  }
}

TEST(Utf8, RejectsMalformedSequences) {
  const char* malformed[] = {
      "\x80",              // lone continuation byte
      "\xc0\xaf",          // overlong '/'
      "\xc3",              // truncated two-byte sequence
      "\xe2\x82",          // truncated three-byte sequence
      "\xe0\x80\xaf",      // overlong three-byte form
      "\xed\xa0\x80",      // UTF-16 surrogate U+D800
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf5\x80\x80\x80",  // invalid lead byte
      "\xe2\x28\xa1",      // bad continuation
      "ok\xff",
  };
  for (const char* text : malformed) {
    EXPECT_FALSE(is_valid_utf8(text)) << text;
  }
}

}  // namespace
}  // namespace mapscope::config

// LogCapture: the exporter's log lines, captured while the object lives, for tests of what is logged.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "mapscope/exporter/logger.h"

namespace mapscope::testing {

class LogCapture {
 public:
  LogCapture() {
    exporter::Logger::global().set_sink([this](std::string_view line) { lines.emplace_back(line); });
  }
  ~LogCapture() { exporter::Logger::global().set_sink(nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines that contain `fragment`.
  std::size_t count(const std::string& fragment) const {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(fragment) != std::string::npos;
    }));
  }

  std::vector<std::string> lines;
};

}  // namespace mapscope::testing

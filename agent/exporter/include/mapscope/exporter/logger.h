// Logger: the agent's structured log lines, in logfmt or JSON, on stderr unless redirected.
//
// One line per event: `ts=2024-05-01T12:00:00.000Z level=info msg="listening" address=127.0.0.1:8931`
// or the same fields as one JSON object. The exporter library and the agent log through the process-wide
// instance; an embedding service can redirect lines with set_sink() or silence them with the level.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mapscope::exporter {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };
enum class LogFormat { Logfmt, Json };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;  // receives each line without its newline

  static Logger& global();

  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  void set_format(LogFormat format) { format_.store(format, std::memory_order_relaxed); }
  void set_sink(Sink sink);  // empty: back to stderr
  bool enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }

  void log(LogLevel level, std::string_view message, const LogFields& fields = {});

  // The line log() writes, without the timestamp's variability: for tests of the formats.
  static std::string format_line(LogFormat format, std::string_view timestamp, LogLevel level,
                                 std::string_view message, const LogFields& fields);

 private:
  std::atomic<LogLevel> level_{LogLevel::Info};
  std::atomic<LogFormat> format_{LogFormat::Logfmt};
  std::mutex sink_mutex_;  // one line at a time, whole
  Sink sink_;
};

std::optional<LogLevel> parse_log_level(std::string_view text);    // debug, info, warn, error
std::optional<LogFormat> parse_log_format(std::string_view text);  // logfmt, json
std::string_view to_string(LogLevel level);

inline void log_debug(std::string_view message, const LogFields& fields = {}) {
  if (Logger::global().enabled(LogLevel::Debug)) {
    Logger::global().log(LogLevel::Debug, message, fields);
  }
}
inline void log_info(std::string_view message, const LogFields& fields = {}) {
  Logger::global().log(LogLevel::Info, message, fields);
}
inline void log_warn(std::string_view message, const LogFields& fields = {}) {
  Logger::global().log(LogLevel::Warn, message, fields);
}
inline void log_error(std::string_view message, const LogFields& fields = {}) {
  Logger::global().log(LogLevel::Error, message, fields);
}

}  // namespace mapscope::exporter

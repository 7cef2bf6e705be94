// Logger: formatting of logfmt and JSON lines, and the process-wide instance.
#include "mapscope/exporter/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace mapscope::exporter {
namespace {

// RFC 3339 in UTC with milliseconds, as Prometheus' own logs write it.
std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return buffer;
}

bool needs_logfmt_quotes(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  for (const char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
      return true;
    }
  }
  return false;
}

void append_logfmt_value(std::string& line, std::string_view value) {
  if (!needs_logfmt_quotes(value)) {
    line += value;
    return;
  }
  line += '"';
  for (const char c : value) {
    switch (c) {
      case '"':
        line += "\\\"";
        break;
      case '\\':
        line += "\\\\";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        line += c;
    }
  }
  line += '"';
}

}  // namespace

Logger& Logger::global() {
  static Logger instance;
  return instance;
}

void Logger::set_sink(Sink sink) {
  std::lock_guard lock(sink_mutex_);
  sink_ = std::move(sink);
}

void Logger::log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!enabled(level)) {
    return;
  }
  const std::string line =
      format_line(format_.load(std::memory_order_relaxed), now_rfc3339(), level, message, fields);
  std::lock_guard lock(sink_mutex_);
  if (sink_) {
    sink_(line);
    return;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

std::string Logger::format_line(LogFormat format, std::string_view timestamp, LogLevel level,
                                std::string_view message, const LogFields& fields) {
  if (format == LogFormat::Json) {
    nlohmann::ordered_json object;
    object["ts"] = timestamp;
    object["level"] = to_string(level);
    object["msg"] = message;
    for (const auto& [key, value] : fields) {
      object[key] = value;
    }
    // Invalid UTF-8 (a map name, a file path) is replaced rather than thrown on.
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = "ts=";
  line += timestamp;
  line += " level=";
  line += to_string(level);
  line += " msg=";
  append_logfmt_value(line, message);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    append_logfmt_value(line, value);
  }
  return line;
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "debug") {
    return LogLevel::Debug;
  }
  if (text == "info") {
    return LogLevel::Info;
  }
  if (text == "warn") {
    return LogLevel::Warn;
  }
  if (text == "error") {
    return LogLevel::Error;
  }
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "logfmt") {
    return LogFormat::Logfmt;
  }
  if (text == "json") {
    return LogFormat::Json;
  }
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warn:
      return "warn";
    case LogLevel::Error:
      return "error";
  }
  return "info";
}

}  // namespace mapscope::exporter

// CommandLine: mapscope-agent's flags, in the exporter convention (--web.*, --log.*, --config.file).
#pragma once

#include <optional>
#include <string>

#include <mapscope/exporter/logger.h>
#include <mapscope/config/schema.h>

namespace mapscope::cli {

struct CommandLine {
  // Flags that override the configuration file's `server` section when given.
  std::optional<std::string> listen_address;
  std::optional<std::string> telemetry_path;
  std::optional<std::string> web_config_file;

  std::string config_file;  // empty: the embedded default
  bool check_config = false;
  bool print_default_config = false;
  bool version = false;
  exporter::LogLevel log_level = exporter::LogLevel::Info;
  exporter::LogFormat log_format = exporter::LogFormat::Logfmt;

  // Applies the server overrides to a loaded configuration.
  void override_server(config::Config& config) const;
};

// What parsing decided: run with the flags, or exit now with a code (after --help, or a usage error,
// already printed: the help to stdout, an error as one line to stderr).
struct ParseResult {
  CommandLine flags;
  std::optional<int> exit_code;
};

ParseResult parse_command_line(int argc, char** argv);

}  // namespace mapscope::cli

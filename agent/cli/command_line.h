// CommandLine: mapscope-agent's flags, in the exporter convention (--web.*, --log.*, --config.file).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mapscope/config/schema.h>
#include <mapscope/exporter/logger.h>

namespace mapscope::cli {

struct CommandLine {
  // Flags that override the configuration file's `server` section when given.
  std::optional<std::string> listen_address;
  std::optional<std::string> telemetry_path;
  std::optional<std::string> web_config_file;

  std::string config_file;             // empty: the embedded default, or no scenarios when go_pids are given
  std::vector<std::uint32_t> go_pids;  // --go.pid: Go processes to watch, beside the file's go_targets
  bool check_config = false;
  bool print_default_config = false;
  bool version = false;
  exporter::LogLevel log_level = exporter::LogLevel::Info;
  exporter::LogFormat log_format = exporter::LogFormat::Logfmt;

  // Where the configuration comes from, for logs: the file, "<default>" or "--go.pid".
  std::string config_source() const;
  // Applies the server overrides to a loaded configuration.
  void override_server(config::Config& config) const;
  // Adds a Go target for each --go.pid. Throws std::invalid_argument when the configuration already
  // watches that pid.
  void add_go_pids(config::Config& config) const;
};

// What parsing decided: run with the flags, or exit now with a code (after --help, or a usage error,
// already printed: the help to stdout, an error as one line to stderr).
struct ParseResult {
  CommandLine flags;
  std::optional<int> exit_code;
};

ParseResult parse_command_line(int argc, char** argv);

}  // namespace mapscope::cli

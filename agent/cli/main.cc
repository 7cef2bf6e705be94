// mapscope-agent: flags, configuration, then serve until SIGTERM or SIGINT; SIGHUP reloads.
#include <malloc.h>

#include <cstdio>
#include <exception>

#include <mapscope/config/config_error.h>
#include <mapscope/config/loader.h>
#include <mapscope/exporter/build_info.h>
#include <mapscope/exporter/logger.h>

#include "agent.h"
#include "command_line.h"
#include "signal_waiter.h"

namespace {

using namespace mapscope;

constexpr int kUsageOrConfigError = 2;

void print_version() {
  const exporter::BuildInfo& build = exporter::build_info();
  std::printf("mapscope-agent, version %.*s (revision %.*s)\n  compiler: %.*s\n",
              static_cast<int>(build.version.size()), build.version.data(),
              static_cast<int>(build.revision.size()), build.revision.data(),
              static_cast<int>(build.compiler.size()), build.compiler.data());
}

// One line on stderr: a configuration error already reads FILE:LINE:COLUMN: message.
// One malloc arena for the whole agent. A scrape builds its body in large, short-lived buffers (about
// 3.5 MB for 1,000 maps) on whichever of the HTTP workers serves it; with glibc's default of up to eight
// arenas per core, each worker thread's arena keeps its own freed buffers, and resident memory kept rising
// through a minute of back-to-back scrapes (reliability_load_wrk: +22.7 MB between the run's two halves)
// where one arena holds it flat. Called before any thread exists.
void use_one_malloc_arena() {
  mallopt(M_ARENA_MAX, 1);
}

int fail(const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return kUsageOrConfigError;
}

int serve(const cli::CommandLine& flags, cli::LoadedConfig loaded, const cli::SignalWaiter& signals) {
  std::unique_ptr<cli::Agent> agent;
  try {
    agent = std::make_unique<cli::Agent>(flags, std::move(loaded));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mapscope-agent: %s\n", error.what());
    return kUsageOrConfigError;
  }
  while (signals.wait() == cli::SignalWaiter::Event::Reload) {
    agent->reload();
  }
  exporter::log_info("stopping");
  agent.reset();
  exporter::log_info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  use_one_malloc_arena();
  const cli::SignalWaiter signals;  // before any thread exists
  const cli::ParseResult parsed = cli::parse_command_line(argc, argv);
  if (parsed.exit_code) {
    return *parsed.exit_code;
  }
  const cli::CommandLine& flags = parsed.flags;
  if (flags.version) {
    print_version();
    return 0;
  }
  if (flags.print_default_config) {
    const std::string_view yaml = config::default_config_yaml();
    std::fwrite(yaml.data(), 1, yaml.size(), stdout);
    return 0;
  }
  exporter::Logger::global().set_level(flags.log_level);
  exporter::Logger::global().set_format(flags.log_format);

  cli::LoadedConfig loaded;
  try {
    loaded = cli::load_configuration(flags);
  } catch (const std::exception& error) {
    return fail(error);
  }
  if (flags.check_config) {
    std::printf("%s: valid (%zu scenarios, %zu Go targets)\n", flags.config_source().c_str(),
                loaded.config.scenarios.size(), loaded.config.go_targets.size());
    return 0;
  }
  const exporter::BuildInfo& build = exporter::build_info();
  exporter::log_info("starting mapscope-agent", {{"version", std::string(build.version)},
                                                 {"revision", std::string(build.revision)},
                                                 {"config", flags.config_source()}});
  return serve(flags, std::move(loaded), signals);
}

// libFuzzer target: arbitrary bytes given to the agent's configuration loader (load_config_string).
//
// The loader's contract: it returns a valid Config or throws config::ConfigError whose message is one line
// starting with `NAME:LINE:COLUMN: `. Anything else (another exception, a crash, a sanitizer report, a
// message over several lines) is a finding. A configuration that loads must also survive the round trip
// the writer promises: to_yaml() of it loads back to an equal Config.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <mapscope/config/config_error.h>
#include <mapscope/config/loader.h>
#include <mapscope/config/writer.h>

namespace {

constexpr std::string_view kName = "fuzz.yaml";

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "config_loader_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

// FILE:LINE:COLUMN: message, on one line.
void check_error_message(const mapscope::config::ConfigError& error, std::string_view name) {
  const std::string_view text = error.what();
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    finding("error message over several lines", std::string(text));
  }
  const std::string prefix =
      std::string(name) + ":" + std::to_string(error.line()) + ":" + std::to_string(error.column()) + ": ";
  if (!text.starts_with(prefix) || error.line() == 0 || error.column() == 0) {
    finding("error message without its location", std::string(text));
  }
  if (text.size() == prefix.size()) {
    finding("error message says nothing", std::string(text));
  }
}

// Loads `yaml`; a ConfigError is an answer (checked), anything else thrown is a finding.
template <class Found>
void load(std::string_view yaml, std::string_view name, Found&& found) {
  try {
    found(mapscope::config::load_config_string(yaml, name));
  } catch (const mapscope::config::ConfigError& error) {
    check_error_message(error, name);
  } catch (const std::exception& error) {
    finding("an exception other than ConfigError", error.what());
  }
}

void check_round_trip(const mapscope::config::Config& config) {
  std::string written;
  try {
    written = mapscope::config::to_yaml(config);
  } catch (const std::exception& error) {
    finding("to_yaml threw on a loaded configuration", error.what());
  }
  try {
    if (mapscope::config::load_config_string(written, "written.yaml") != config) {
      finding("to_yaml does not load back to an equal configuration", written);
    }
  } catch (const std::exception& error) {
    finding("to_yaml wrote what the loader refuses", std::string(error.what()) + "\n" + written);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  load(yaml, kName, check_round_trip);
  return 0;
}

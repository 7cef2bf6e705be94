// Go programs for the goproc suites: toolchains (go_toolchains.sh), builds cached in the build
// tree, and running programs that are killed when the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mapscope/goproc/target.h"

namespace mapscope::goproc::test {

// The Go versions the classic-map suites build with: Debian's go1.19 and the newer ones from
// Debian's archive (go1.24 with GOEXPERIMENT=noswissmap).
inline const std::vector<std::string> kGoVersions = {"1.19", "1.21", "1.22", "1.23", "1.24"};

// The Go versions whose default builds have Swiss-table maps.
inline const std::vector<std::string> kSwissGoVersions = {"1.24", "1.25", "1.26"};

// The build tree's folder for toolchains, builds and scratch files.
std::filesystem::path work_dir();

// A fixture module under tests/goproc/fixtures/.
std::filesystem::path fixture_source(const std::string& name);

struct GoBuild {
  std::string version = "1.19";    // one of kGoVersions or kSwissGoVersions
  std::filesystem::path source;    // a Go module folder
  std::vector<std::string> flags;  // extra `go build` flags, e.g. -ldflags=-s -w
  bool classic_maps = true;        // go1.24 and go1.25: GOEXPERIMENT=noswissmap (go1.26 has only Swiss maps)
  std::string name;                // the output's base name (distinct per variant)
};

// Builds (or finds already built) the program and returns its path. Throws with go's output.
std::filesystem::path build_go(const GoBuild& build);

// Runs a shell command, returns its exit status; output goes to `output` when given.
int run_command(const std::string& command, std::string* output = nullptr);

// A program started for a test and killed (SIGKILL, then reaped) when it goes out of scope.
class RunningProgram {
 public:
  RunningProgram(const std::filesystem::path& program, const std::vector<std::string>& args);
  ~RunningProgram();
  RunningProgram(const RunningProgram&) = delete;
  RunningProgram& operator=(const RunningProgram&) = delete;

  pid_t pid() const { return pid_; }
  void kill_and_wait();

 private:
  pid_t pid_ = -1;
};

// Waits (guarding only against a hang) until `path` holds JSON whose "generation" is at least
// `generation`, and returns it.
nlohmann::json wait_for_json(const std::filesystem::path& path, int generation = 0,
                             std::chrono::seconds limit = std::chrono::seconds(120));

// A target of one pid watching `maps` (empty: every global map).
inline TargetSpec spec_for_pid(pid_t pid, std::vector<std::string> maps = {}) {
  TargetSpec spec;
  spec.pid = pid;
  spec.maps = std::move(maps);
  return spec;
}

// A fresh scratch folder under work_dir().
std::filesystem::path scratch_dir(const std::string& label);

}  // namespace mapscope::goproc::test

#include "go_programs.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mapscope::goproc::test {
namespace fs = std::filesystem;

fs::path work_dir() {
  fs::path dir = MAPSCOPE_GOPROC_WORK_DIR;
  fs::create_directories(dir);
  return dir;
}

fs::path fixture_source(const std::string& name) {
  return fs::path(MAPSCOPE_GOPROC_FIXTURES) / name;
}

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  std::array<char, 4096> buffer{};
  std::string text;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) {
    text += buffer.data();
  }
  const int status = ::pclose(pipe);
  if (output != nullptr) {
    *output = text;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {

std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// Serializes builds across the suite's processes (ctest runs test cases in parallel).
class FileLock {
 public:
  explicit FileLock(const fs::path& path) : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_EX);
    }
  }
  ~FileLock() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

fs::path goroot(const std::string& version) {
  std::string output;
  const auto command =
      quote(MAPSCOPE_GOPROC_TOOLCHAINS) + " " + quote(MAPSCOPE_GOPROC_TOOLCHAINS_DIR) + " " + version;
  if (run_command(command, &output) != 0) {
    throw std::runtime_error("go" + version + " toolchain: " + output);
  }
  std::istringstream lines(output);
  std::string got, root;
  while (lines >> got >> root) {
    if (got == version) {
      return root;
    }
  }
  throw std::runtime_error("go_toolchains.sh printed no GOROOT for " + version + ": " + output);
}

}  // namespace

fs::path build_go(const GoBuild& build) {
  const auto root = goroot(build.version);
  const auto out_dir = work_dir() / "programs";
  fs::create_directories(out_dir);
  auto output = out_dir / (build.name + "-go" + build.version);
  FileLock lock(output.string() + ".lock");
  // Rebuilt when a file beside the module's is newer than the program: the fixtures' go.mod files
  // replace in the shared module fixtures/shared, a sibling of the module.
  bool fresh = fs::exists(output);
  for (const auto& entry : fs::recursive_directory_iterator(build.source.parent_path())) {
    if (fresh && entry.last_write_time() > fs::last_write_time(output)) {
      fresh = false;
    }
  }
  if (fresh) {
    return output;
  }
  const fs::path cache = MAPSCOPE_GOPROC_GO_BUILD_CACHE;  // shared by every version and build tree
  std::string command =
      "cd " + quote(build.source.string()) + " && env GOROOT=" + quote(root.string()) +
      " PATH=" + quote((root / "bin").string()) + ":/usr/bin:/bin GOCACHE=" + quote(cache.string()) +
      " GOPATH=" + quote((work_dir() / "gopath").string()) +
      " GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on CGO_ENABLED=0 HOME=" + quote(work_dir().string());
  if (build.version == "1.24" || build.version == "1.25") {
    command += build.classic_maps ? " GOEXPERIMENT=noswissmap" : " GOEXPERIMENT=";
  }
  command += " go build -trimpath -o " + quote(output.string() + ".tmp");
  for (const auto& flag : build.flags) {
    command += " " + quote(flag);
  }
  command += " . && mv " + quote(output.string() + ".tmp") + " " + quote(output.string());
  std::string log;
  if (run_command(command, &log) != 0) {
    throw std::runtime_error("go build of " + build.name + " with go" + build.version + " failed: " + log);
  }
  return output;
}

RunningProgram::RunningProgram(const fs::path& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings{program.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (auto& arg : argv_strings) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  if (::posix_spawn(&pid_, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + program.string());
  }
}

RunningProgram::~RunningProgram() {
  kill_and_wait();
}

void RunningProgram::kill_and_wait() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

nlohmann::json wait_for_json(const fs::path& path, int generation, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    if (in) {
      auto json = nlohmann::json::parse(in, nullptr, false);
      if (!json.is_discarded() && json.value("generation", -1) >= generation) {
        return json;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("no view of generation " + std::to_string(generation) + " in " + path.string());
}

fs::path scratch_dir(const std::string& label) {
  const auto base = work_dir() / "scratch";
  fs::create_directories(base);
  std::string pattern = (base / (label + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed under " + base.string());
  }
  return pattern;
}

}  // namespace mapscope::goproc::test

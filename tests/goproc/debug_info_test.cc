// Stripped programs, the production case: the DWARF comes from a split debug file found by
// build-id under /usr/lib/debug/.build-id, or from a debuginfod server (libdw's own client,
// DEBUGINFOD_URLS). Each test builds its program with a build-id of its own.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "go_programs.h"
#include "mapscope/goproc/target.h"
#include "reading_json.h"

namespace mapscope::goproc::test {
namespace {
namespace fs = std::filesystem;

std::string random_build_id() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 20; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const auto byte = random() & 0xff;
    id += kDigits[byte >> 4];
    id += kDigits[byte & 15];
  }
  return id;
}

// The maps fixture with a fresh build-id, split into a stripped program and its debug file.
struct SplitProgram {
  std::string build_id = random_build_id();
  fs::path dir = scratch_dir("split");
  fs::path stripped = dir / "maps-stripped";
  fs::path debug = dir / (build_id.substr(2) + ".debug");

  SplitProgram() {
    const auto full =
        build_go({"1.19", fixture_source("maps"), {"-ldflags=-B=0x" + build_id}, true, "maps-" + build_id});
    std::string output;
    const auto command = "objcopy --only-keep-debug '" + full.string() + "' '" + debug.string() +
                         "' && strip -o '" + stripped.string() + "' '" + full.string() + "'";
    if (run_command(command, &output) != 0) {
      throw std::runtime_error(command + ": " + output);
    }
    fs::remove(full);
  }
};

// Reads the fixture's doubling map and checks it against the program's own view.
void expect_readable(const SplitProgram& split) {
  RunningProgram running(split.stripped, {(split.dir / "view.json").string()});
  const auto view = wait_for_json(split.dir / "view.json.maps.json");
  Target target(spec_for_pid(running.pid(), {"main.doubling", "main.srv.cache"}));
  const auto reading = target.read();
  ASSERT_TRUE(reading.up) << to_json(reading).dump(1);
  ASSERT_EQ(reading.processes.at(0).maps.size(), 2U) << to_json(reading).dump(1);
  const auto& doubling = reading.processes[0].maps[0].stats;
  EXPECT_EQ(doubling.entries, view.at("maps").at(0).at("count").get<std::uint64_t>());
  EXPECT_EQ(doubling.log2_buckets, view.at("maps").at(0).at("B").get<std::uint64_t>());
  EXPECT_EQ(reading.processes[0].maps[1].stats.entries, 700U);
}

// A debug file installed under /usr/lib/debug/.build-id for the test's life.
class InstalledDebugFile {
 public:
  InstalledDebugFile(const fs::path& debug, const std::string& build_id)
      : folder_(fs::path("/usr/lib/debug/.build-id") / build_id.substr(0, 2)),
        folder_existed_(fs::exists(folder_)),
        file_(folder_ / debug.filename()) {
    fs::create_directories(folder_);
    fs::copy_file(debug, file_);
  }
  ~InstalledDebugFile() {
    std::error_code ignored;
    fs::remove(file_, ignored);
    if (!folder_existed_) {
      fs::remove(folder_, ignored);
    }
  }
  InstalledDebugFile(const InstalledDebugFile&) = delete;
  InstalledDebugFile& operator=(const InstalledDebugFile&) = delete;

 private:
  fs::path folder_;
  bool folder_existed_;
  fs::path file_;
};

TEST(DebugInfo, AStrippedProgramIsReadWithItsDebugFileUnderUsrLibDebug) {
  ASSERT_EQ(::geteuid(), 0U) << "installing under /usr/lib/debug needs root, as CI has";
  SplitProgram split;
  const InstalledDebugFile installed(split.debug, split.build_id);
  expect_readable(split);
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(DebugInfo, AStrippedProgramIsReadWithDwarfFromDebuginfod) {
  SplitProgram split;
  const auto served = split.dir / "served";
  fs::create_directories(served);
  fs::rename(split.debug, served / split.debug.filename());
  const auto port = std::to_string(free_port());
  RunningProgram server("/usr/bin/debuginfod", {"-F", served.string(), "-p", port, "-d",
                                                (split.dir / "index.sqlite").string(), "-t", "0", "-g", "0"});
  const auto url = "http://127.0.0.1:" + port;
  // Ready once it serves the file (its first scan takes a moment).
  std::string code;
  for (int attempt = 0; attempt < 600 && code != "200"; ++attempt) {
    run_command("curl -s -o /dev/null -w '%{http_code}' " + url + "/buildid/" + split.build_id + "/debuginfo",
                &code);
    if (code != "200") {
      usleep(100'000);
    }
  }
  ASSERT_EQ(code, "200") << "debuginfod never served " << split.build_id;
  ::setenv("DEBUGINFOD_URLS", url.c_str(), 1);
  ::setenv("DEBUGINFOD_CACHE_PATH", (split.dir / "client-cache").c_str(), 1);
  expect_readable(split);
  ::unsetenv("DEBUGINFOD_URLS");
}

}  // namespace
}  // namespace mapscope::goproc::test

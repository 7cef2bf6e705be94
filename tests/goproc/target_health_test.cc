// Targets that are bad or change: no DWARF, not Go, Swiss-table maps, a pid that exits, an
// executable restarted, a pid file rewritten, no permission, a position-independent binary, many
// maps in one program. Each is reported clearly and never crashes the reader.
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "go_programs.h"
#include "mapscope/goproc/target.h"
#include "reading_json.h"

namespace mapscope::goproc::test {
namespace {
namespace fs = std::filesystem;

// The maps fixture, started and its view written.
struct MapsProgram {
  fs::path dir;
  std::unique_ptr<RunningProgram> running;

  explicit MapsProgram(const fs::path& program) : dir(scratch_dir("health")) {
    running = std::make_unique<RunningProgram>(program, std::vector<std::string>{(dir / "view.json").string()});
    wait_for_json(dir / "view.json");
  }
  pid_t pid() const { return running->pid(); }
};

fs::path maps_fixture(const std::string& version = "1.19") {
  return build_go({version, fixture_source("maps"), {}, true, "maps"});
}

std::string reading_text(const TargetReading& reading) { return to_json(reading).dump(1); }

TEST(TargetHealth, ABinaryWithoutDwarfIsDownWithTheReason) {
  MapsProgram program(build_go({"1.19", fixture_source("maps"), {"-ldflags=-s -w"}, true, "maps-nodwarf"}));
  Target target(spec_for_pid(program.pid(), {"main.doubling"}));
  const auto reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_NE(reading.down_reason.find("has no DWARF"), std::string::npos) << reading_text(reading);
  EXPECT_EQ(reading.read_errors_total.at("dwarf"), 1U);
  EXPECT_TRUE(reading.processes.empty());
}

TEST(TargetHealth, AProgramNotWrittenInGoIsDownWithTheReason) {
  RunningProgram sleeper("/bin/sleep", {"1000"});
  Target target(spec_for_pid(sleeper.pid()));
  const auto reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_NE(reading.down_reason.find("is not a Go program"), std::string::npos) << reading_text(reading);
  EXPECT_EQ(reading.read_errors_total.at("unsupported"), 1U);
}

TEST(TargetHealth, SwissTableMapsAreRefusedWithTheReason) {
  MapsProgram program(build_go({"1.24", fixture_source("maps"), {}, false, "maps-swiss"}));
  Target target(spec_for_pid(program.pid()));
  const auto reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_NE(reading.down_reason.find("swiss-table maps: not supported yet"), std::string::npos)
      << reading_text(reading);
}

TEST(TargetHealth, APidThatExitsBetweenReadsIsDownAsGone) {
  MapsProgram program(maps_fixture());
  Target target(spec_for_pid(program.pid(), {"main.doubling"}));
  ASSERT_TRUE(target.read().up);
  const auto pid = program.pid();
  program.running->kill_and_wait();
  const auto reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_EQ(reading.down_reason, "process " + std::to_string(pid) + " is gone");
  EXPECT_EQ(reading.read_errors_total.at("vanished"), 1U);
}

TEST(TargetHealth, AnExecutableTargetFollowsItsProcessesAcrossRestarts) {
  // A copy of its own, so that only this test's processes run it.
  const auto dir = scratch_dir("exe");
  const auto exe = dir / "orders-service";
  fs::copy_file(maps_fixture(), exe);
  TargetSpec spec;
  spec.exe = exe.string();
  spec.maps = {"main.sessions"};
  Target target(spec);

  auto first = std::make_unique<MapsProgram>(exe);
  auto reading = target.read();
  ASSERT_TRUE(reading.up) << reading_text(reading);
  ASSERT_EQ(reading.processes.size(), 1U);
  EXPECT_EQ(reading.name, "orders-service");
  EXPECT_EQ(reading.processes[0].pid, first->pid());
  EXPECT_EQ(reading.processes[0].label, "orders-service");

  auto second = std::make_unique<MapsProgram>(exe);
  reading = target.read();
  ASSERT_EQ(reading.processes.size(), 2U) << reading_text(reading);
  for (const auto& process : reading.processes) {
    EXPECT_EQ(process.label, "orders-service:" + std::to_string(process.pid));
    ASSERT_EQ(process.maps.size(), 1U);
    EXPECT_EQ(process.maps[0].stats.entries, 3000U);
  }

  // A restart: the old process gone, a new one under the same executable.
  first.reset();
  reading = target.read();
  ASSERT_EQ(reading.processes.size(), 1U) << reading_text(reading);
  EXPECT_EQ(reading.processes[0].pid, second->pid());
  EXPECT_EQ(reading.processes[0].label, "orders-service");

  second.reset();
  reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_EQ(reading.down_reason, "no process is running " + exe.string());
}

TEST(TargetHealth, APidFileIsReadAgainOnEveryRead) {
  MapsProgram first(maps_fixture());
  MapsProgram second(maps_fixture());
  const auto pid_file = scratch_dir("pidfile") / "service.pid";
  TargetSpec spec;
  spec.pid_file = pid_file.string();
  spec.maps = {"main.grown"};
  Target target(spec);

  auto reading = target.read();
  EXPECT_FALSE(reading.up);
  EXPECT_NE(reading.down_reason.find("pid file " + pid_file.string()), std::string::npos) << reading.down_reason;

  std::ofstream(pid_file) << first.pid() << "\n";
  reading = target.read();
  ASSERT_EQ(reading.processes.size(), 1U) << reading_text(reading);
  EXPECT_EQ(reading.processes[0].pid, first.pid());
  EXPECT_EQ(reading.name, "maps-go1.19");

  std::ofstream(pid_file) << second.pid() << "\n";
  reading = target.read();
  ASSERT_EQ(reading.processes.size(), 1U) << reading_text(reading);
  EXPECT_EQ(reading.processes[0].pid, second.pid());
}

TEST(TargetHealth, WithoutPtraceAccessTheReasonNamesTheCapability) {
  ASSERT_EQ(::geteuid(), 0U) << "this suite runs as root, as CI does";
  MapsProgram program(maps_fixture());
  std::string output;
  const int status = run_command("setpriv --reuid=nobody --regid=nogroup --clear-groups " +
                                     std::string(MAPSCOPE_GOPROC_READ_TARGET) + " --pid " + std::to_string(program.pid()),
                                 &output);
  EXPECT_EQ(status, 1) << output;
  const auto reading = nlohmann::json::parse(output.substr(output.find('{')));
  EXPECT_FALSE(reading.at("up").get<bool>());
  EXPECT_NE(reading.at("down_reason").get<std::string>().find("reading " + std::to_string(program.pid()) +
                                                               " needs root or CAP_SYS_PTRACE"),
            std::string::npos)
      << output;
  EXPECT_EQ(reading.at("read_errors_total").at("permission"), 1);
}

TEST(TargetHealth, APositionIndependentProgramIsReadAtItsLoadAddress) {
  MapsProgram program(build_go({"1.19", fixture_source("maps"), {"-buildmode=pie"}, true, "maps-pie"}));
  const auto view = wait_for_json(program.dir / "view.json.maps.json");
  Target target(spec_for_pid(program.pid(), {"main.doubling", "main.srv.cache"}));
  const auto reading = target.read();
  ASSERT_TRUE(reading.up) << reading_text(reading);
  ASSERT_EQ(reading.processes.at(0).maps.size(), 2U) << reading_text(reading);
  EXPECT_EQ(reading.processes[0].maps[0].stats.entries, view.at("maps").at(0).at("count").get<std::uint64_t>());
  EXPECT_EQ(reading.processes[0].maps[1].stats.entries, 700U);
  EXPECT_GT(reading.processes[0].runtime.heap_inuse_bytes, 0U);
}

TEST(TargetHealth, AMissingPathIsAProblemWhileTheOtherMapsAreRead) {
  MapsProgram program(maps_fixture());
  Target target(spec_for_pid(program.pid(), {"main.doubling", "main.nothing", "main.srv.name", "main.srv.missing"}));
  const auto reading = target.read();
  ASSERT_TRUE(reading.up) << reading_text(reading);
  ASSERT_EQ(reading.processes.at(0).maps.size(), 1U);
  EXPECT_EQ(reading.problems,
            (std::vector<std::string>{"main.nothing: no global variable of that name in the program's DWARF",
                                      "main.srv.name is a string, not a map",
                                      "main.srv.missing: main.srv (main.server) has no field missing"}));
}

// A program with `count` global maps, map i holding i * 7 + 1 entries.
fs::path many_maps_program(int count) {
  const auto dir = work_dir() / ("many-maps-" + std::to_string(count));
  fs::create_directories(dir);
  std::ofstream(dir / "go.mod") << "module mapscope.test/goproc/many\n\ngo 1.19\n";
  std::ofstream main(dir / "main.go.new");
  main << "// Generated by the goproc suites: " << count << " global maps, then sleep.\npackage main\n\n"
       << "import \"time\"\n\nvar (\n";
  for (int i = 0; i < count; ++i) {
    main << "\tm" << i << " map[int64]int64\n";
  }
  main << ")\n\nfunc fill(n int) map[int64]int64 {\n\tm := make(map[int64]int64)\n"
       << "\tfor i := 0; i < n; i++ {\n\t\tm[int64(i)] = int64(i)\n\t}\n\treturn m\n}\n\nfunc main() {\n";
  for (int i = 0; i < count; ++i) {
    main << "\tm" << i << " = fill(" << i * 7 + 1 << ")\n";
  }
  main << "\tfor {\n\t\ttime.Sleep(time.Hour)\n\t}\n}\n";
  main.close();
  // Only a changed source makes the build run again.
  std::string old_text, new_text;
  std::getline(std::ifstream(dir / "main.go"), old_text, '\0');
  std::getline(std::ifstream(dir / "main.go.new"), new_text, '\0');
  if (old_text != new_text) {
    fs::rename(dir / "main.go.new", dir / "main.go");
  }
  return build_go({"1.19", dir, {}, true, "many-maps-" + std::to_string(count)});
}

TEST(TargetHealth, FiftyMapsInOneProgramAreAllRead) {
  RunningProgram program(many_maps_program(50), {});
  Target target(spec_for_pid(program.pid()));
  // The program is ready once its last map is filled.
  TargetReading reading;
  for (int attempt = 0; attempt < 600; ++attempt) {
    reading = target.read();
    const bool filled = !reading.processes.empty() &&
                        std::any_of(reading.processes[0].maps.begin(), reading.processes[0].maps.end(),
                                    [](const MapReading& map) { return map.path == "main.m49"; });
    if (filled) {
      break;
    }
    usleep(100'000);
  }
  ASSERT_TRUE(reading.up) << reading_text(reading);
  int seen = 0;
  for (const auto& map : reading.processes[0].maps) {
    if (map.path.starts_with("main.m")) {
      const int index = std::stoi(map.path.substr(6));
      EXPECT_EQ(map.stats.entries, static_cast<std::uint64_t>(index * 7 + 1)) << map.path;
      ++seen;
    }
  }
  EXPECT_EQ(seen, 50);
}

}  // namespace
}  // namespace mapscope::goproc::test

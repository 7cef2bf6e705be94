// read_target: reads one Go target once with goproc::Target and prints the reading as JSON.
// The suites run it as another user (permission checks) and people run it to see what the agent
// would read: read_target --pid PID | --pid-file FILE | --exe PATH [--map PATH]... [--reads N]
#include <cstdlib>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "mapscope/goproc/target.h"
#include "reading_json.h"

int main(int argc, char** argv) {
  mapscope::goproc::TargetSpec spec;
  int reads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--pid") {
      spec.pid = std::atoi(value.c_str());
    } else if (flag == "--pid-file") {
      spec.pid_file = value;
    } else if (flag == "--exe") {
      spec.exe = value;
    } else if (flag == "--map") {
      spec.maps.push_back(value);
    } else if (flag == "--reads") {
      reads = std::atoi(value.c_str());
    } else {
      std::cerr << "read_target: unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (argc % 2 == 0 || (spec.pid == 0 && spec.pid_file.empty() && spec.exe.empty())) {
    std::cerr << "usage: read_target --pid PID | --pid-file FILE | --exe PATH [--map PATH]... [--reads N]\n";
    return 2;
  }
  mapscope::goproc::Target target(spec);
  mapscope::goproc::TargetReading reading;
  for (int i = 0; i < reads; ++i) {
    reading = target.read();
  }
  std::cout << mapscope::goproc::test::to_json(reading).dump(1) << "\n";
  return reading.up ? 0 : 1;
}

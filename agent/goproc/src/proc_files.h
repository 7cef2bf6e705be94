// What /proc tells about a process: who it is (start time, executable), where its executable is
// loaded, which processes run a given executable, and why access to it is refused.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "read_failure.h"

namespace mapscope::goproc {

// A process as found: a pid is reused, so the start time names one process.
struct ProcessIdentity {
  pid_t pid = 0;
  std::uint64_t start_ticks = 0;  // field 22 of /proc/PID/stat
  std::string exe;                // the link /proc/PID/exe, " (deleted)" when replaced on disk
  dev_t exe_device = 0;
  ino_t exe_inode = 0;
  std::int64_t exe_mtime_ns = 0;
  std::int64_t exe_size = 0;

  bool same_process(const ProcessIdentity& other) const {
    return pid == other.pid && start_ticks == other.start_ticks;
  }
};

// The identity of pid now, or why it cannot be had (gone: vanished; refused: permission).
std::variant<ProcessIdentity, ReadFailure> read_process_identity(pid_t pid);

// Only the start time: cheap enough to check after every read that the process is still the same.
std::optional<std::uint64_t> read_start_ticks(pid_t pid);

// The pid written in a pid file (first token), or why not.
std::variant<pid_t, ReadFailure> read_pid_file(const std::string& path);

// Every process whose /proc/PID/exe is `exe` (or `exe (deleted)`), in ascending pid order.
std::vector<pid_t> find_processes_running(const std::string& exe);

// Where the executable is mapped in pid: the address of its mapping at file offset 0, or nothing.
std::optional<std::uint64_t> executable_mapping_start(pid_t pid, dev_t device, ino_t inode);

// "reading PID needs root or CAP_SYS_PTRACE (Yama ptrace_scope=N)".
std::string permission_reason(pid_t pid);

}  // namespace mapscope::goproc

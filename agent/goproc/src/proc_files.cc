#include "proc_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mapscope::goproc {
namespace {

std::string proc_path(pid_t pid, const char* leaf) {
  return "/proc/" + std::to_string(pid) + "/" + leaf;
}

std::optional<std::string> read_link(const std::string& path, int& error) {
  std::string target(4096, '\0');
  const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
  if (n < 0) {
    error = errno;
    return std::nullopt;
  }
  target.resize(static_cast<std::size_t>(n));
  return target;
}

ReadFailure failure_for_errno(pid_t pid, int error, const std::string& what) {
  if (error == EACCES || error == EPERM) {
    return ReadFailure::of(failure_kind::kPermission, permission_reason(pid));
  }
  if (error == ENOENT || error == ESRCH) {
    return ReadFailure::of(failure_kind::kVanished, "process " + std::to_string(pid) + " is gone");
  }
  return ReadFailure::of(failure_kind::kVanished, what + ": " + std::strerror(error));
}

template <typename Number>
bool parse_number(std::string_view text, Number& out, int base = 10) {
  const auto* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, out, base);
  return result.ec == std::errc() && result.ptr == end;
}

}  // namespace

std::optional<std::uint64_t> read_start_ticks(pid_t pid) {
  std::ifstream in(proc_path(pid, "stat"));
  std::string line;
  if (!in || !std::getline(in, line)) {
    return std::nullopt;
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) {
      std::uint64_t ticks = 0;
      if (parse_number(field, ticks)) {
        return ticks;
      }
    }
  }
  return std::nullopt;
}

std::variant<ProcessIdentity, ReadFailure> read_process_identity(pid_t pid) {
  ProcessIdentity identity;
  identity.pid = pid;
  const auto ticks = read_start_ticks(pid);
  if (!ticks) {
    return ReadFailure::of(failure_kind::kVanished, "process " + std::to_string(pid) + " is gone");
  }
  identity.start_ticks = *ticks;
  int error = 0;
  const auto exe = read_link(proc_path(pid, "exe"), error);
  if (!exe) {
    return failure_for_errno(pid, error, proc_path(pid, "exe"));
  }
  identity.exe = *exe;
  struct stat info {};
  if (::stat(proc_path(pid, "exe").c_str(), &info) != 0) {
    return failure_for_errno(pid, errno, proc_path(pid, "exe"));
  }
  identity.exe_device = info.st_dev;
  identity.exe_inode = info.st_ino;
  identity.exe_mtime_ns =
      static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  identity.exe_size = info.st_size;
  // The pid may have been reused between the two looks.
  if (read_start_ticks(pid) != identity.start_ticks) {
    return ReadFailure::of(failure_kind::kVanished, "process " + std::to_string(pid) + " was replaced");
  }
  return identity;
}

std::variant<pid_t, ReadFailure> read_pid_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return ReadFailure::of(failure_kind::kNotFound, "pid file " + path + ": " + std::strerror(errno));
  }
  std::string token;
  pid_t pid = 0;
  if (!(in >> token) || !parse_number(token, pid) || pid <= 0) {
    return ReadFailure::of(failure_kind::kNotFound, "pid file " + path + ": no pid in it");
  }
  return pid;
}

std::vector<pid_t> find_processes_running(const std::string& exe) {
  std::vector<pid_t> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return pids;
  }
  const std::string deleted = exe + " (deleted)";
  while (const dirent* entry = ::readdir(proc)) {
    pid_t pid = 0;
    if (!parse_number(std::string_view(entry->d_name), pid) || pid <= 0) {
      continue;
    }
    int error = 0;
    const auto link = read_link(proc_path(pid, "exe"), error);
    if (link && (*link == exe || *link == deleted)) {
      pids.push_back(pid);
    }
  }
  ::closedir(proc);
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::optional<std::uint64_t> executable_mapping_start(pid_t pid, dev_t device, ino_t inode) {
  std::ifstream in(proc_path(pid, "maps"));
  std::string line;
  std::optional<std::uint64_t> inode_match;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, dev, inode_text;
    if (!(fields >> range >> perms >> offset >> dev >> inode_text)) {
      continue;
    }
    std::uint64_t file_offset = 1;
    ino_t line_inode = 0;
    if (!parse_number(offset, file_offset, 16) || file_offset != 0 || !parse_number(inode_text, line_inode) ||
        line_inode != inode) {
      continue;
    }
    std::uint64_t start = 0;
    if (!parse_number(std::string_view(range).substr(0, range.find('-')), start, 16)) {
      continue;
    }
    // Overlay filesystems show another device here than stat() does: the inode alone decides
    // when the device does not match.
    const auto colon = dev.find(':');
    unsigned major = 0, minor = 0;
    if (colon != std::string::npos && parse_number(std::string_view(dev).substr(0, colon), major, 16) &&
        parse_number(std::string_view(dev).substr(colon + 1), minor, 16) && makedev(major, minor) == device) {
      return start;
    }
    if (!inode_match) {
      inode_match = start;
    }
  }
  return inode_match;
}

std::string permission_reason(pid_t pid) {
  std::string reason = "reading " + std::to_string(pid) + " needs root or CAP_SYS_PTRACE";
  std::ifstream yama("/proc/sys/kernel/yama/ptrace_scope");
  int scope = -1;
  if (yama >> scope) {
    reason += " (Yama ptrace_scope=" + std::to_string(scope) + ")";
  }
  return reason;
}

}  // namespace mapscope::goproc

// ProcessSource: /proc/self/stat, /proc/stat, /proc/self/fd, /proc/self/net/dev and the resource limits.
#include "process_source.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mapscope/exporter/families.h"

namespace mapscope::exporter {
namespace {

using prometheus::MetricType;

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::uint64_t> to_u64(std::string_view token) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || end != token.data() + token.size()) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find_first_not_of(" \n", pos);
    if (start == std::string_view::npos) {
      break;
    }
    const std::size_t end = text.find_first_of(" \n", start);
    tokens.push_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    pos = end == std::string_view::npos ? text.size() : end;
  }
  return tokens;
}

// Entries of /proc/self/fd, the directory's own descriptor included (as client_golang counts them).
std::optional<std::uint64_t> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return std::nullopt;
  }
  std::uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') {
      ++count;
    }
  }
  closedir(dir);
  return count;
}

std::optional<double> soft_limit(int resource) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0) {
    return std::nullopt;
  }
  // RLIM_INFINITY is exported as its numeric value, as client_golang does.
  return static_cast<double>(limit.rlim_cur);
}

void add_single_value(std::vector<prometheus::MetricFamily>& out, const char* name, const char* help,
                      std::optional<double> value, MetricType type = MetricType::Gauge) {
  if (!value) {
    return;
  }
  auto family = make_family(name, help, type);
  if (type == MetricType::Counter) {
    add_counter(family, {}, *value);
  } else {
    add_gauge(family, {}, *value);
  }
  out.push_back(std::move(family));
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const std::size_t close = text.rfind(')');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  // Field 3 (state) is the first token after ')': field N is tokens[N - 3].
  const std::vector<std::string_view> tokens = split_spaces(text.substr(close + 1));
  if (tokens.size() < 22) {
    return std::nullopt;
  }
  const auto field = [&](std::size_t n) { return to_u64(tokens[n - 3]); };
  const auto utime = field(14), stime = field(15), threads = field(20), start = field(22), vsize = field(23),
             rss = field(24);
  if (!utime || !stime || !threads || !start || !vsize || !rss) {
    return std::nullopt;
  }
  return ProcStat{*utime, *stime, *threads, *start, *vsize, *rss};
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(pos, end - pos);
    if (line.starts_with("btime ")) {
      return to_u64(line.substr(6));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<NetDevTotals> parse_net_dev(std::string_view text) {
  NetDevTotals totals;
  bool any = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) {
      continue;  // the two header lines
    }
    // After "name:": receive bytes, packets, errs, drop, fifo, frame, compressed, multicast, then transmit
    // bytes.
    const std::vector<std::string_view> fields = split_spaces(line.substr(colon + 1));
    const auto received = fields.size() >= 16 ? to_u64(fields[0]) : std::nullopt;
    const auto sent = fields.size() >= 16 ? to_u64(fields[8]) : std::nullopt;
    if (!received || !sent) {
      return std::nullopt;
    }
    totals.receive_bytes += *received;
    totals.transmit_bytes += *sent;
    any = true;
  }
  return any ? std::optional<NetDevTotals>(totals) : std::nullopt;
}

void ProcessSource::collect(std::vector<prometheus::MetricFamily>& out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::optional<ProcStat> stat;
  if (const auto text = read_file("/proc/self/stat")) {
    stat = parse_proc_stat(*text);
  }
  std::optional<std::uint64_t> boot;
  if (const auto text = read_file("/proc/stat")) {
    boot = parse_boot_time(*text);
  }

  const auto from_stat = [&](auto f) { return stat ? std::optional<double>(f(*stat)) : std::nullopt; };
  add_single_value(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   from_stat([&](const ProcStat& s) {
                     return static_cast<double>(s.utime_ticks + s.stime_ticks) / ticks;
                   }),
                   MetricType::Counter);
  const std::optional<std::uint64_t> open_fds = count_open_fds();
  add_single_value(out, "process_open_fds", "Number of open file descriptors.",
                   open_fds ? std::optional<double>(static_cast<double>(*open_fds)) : std::nullopt);
  add_single_value(out, "process_max_fds", "Maximum number of open file descriptors.",
                   soft_limit(RLIMIT_NOFILE));
  add_single_value(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                   from_stat([](const ProcStat& s) { return static_cast<double>(s.vsize_bytes); }));
  add_single_value(out, "process_virtual_memory_max_bytes",
                   "Maximum amount of virtual memory available in bytes.", soft_limit(RLIMIT_AS));
  add_single_value(
      out, "process_resident_memory_bytes", "Resident memory size in bytes.",
      from_stat([&](const ProcStat& s) { return static_cast<double>(s.rss_pages) * page_size; }));
  std::optional<double> start;
  if (stat && boot) {
    start = static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks;
  }
  add_single_value(out, "process_start_time_seconds",
                   "Start time of the process since unix epoch in seconds.", start);
  add_single_value(out, "process_threads", "Number of OS threads in the process.",
                   from_stat([](const ProcStat& s) { return static_cast<double>(s.threads); }));
  std::optional<NetDevTotals> network;
  if (const auto text = read_file("/proc/self/net/dev")) {
    network = parse_net_dev(*text);
  }
  const auto from_network = [&](auto f) {
    return network ? std::optional<double>(f(*network)) : std::nullopt;
  };
  add_single_value(out, "process_network_receive_bytes_total",
                   "Number of bytes received by the process over the network.",
                   from_network([](const NetDevTotals& n) { return static_cast<double>(n.receive_bytes); }),
                   MetricType::Counter);
  add_single_value(out, "process_network_transmit_bytes_total",
                   "Number of bytes sent by the process over the network.",
                   from_network([](const NetDevTotals& n) { return static_cast<double>(n.transmit_bytes); }),
                   MetricType::Counter);
}

}  // namespace mapscope::exporter

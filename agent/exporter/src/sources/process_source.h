// ProcessSource: the standard process_* families of the Prometheus client guidelines, read from /proc.
//
// prometheus-cpp 1.0.1 has no process collector, so mapscope reads what client_golang reads. A value that
// cannot be read is left out, never exported as NaN.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "mapscope/exporter/metric_source.h"

namespace mapscope::exporter {

// The fields of /proc/<pid>/stat that the process families need, in the kernel's units.
struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t threads = 0;
  std::uint64_t start_ticks = 0;  // since boot
  std::uint64_t vsize_bytes = 0;
  std::uint64_t rss_pages = 0;
};

// Parses the contents of /proc/<pid>/stat; fields are counted after the last ')' because the command
// name may hold spaces and parentheses. nullopt when the text is not a stat line.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// The boot time (btime) from the contents of /proc/stat.
std::optional<std::uint64_t> parse_boot_time(std::string_view text);

// Bytes received and sent, summed over every interface of /proc/<pid>/net/dev (loopback included), as
// client_golang computes process_network_*_bytes_total. The file describes the process's network namespace,
// so in a shared namespace the totals include other processes' traffic.
struct NetDevTotals {
  std::uint64_t receive_bytes = 0;
  std::uint64_t transmit_bytes = 0;
};

// Parses the contents of /proc/<pid>/net/dev; nullopt when a device line is malformed or there is none.
std::optional<NetDevTotals> parse_net_dev(std::string_view text);

class ProcessSource final : public MetricSource {
 public:
  std::string name() const override { return "process"; }
  void collect(std::vector<prometheus::MetricFamily>& out) override;
};

}  // namespace mapscope::exporter

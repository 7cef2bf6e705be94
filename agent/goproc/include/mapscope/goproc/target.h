// goproc::Target: one Go program the agent watches from outside, read-only.
//
// A target is found by pid, by pid file or by executable path (every process running it, followed
// across restarts). Each read() takes the program's ELF and DWARF (cached per build-id), finds the
// watched map variables, reads each map's runtime header and buckets with process_vm_readv, and the
// runtime's heap and GC figures. Nothing is ever written to the target; it is never stopped or
// ptrace-attached. docs/go-processes.md is the guide.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mapcore/map_stats.h"

namespace mapscope::goproc {

// How a target is found: exactly one of pid, pid_file and exe is set.
struct TargetSpec {
  std::string name;               // the `target` label; empty: the executable's base name
  pid_t pid = 0;                  // one process
  std::string pid_file;           // a file holding the pid, re-read on every read()
  std::string exe;                // every process running this executable (absolute path)
  std::vector<std::string> maps;  // symbol paths such as main.sessions or main.srv.cache;
                                  // empty: every global map variable of the program
  std::uint64_t min_bytes = 0;    // with `maps` empty: skip maps that hold fewer bytes
  std::uint64_t max_maps = 1000;  // at most this many maps per process, largest first
  std::uint64_t max_read_bytes = std::uint64_t{64} << 20;  // bytes of target memory one read() may copy
};

// What only a Swiss-table map (go1.24 on) has. docs/metrics.md maps it to series.
struct SwissShape {
  std::uint64_t tables = 0;             // distinct tables; 0 for a small map (one group, no table)
  std::uint64_t directory_entries = 0;  // dirLen: directory entries, several of which may share a table
  std::uint64_t capacity_slots = 0;     // slots of every table (8 for a small map, 0 before the first insert)
  std::uint64_t tombstones = 0;  // deleted slots a rehash would reclaim: exact, from the tables' headers
};

// One map of a process, as the agent publishes it.
struct MapReading {
  std::string path;  // the `map` label: the symbol path
  std::string impl;  // "classic" (hmap) or "swiss"
  // Shape and bytes with Go's rules; load_factor_limit is the program's (6.5, 6.0 for go1.21, 7/8 per
  // slot for a Swiss map). The operation counters (inserts_total and the like) stay 0:
  // a Go map keeps none. grow_started_unix_seconds is when this reader first saw the grow. For a
  // Swiss map, buckets counts slots and bucket_bytes holds the directory, tables and groups; a
  // Swiss map never has overflow or old buckets.
  mapcore::MapStats stats;
  std::optional<SwissShape> swiss;  // Swiss maps only
};

// The Go runtime's own figures, as runtime.ReadMemStats would give them.
struct RuntimeReading {
  std::uint64_t heap_inuse_bytes = 0;         // HeapInuse
  std::uint64_t heap_sys_bytes = 0;           // HeapSys
  std::uint64_t gc_cycles = 0;                // NumGC
  std::vector<double> new_gc_pauses_seconds;  // pauses since the previous read (at most 256)
};

// One process of a target.
struct ProcessReading {
  pid_t pid = 0;
  std::string label;       // the `target` label: see TargetReading
  std::string exe;         // /proc/PID/exe as resolved at discovery
  std::string go_version;  // from .go.buildinfo, e.g. "go1.19.8"
  std::vector<MapReading> maps;
  RuntimeReading runtime;
};

// One read() of a target. `label` is the `target` label of each process: the target's name when one
// process matches, "name:pid" for each when several do.
struct TargetReading {
  std::string name;
  bool up = false;          // at least one process was found and read
  std::string down_reason;  // one line, when !up (no process, not Go, no DWARF, permission...)
  std::vector<ProcessReading> processes;
  std::map<std::string, std::uint64_t> read_errors_total;  // cumulative, by kind
  std::vector<std::string>
      problems;  // this read's failures short of down (a map unreadable...), one line each
};

class Target {
 public:
  explicit Target(TargetSpec spec);
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  const TargetSpec& spec() const;

  // Reads the target now. Bounded work per call; never throws for anything the target does (exits,
  // is replaced, is unreadable): that is reported as down with a reason. Not thread-safe: one
  // caller at a time (the scrape).
  TargetReading read();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mapscope::goproc

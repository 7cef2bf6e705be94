// Target::read(): finds the target's processes, and for each reads its maps and the runtime's
// figures; what cannot be read is reported, never thrown.
#include "mapscope/goproc/target.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <utility>

#include "go_binary.h"
#include "map_path.h"
#include "map_reader.h"
#include "proc_files.h"
#include "read_failure.h"
#include "remote_memory.h"
#include "swiss_map_reader.h"

namespace mapscope::goproc {

// What Target::State keeps per process. Named, not anonymous: a type with external linkage (Target::State)
// may not hold one from an anonymous namespace once this file is compiled inside a unity batch.
namespace target_state {

struct WatchedMap {
  std::string path;
  MapLocation location;
  MapTypeLayout type;
  MapCache cache;
};

struct ProcessState {
  ProcessIdentity identity;
  std::shared_ptr<const GoBinary> binary;
  std::uint64_t load_bias = 0;
  std::vector<WatchedMap> maps;
  std::vector<std::string> unlocatable;  // configured paths that name no map in this binary
  std::optional<std::uint64_t> last_numgc;
};

}  // namespace target_state

namespace {

using target_state::ProcessState;

constexpr int kRuntimeAttempts = 3;

std::string base_name(std::string path) {
  constexpr std::string_view kDeleted = " (deleted)";
  if (path.ends_with(kDeleted)) {
    path.resize(path.size() - kDeleted.size());
  }
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ReadFailure process_failure(RemoteStatus status, pid_t pid, const std::string& what) {
  switch (status) {
    case RemoteStatus::kPermission:
      return ReadFailure::of(failure_kind::kPermission, permission_reason(pid));
    case RemoteStatus::kGone:
      return ReadFailure::of(failure_kind::kVanished, "process " + std::to_string(pid) + " exited");
    case RemoteStatus::kOverBudget:
      return ReadFailure::of(failure_kind::kBudget, "the read's byte budget ran out before " + what);
    default:
      return ReadFailure::of(failure_kind::kMemory,
                             "process " + std::to_string(pid) + ": " + what + " failed");
  }
}

// ReadMemStats' HeapInuse, HeapSys and NumGC, and the pauses since the previous read.
std::variant<RuntimeReading, ReadFailure> read_runtime(RemoteMemory& memory, ProcessState& state) {
  const auto& layout = *state.binary->runtime_stats;
  const auto bias = state.load_bias;
  std::uint32_t numgc_before = 0;
  std::uint32_t numgc_after = 0;
  std::vector<std::uint64_t> pauses(layout.pause_ns_count);
  std::uint64_t heap[3] = {};
  for (int attempt = 0; attempt < kRuntimeAttempts; ++attempt) {
    // numgc around the ring: a collection that ends meanwhile shows as a changed count.
    const RemotePiece pieces[] = {
        {layout.memstats_address + bias + layout.numgc.offset, &numgc_before, sizeof numgc_before},
        {layout.memstats_address + bias + layout.pause_ns.offset, pauses.data(), pauses.size() * 8},
        {layout.gc_controller_address + bias + layout.heap_in_use.offset, &heap[0], 8},
        {layout.gc_controller_address + bias + layout.heap_free.offset, &heap[1], 8},
        {layout.gc_controller_address + bias + layout.heap_released.offset, &heap[2], 8},
        {layout.memstats_address + bias + layout.numgc.offset, &numgc_after, sizeof numgc_after},
    };
    const auto status = memory.read(pieces);
    if (status != RemoteStatus::kOk) {
      return process_failure(status, memory.pid(), "reading runtime.memstats");
    }
    if (numgc_before == numgc_after) {
      break;
    }
  }
  RuntimeReading runtime;
  runtime.heap_inuse_bytes = heap[0];
  runtime.heap_sys_bytes = heap[0] + heap[1] + heap[2];
  runtime.gc_cycles = numgc_after;
  if (state.last_numgc && numgc_after > *state.last_numgc && !pauses.empty()) {
    // The runtime writes pause_ns[n % 256] for its n-th collection, then counts it.
    const auto first = std::max<std::uint64_t>(
        *state.last_numgc, numgc_after - std::min<std::uint64_t>(numgc_after, pauses.size()));
    for (std::uint64_t cycle = first; cycle < numgc_after; ++cycle) {
      runtime.new_gc_pauses_seconds.push_back(static_cast<double>(pauses[cycle % pauses.size()]) * 1e-9);
    }
  }
  state.last_numgc = numgc_after;
  return runtime;
}

}  // namespace

struct Target::State {
  TargetSpec spec;
  std::map<pid_t, ProcessState> processes;
  std::map<std::string, std::uint64_t> errors;

  void count_error(const ReadFailure& failure) { ++errors[failure.kind]; }

  // Which pids the target means now, or why none.
  std::variant<std::vector<pid_t>, ReadFailure> find_pids() const;
  // Binary, load bias and watched maps for a process first seen.
  std::optional<ReadFailure> attach(ProcessState& state) const;
  std::variant<ProcessReading, ReadFailure> read_process(pid_t pid, std::uint64_t& budget,
                                                         std::vector<std::string>& problems);
};

std::variant<std::vector<pid_t>, ReadFailure> Target::State::find_pids() const {
  if (spec.pid > 0) {
    return std::vector<pid_t>{spec.pid};
  }
  if (!spec.pid_file.empty()) {
    auto pid = read_pid_file(spec.pid_file);
    if (auto* failure = std::get_if<ReadFailure>(&pid)) {
      return *failure;
    }
    return std::vector<pid_t>{std::get<pid_t>(pid)};
  }
  if (!spec.exe.empty()) {
    auto pids = find_processes_running(spec.exe);
    if (pids.empty()) {
      return ReadFailure::of(failure_kind::kNotFound, "no process is running " + spec.exe);
    }
    return pids;
  }
  return ReadFailure::of(failure_kind::kNotFound, "the target names no pid, pid_file or exe");
}

std::optional<ReadFailure> Target::State::attach(ProcessState& state) const {
  auto binary = load_go_binary(state.identity);
  if (auto* failure = std::get_if<ReadFailure>(&binary)) {
    return *failure;
  }
  state.binary = std::get<std::shared_ptr<const GoBinary>>(binary);
  const auto& go = *state.binary;
  state.load_bias = 0;
  if (go.position_independent) {
    const auto start =
        executable_mapping_start(state.identity.pid, state.identity.exe_device, state.identity.exe_inode);
    if (!start) {
      return ReadFailure::of(failure_kind::kMemory,
                             "process " + std::to_string(state.identity.pid) +
                                 ": its executable's mapping is not in /proc/PID/maps");
    }
    state.load_bias = *start - go.first_segment_vaddr;
  }
  std::vector<std::pair<std::string, MapLocation>> locations;
  if (spec.maps.empty()) {
    locations = global_maps(go.dwarf);
  } else {
    for (const auto& path : spec.maps) {
      auto location = locate_map(go.dwarf, path);
      if (auto* why = std::get_if<std::string>(&location)) {
        state.unlocatable.push_back(*why);
      } else {
        locations.emplace_back(path, std::get<MapLocation>(location));
      }
    }
  }
  for (auto& [path, location] : locations) {
    auto type = go.map_type(location.map_type);
    if (!type) {
      state.unlocatable.push_back(path + ": the DWARF lacks its bucket or group type");
      continue;
    }
    state.maps.push_back({path, std::move(location), *type, {}});
  }
  return std::nullopt;
}

std::variant<ProcessReading, ReadFailure> Target::State::read_process(pid_t pid, std::uint64_t& budget,
                                                                      std::vector<std::string>& problems) {
  auto identity = read_process_identity(pid);
  if (auto* failure = std::get_if<ReadFailure>(&identity)) {
    processes.erase(pid);
    return *failure;
  }
  auto& found = std::get<ProcessIdentity>(identity);
  auto it = processes.find(pid);
  if (it != processes.end() && !it->second.identity.same_process(found)) {
    processes.erase(it);  // the pid now names another process
    it = processes.end();
  }
  if (it == processes.end()) {
    ProcessState state;
    state.identity = found;
    if (auto failure = attach(state)) {
      return *failure;
    }
    it = processes.emplace(pid, std::move(state)).first;
  }
  auto& state = it->second;
  for (const auto& why : state.unlocatable) {
    problems.push_back(why);
  }
  RemoteMemory memory(pid, budget);
  const auto& binary = *state.binary;

  // The words that hold each map's pointer, then the pointers, then the headers.
  const auto count = state.maps.size();
  std::vector<std::uint64_t> slots(count, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const auto status = resolve_map_slot(memory, state.maps[i].location, state.load_bias, slots[i]);
    if (status == RemoteStatus::kGone || status == RemoteStatus::kPermission) {
      return process_failure(status, pid, "following a map path");
    }
    if (status != RemoteStatus::kOk) {
      slots[i] = 0;
      problems.push_back(state.maps[i].path + ": a pointer on its path is unreadable");
      ++errors[failure_kind::kMemory];
    }
  }
  std::vector<std::uint64_t> headers_at(count, 0);
  {
    std::vector<RemotePiece> pieces;
    std::vector<std::size_t> owners;
    for (std::size_t i = 0; i < count; ++i) {
      if (slots[i] != 0) {
        pieces.push_back({slots[i], &headers_at[i], sizeof(std::uint64_t)});
        owners.push_back(i);
      }
    }
    auto status = memory.read(pieces);
    if (status == RemoteStatus::kBadAddress) {
      std::vector<RemoteStatus> statuses;
      status = memory.read_each(pieces, statuses);
      for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (statuses[i] != RemoteStatus::kOk) {
          headers_at[owners[i]] = 0;
          problems.push_back(state.maps[owners[i]].path + ": its variable is unreadable");
          ++errors[failure_kind::kMemory];
        }
      }
    }
    if (status != RemoteStatus::kOk) {
      return process_failure(status, pid, "reading the map variables");
    }
  }
  std::vector<std::optional<MapHeader>> headers;
  std::vector<std::optional<SwissHeader>> swiss_headers;
  std::vector<std::optional<ReadFailure>> header_failures;
  const auto status =
      binary.swiss ? read_swiss_headers(memory, binary.swiss_map, headers_at, swiss_headers, header_failures)
                   : read_map_headers(memory, binary.classic, headers_at, headers, header_failures);
  if (status != RemoteStatus::kOk) {
    return process_failure(status, pid, "reading the map headers");
  }
  headers.resize(count);
  swiss_headers.resize(count);

  // The largest maps first, as many as allowed; with no paths configured, small ones skipped.
  std::vector<std::size_t> order;
  std::vector<std::uint64_t> estimate(count, 0);
  for (std::size_t i = 0; i < count; ++i) {
    if (header_failures[i]) {
      count_error(*header_failures[i]);
      problems.push_back(state.maps[i].path + ": " + header_failures[i]->reason);
      continue;
    }
    estimate[i] = headers[i]         ? header_bytes(state.maps[i].type, *headers[i])
                  : swiss_headers[i] ? swiss_header_bytes(state.maps[i].type, *swiss_headers[i])
                                     : 0;
    if (!spec.maps.empty() || estimate[i] >= std::max<std::uint64_t>(spec.min_bytes, 1)) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return estimate[a] > estimate[b]; });
  if (order.size() > spec.max_maps) {
    order.resize(spec.max_maps);
  }

  ProcessReading reading;
  reading.pid = pid;
  reading.exe = state.identity.exe;
  reading.go_version = binary.go_version;
  const double now = unix_now();
  for (const auto i : order) {
    auto& map = state.maps[i];
    MapReading out;
    out.path = map.path;
    out.impl = binary.swiss ? "swiss" : "classic";
    std::optional<ReadFailure> failure;
    if (headers[i]) {
      auto stats = read_map_stats(memory, binary, map.type, headers_at[i], *headers[i], map.cache, now);
      if (auto* read_failure = std::get_if<ReadFailure>(&stats)) {
        failure = *read_failure;
      } else {
        out.stats = std::get<mapcore::MapStats>(stats);
      }
    } else if (binary.swiss) {
      out.swiss = SwissShape{};
      if (swiss_headers[i]) {
        auto read = read_swiss_map(memory, binary, map.type, headers_at[i], *swiss_headers[i]);
        if (auto* read_failure = std::get_if<ReadFailure>(&read)) {
          failure = *read_failure;
        } else {
          out.stats = std::get<SwissMapRead>(read).stats;
          out.swiss = std::get<SwissMapRead>(read).shape;
        }
      }
    }
    if (failure) {
      if (failure->kind == failure_kind::kVanished || failure->kind == failure_kind::kPermission) {
        return process_failure(
            failure->kind == failure_kind::kVanished ? RemoteStatus::kGone : RemoteStatus::kPermission, pid,
            "reading a map");
      }
      count_error(*failure);
      problems.push_back(map.path + ": " + failure->reason);
      continue;
    }
    out.stats.load_factor_limit = binary.load_factor();
    reading.maps.push_back(std::move(out));
  }

  if (binary.runtime_stats) {
    auto runtime = read_runtime(memory, state);
    if (auto* failure = std::get_if<ReadFailure>(&runtime)) {
      if (failure->kind == failure_kind::kVanished || failure->kind == failure_kind::kPermission) {
        return *failure;
      }
      count_error(*failure);
      problems.push_back(failure->reason);
    } else {
      reading.runtime = std::get<RuntimeReading>(runtime);
    }
  } else {
    problems.push_back("process " + std::to_string(pid) +
                       ": the DWARF lacks runtime.memstats or runtime.gcController");
  }
  budget = memory.remaining_budget();
  // Everything read must belong to the process found at the start.
  if (read_start_ticks(pid) != state.identity.start_ticks) {
    processes.erase(pid);
    return ReadFailure::of(failure_kind::kVanished,
                           "process " + std::to_string(pid) + " exited during the read");
  }
  return reading;
}

Target::Target(TargetSpec spec) : state_(std::make_unique<State>()) {
  state_->spec = std::move(spec);
}
Target::~Target() = default;

const TargetSpec& Target::spec() const {
  return state_->spec;
}

TargetReading Target::read() {
  auto& state = *state_;
  TargetReading out;
  out.name = state.spec.name.empty() && !state.spec.exe.empty() ? base_name(state.spec.exe) : state.spec.name;
  auto pids = state.find_pids();
  std::optional<ReadFailure> first_failure;
  std::size_t matched = 0;  // processes the target means, read or not: they decide the labels
  if (auto* no_pids = std::get_if<ReadFailure>(&pids)) {
    state.count_error(*no_pids);
    first_failure = *no_pids;
    state.processes.clear();
  } else {
    const auto& found = std::get<std::vector<pid_t>>(pids);
    matched = found.size();
    std::erase_if(state.processes, [&](const auto& entry) {
      return std::find(found.begin(), found.end(), entry.first) == found.end();
    });
    std::uint64_t budget = state.spec.max_read_bytes;
    for (const auto pid : found) {
      auto reading = state.read_process(pid, budget, out.problems);
      if (auto* failure = std::get_if<ReadFailure>(&reading)) {
        state.count_error(*failure);
        if (!first_failure) {
          first_failure = *failure;
        }
        if (found.size() > 1) {
          out.problems.push_back(failure->reason);
        }
        continue;
      }
      out.processes.push_back(std::move(std::get<ProcessReading>(reading)));
    }
  }
  if (out.name.empty()) {
    out.name = !out.processes.empty() ? base_name(out.processes.front().exe)
               : state.spec.pid > 0   ? "pid " + std::to_string(state.spec.pid)
                                      : base_name(state.spec.pid_file);
  }
  for (auto& process : out.processes) {
    process.label = matched == 1 ? out.name : out.name + ":" + std::to_string(process.pid);
  }
  out.up = !out.processes.empty();
  if (!out.up && first_failure) {
    out.down_reason = first_failure->reason;
  }
  out.read_errors_total = state.errors;
  return out;
}

}  // namespace mapscope::goproc

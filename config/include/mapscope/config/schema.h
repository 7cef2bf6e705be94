// The agent's configuration as plain data: what a YAML file describes, after validation.
//
// Every field has the default that applies when the key is absent from the file; docs/configuration.md
// documents each key. Field names follow the YAML keys (snake_case), so command-line overrides can assign
// them directly. A Config returned by the loader is already valid: consumers need not re-check ranges.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mapscope::config {

// `server`: the HTTP endpoint of the exporter.
struct ServerConfig {
  std::string listen_address = "127.0.0.1:8931";  // HOST:PORT; port 0 picks a free one
  std::string telemetry_path = "/metrics";        // starts with '/', is not "/"
  std::string web_config_file;            // empty: no basic auth; relative paths resolved by the loader
  std::uint64_t max_tracked_maps = 1000;  // 1 .. 1,000,000
  // false: each map's mapcore_map_write_pause_seconds keeps its +Inf bucket, _sum and _count only (3
  // series instead of 19).
  bool write_pause_buckets = true;

  bool operator==(const ServerConfig&) const = default;
};

// `collector`: the background collector of mapcore (finishes stalled grows, shrinks sparse maps).
// It only ever touches maps whose maintenance policy is Active.
struct CollectorConfig {
  bool enabled = true;
  std::chrono::nanoseconds interval = std::chrono::milliseconds(100);   // one cycle per interval
  std::chrono::nanoseconds budget = std::chrono::milliseconds(1);       // work per cycle, <= interval
  std::chrono::nanoseconds max_pause = std::chrono::microseconds(250);  // longest lock hold, <= budget
  std::uint64_t trim_threshold = std::uint64_t{1}
                                 << 20;  // bytes released before malloc_trim; 0: after any release

  bool operator==(const CollectorConfig&) const = default;
};

enum class KeyType { Int64, String };
enum class ValueType { Int64, Bytes };
enum class Profile { Go122, Go121 };    // load factor 6.5 (go1.22) or 6.0 (go1.21's integer slip)
enum class HashKind { Default, Weak };  // Weak: collision-heavy, builds long overflow chains
enum class Maintenance { Go, Active };  // Active: the collector may evacuate and shrink the map

// `map.key`: `int64`, or a string of exactly `length` bytes (1 .. 4096) holding the key number.
struct KeySpec {
  KeyType type = KeyType::Int64;
  std::uint32_t length = 0;  // String only; 0 for Int64

  bool operator==(const KeySpec&) const = default;
};

// `map.value`: `int64`, or `bytes` of `size` bytes (1 .. 1 MiB). Over 128 bytes Go stores it indirectly.
struct ValueSpec {
  ValueType type = ValueType::Int64;
  std::uint64_t size = 0;  // Bytes only; 0 for Int64

  static constexpr std::uint64_t kMaxInlineBytes = 128;
  bool indirect() const { return type == ValueType::Bytes && size > kMaxInlineBytes; }
  bool operator==(const ValueSpec&) const = default;
};

// A scenario's `map`: the map under test.
struct MapSpec {
  KeySpec key;
  ValueSpec value;
  Profile profile = Profile::Go122;
  std::uint64_t hint = 0;  // make(map[K]V, hint); 0 .. 100,000,000
  HashKind hash = HashKind::Default;
  Maintenance maintenance = Maintenance::Go;

  bool operator==(const MapSpec&) const = default;
};

// A phase's `mix`: relative weights (0 .. 1,000,000 each, sum > 0). Operations are interleaved
// deterministically in proportion to the weights (smooth weighted round-robin), so {insert: 1, delete: 1}
// alternates insert, delete, insert, ... and never drifts the map's size. `erase` is the YAML key `delete`.
struct OperationMix {
  std::uint32_t insert = 0;
  std::uint32_t update = 0;
  std::uint32_t erase = 0;
  std::uint32_t lookup = 0;

  std::uint64_t total() const { return std::uint64_t{insert} + update + erase + lookup; }
  bool operator==(const OperationMix&) const = default;
};

// A phase's `keys`: which key numbers operations use.
//   Sequential: the scenario keeps a window of live keys [oldest, next) that persists across phases and
//     repeats, starting empty at 0. insert adds `next` (a fresh key), delete removes `oldest` (FIFO),
//     lookup and update walk the window cyclically (always hits). `from`/`to` are not allowed.
//   Uniform: each operation draws a key uniformly from [from, to).
//   Zipfian: draws from [from, to) with a Zipf distribution of exponent `skew` (0 < skew < 1, YCSB-style),
//     `from` being the most popular key.
//   For Uniform and Zipfian, inserting a present key is an update of it and deleting an absent key is a
//   no-op.
enum class KeyPattern { Sequential, Uniform, Zipfian };
struct KeySpace {
  KeyPattern pattern = KeyPattern::Sequential;
  std::uint64_t from = 0;
  std::uint64_t to = 0;  // exclusive, > from; 0 for Sequential
  double skew = 0.99;    // Zipfian only

  bool operator==(const KeySpace&) const = default;
};

// How a phase ends: exactly one of `duration`, `operations`, `forever`, `until` in the file.
enum class EndKind { Duration, Operations, Forever, Until };
// `until` conditions, checked between operations.
enum class UntilKind {
  Growing,         // until: {growing: true}   a grow (doubling or same-size) is in progress
  NotGrowing,      // until: {growing: false}  no grow in progress
  EntriesAtLeast,  // until: {entries_at_least: N}
  EntriesAtMost,   // until: {entries_at_most: N}
};
struct PhaseEnd {
  EndKind kind = EndKind::Forever;
  std::chrono::nanoseconds duration{0};  // Duration: > 0
  std::uint64_t operations = 0;          // Operations: > 0
  UntilKind until = UntilKind::Growing;  // Until
  std::uint64_t entries = 0;             // Until EntriesAtLeast / EntriesAtMost

  bool operator==(const PhaseEnd&) const = default;
};

struct Phase {
  std::string name;  // unique in its scenario; the `phase` label value
  OperationMix mix;
  KeySpace keys;
  std::optional<double> rate;  // operations per second (> 0); nullopt: unlimited
  PhaseEnd end;

  bool operator==(const Phase&) const = default;
};

struct Scenario {
  std::string name;  // unique; the `map` and `scenario` label value
  MapSpec map;
  std::vector<Phase> phases;  // non-empty, run in order
  std::uint64_t repeat = 1;   // times the phase list runs (>= 1), unless repeat_forever
  bool repeat_forever = false;

  bool operator==(const Scenario&) const = default;
};

// One Go program the agent watches from outside, read-only (`go_targets`): exactly one of pid, pid_file
// and exe is set.
struct GoTarget {
  std::string name;       // the `target` label; empty: the executable's base name
  std::uint32_t pid = 0;  // one process, 1 .. kMaxPid
  std::string pid_file;   // a file holding the pid, re-read on every scrape (resolved by the file loader)
  std::string exe;        // absolute: every process running this executable, followed across restarts
  std::vector<std::string> maps;  // symbol paths such as main.srv.cache; empty: every global map variable
  std::uint64_t min_bytes = 0;    // with `maps` empty: leave out maps holding fewer bytes

  static constexpr std::uint32_t kMaxPid = 4'194'304;  // Linux's PID_MAX_LIMIT on 64-bit systems
  bool operator==(const GoTarget&) const = default;
};

struct Config {
  ServerConfig server;
  std::map<std::string, std::string> labels;  // static labels on every map series
  CollectorConfig collector;
  std::vector<Scenario> scenarios;
  std::vector<GoTarget> go_targets;

  bool operator==(const Config&) const = default;
};

}  // namespace mapscope::config

// A TargetReading as JSON, for read_target's output and the suites' failure messages.
#pragma once

#include <nlohmann/json.hpp>

#include "mapscope/goproc/target.h"

namespace mapscope::goproc::test {

inline nlohmann::json to_json(const mapcore::MapStats& s) {
  return {{"entries", s.entries},
          {"log2_buckets", s.log2_buckets},
          {"buckets", s.buckets},
          {"overflow_buckets", s.overflow_buckets},
          {"noverflow", s.noverflow},
          {"old_buckets", s.old_buckets},
          {"evacuated", s.evacuated},
          {"evacuation_pending", s.evacuation_pending},
          {"bucket_bytes", s.bucket_bytes},
          {"overflow_bytes", s.overflow_bytes},
          {"oldbucket_bytes", s.oldbucket_bytes},
          {"indirect_bytes", s.indirect_bytes},
          {"grow_started_unix_seconds", s.grow_started_unix_seconds},
          {"chain_lengths", s.chain_lengths},
          {"growing", s.growing},
          {"same_size_grow", s.same_size_grow}};
}

inline nlohmann::json to_json(const TargetReading& reading) {
  nlohmann::json out{{"name", reading.name},
                     {"up", reading.up},
                     {"down_reason", reading.down_reason},
                     {"read_errors_total", reading.read_errors_total},
                     {"problems", reading.problems},
                     {"processes", nlohmann::json::array()}};
  for (const auto& process : reading.processes) {
    nlohmann::json p{{"pid", process.pid},
                     {"label", process.label},
                     {"exe", process.exe},
                     {"go_version", process.go_version},
                     {"heap_inuse_bytes", process.runtime.heap_inuse_bytes},
                     {"heap_sys_bytes", process.runtime.heap_sys_bytes},
                     {"gc_cycles", process.runtime.gc_cycles},
                     {"new_gc_pauses_seconds", process.runtime.new_gc_pauses_seconds},
                     {"maps", nlohmann::json::array()}};
    for (const auto& map : process.maps) {
      nlohmann::json m{{"path", map.path},
                       {"impl", map.impl},
                       {"load_factor", map.stats.load_factor_limit},
                       {"stats", to_json(map.stats)}};
      if (map.swiss) {
        m["swiss"] = {{"tables", map.swiss->tables},
                      {"directory_entries", map.swiss->directory_entries},
                      {"capacity_slots", map.swiss->capacity_slots},
                      {"tombstones", map.swiss->tombstones}};
      }
      p["maps"].push_back(std::move(m));
    }
    out["processes"].push_back(std::move(p));
  }
  return out;
}

}  // namespace mapscope::goproc::test

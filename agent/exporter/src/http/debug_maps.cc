// DebugMaps: JSON rendering with nlohmann::json and the paging parameters.
#include "debug_maps.h"

#include <civetweb.h>

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace mapscope::exporter {
namespace {

using nlohmann::ordered_json;

ordered_json stats_json(const mapcore::MapStats& s) {
  ordered_json j;
  j["entries"] = s.entries;
  j["log2_buckets"] = s.log2_buckets;
  j["buckets"] = s.buckets;
  j["overflow_buckets"] = s.overflow_buckets;
  j["noverflow"] = s.noverflow;
  j["load_factor"] = s.buckets == 0 ? 0.0 : static_cast<double>(s.entries) / static_cast<double>(s.buckets);
  j["growing"] = s.growing;
  j["same_size_grow"] = s.same_size_grow;
  j["shrinking"] = s.shrinking;
  j["old_buckets"] = s.old_buckets;
  j["evacuated"] = s.evacuated;
  j["evacuation_pending"] = s.evacuation_pending;
  j["grow_started_unix_seconds"] = s.grow_started_unix_seconds;
  j["bytes"] = {{"buckets", s.bucket_bytes},
                {"overflow", s.overflow_bytes},
                {"oldbuckets", s.oldbucket_bytes},
                {"indirect", s.indirect_bytes},
                {"total", s.total_bytes()}};
  j["grows"] = {
      {"double", s.grows_double_total}, {"samesize", s.grows_same_size_total}, {"shrink", s.shrinks_total}};
  j["evacuated_buckets"] = {{"write", s.evacuated_buckets_total - std::min(s.evacuated_by_collector_total,
                                                                           s.evacuated_buckets_total)},
                            {"collector", s.evacuated_by_collector_total}};
  j["operations"] = {{"insert", s.inserts_total}, {"update", s.updates_total}, {"delete", s.deletes_total}};
  return j;
}

// Chains of 1..kChainLengthCells-1 buckets, then "N+" for the last cell, and the mean chain length.
ordered_json chains_json(const mapcore::MapStats& s) {
  ordered_json lengths = ordered_json::object();
  std::uint64_t chains = 0;
  std::uint64_t buckets = 0;
  for (std::size_t i = 0; i < mapcore::kChainLengthCells; ++i) {
    const bool last = i + 1 == mapcore::kChainLengthCells;
    lengths[std::to_string(i + 1) + (last ? "+" : "")] = s.chain_lengths[i];
    chains += s.chain_lengths[i];
    buckets += s.chain_lengths[i] * (i + 1);
  }
  ordered_json j;
  j["lengths"] = std::move(lengths);
  j["chains"] = chains;
  j["mean_length"] = chains == 0 ? 0.0 : static_cast<double>(buckets) / static_cast<double>(chains);
  return j;
}

ordered_json pauses_json(const mapcore::PauseHistogramSnapshot& p) {
  ordered_json buckets = ordered_json::array();
  for (std::size_t i = 0; i < mapcore::kPauseBoundsSeconds.size(); ++i) {
    buckets.push_back({{"le", mapcore::kPauseBoundsSeconds[i]}, {"count", p.cumulative[i]}});
  }
  return {{"count", p.count},
          {"sum_seconds", p.sum_seconds},
          {"max_seconds", p.max_seconds},
          {"buckets", buckets}};
}

std::optional<std::size_t> query_number(const char* query, const char* name, std::string& error) {
  char buffer[32];
  const int length = mg_get_var(query, std::strlen(query), name, buffer, sizeof buffer);
  if (length == -1) {
    return std::nullopt;  // absent
  }
  std::size_t value = 0;
  const auto [end, code] = std::from_chars(buffer, buffer + std::max(length, 0), value);
  if (length <= 0 || code != std::errc{} || end != buffer + length) {
    error = std::string(name) + " must be a non-negative integer";
  }
  return value;
}

}  // namespace

std::optional<DebugMaps::Page> DebugMaps::parse_query(const char* query, std::string& error) {
  Page page;
  if (query == nullptr) {
    return page;
  }
  if (const auto offset = query_number(query, "offset", error)) {
    page.offset = *offset;
  }
  if (const auto limit = query_number(query, "limit", error)) {
    page.limit = *limit;
  }
  if (!error.empty()) {
    return std::nullopt;
  }
  if (page.limit == 0 || page.limit > kMaxLimit) {
    error = "limit must be between 1 and " + std::to_string(kMaxLimit);
    return std::nullopt;
  }
  return page;
}

std::string DebugMaps::render(const std::vector<MapSnapshot>& maps, std::size_t total_maps,
                              const Page& page) {
  ordered_json doc;
  doc["total_maps"] = total_maps;
  doc["offset"] = page.offset;
  doc["limit"] = page.limit;
  doc["returned"] = maps.size();
  const std::size_t next = page.offset + maps.size();
  doc["truncated"] = next < total_maps;
  doc["next_offset"] = next < total_maps ? ordered_json(next) : ordered_json(nullptr);
  ordered_json list = ordered_json::array();
  for (const MapSnapshot& map : maps) {
    ordered_json entry;
    entry["map"] = map.name;
    entry["labels"] = map.labels;
    entry["stats"] = stats_json(map.stats);
    entry["chain_lengths"] = chains_json(map.stats);
    entry["write_pauses"] = pauses_json(map.write_pauses);
    list.push_back(std::move(entry));
  }
  doc["maps"] = std::move(list);
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mapscope::exporter

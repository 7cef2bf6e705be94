#include "swiss_map_reader.h"

#include <bit>
#include <cstring>
#include <unordered_set>

#include "agreed_reads.h"
#include "mapcore/go_layout.h"

namespace mapscope::goproc {
namespace {

constexpr std::uint64_t kGroupSlots = 8;           // abi.SwissMapGroupSlots
constexpr std::uint64_t kMaxAvgGroupLoad = 7;      // a table rehashes past 7 of every 8 slots used or dead
constexpr std::uint64_t kMaxTableCapacity = 1024;  // a table past this splits in two
constexpr std::uint64_t kMaxDirectoryEntries = std::uint64_t{1} << 24;  // more is a corrupt header
constexpr int kReadAttempts = 3;  // reads redone because the map changed shape under them

SwissHeader decode_header(const unsigned char* bytes, const SwissMapLayout& layout) {
  SwissHeader h;
  h.used = field_value(bytes, layout.used);
  h.dir_ptr = field_value(bytes, layout.dir_ptr);
  h.dir_len = field_value(bytes, layout.dir_len);
  return h;
}

// One table's header fields, decoded from a copy of the table.
struct Table {
  Table(const unsigned char* bytes, const SwissMapLayout& layout)
      : used(field_value(bytes, layout.table_used)),
        capacity(field_value(bytes, layout.table_capacity)),
        growth_left(field_value(bytes, layout.table_growth_left)),
        groups(field_value(bytes, layout.table_groups_data)),
        length_mask(field_value(bytes, layout.table_groups_length_mask)) {}

  std::uint64_t used;
  std::uint64_t capacity;
  std::uint64_t growth_left;
  std::uint64_t groups;
  std::uint64_t length_mask;

  // What the runtime's table.tombstones() computes: slots a rehash would reclaim.
  std::uint64_t max_load() const { return capacity * kMaxAvgGroupLoad / kGroupSlots; }
  bool plausible() const {
    return std::has_single_bit(capacity) && capacity >= kGroupSlots && capacity <= kMaxTableCapacity &&
           length_mask + 1 == capacity / kGroupSlots && groups != 0 && used + growth_left <= max_load();
  }
};

// The distinct tables of a directory, in directory order (entries sharing a table are adjacent).
std::vector<std::uint64_t> distinct_tables(const std::vector<std::uint64_t>& directory) {
  std::vector<std::uint64_t> tables;
  std::unordered_set<std::uint64_t> seen;
  for (const auto table : directory) {
    if (table != 0 && seen.insert(table).second) {
      tables.push_back(table);
    }
  }
  return tables;
}

mapcore::MapStats base_stats(const MapTypeLayout& type, const SwissHeader& h) {
  mapcore::MapStats s;
  s.entries = h.used;
  s.indirect_bytes = h.used * (type.indirect_key_bytes + type.indirect_value_bytes);
  return s;
}

SwissMapRead small_map(const MapTypeLayout& type, const SwissHeader& h) {
  SwissMapRead out;
  out.stats = base_stats(type, h);
  if (h.dir_ptr == 0) {
    return out;  // no storage yet: the first insert allocates the group
  }
  // One group, allocated alone; a small map deletes by emptying the slot, so no tombstones.
  out.shape.capacity_slots = kGroupSlots;
  out.stats.buckets = kGroupSlots;
  out.stats.bucket_bytes = mapcore::go::rounded_size(type.bucket_size);
  return out;
}

// Reads the directory and each distinct table once (the caller checks the directory stayed).
std::variant<SwissMapRead, ReadFailure> read_tables(RemoteMemory& memory, const SwissMapLayout& layout,
                                                    const MapTypeLayout& type, const SwissHeader& h) {
  const std::uint64_t directory_bytes = h.dir_len * sizeof(std::uint64_t);
  const auto directory = read_agreed_struct(memory, directory_bytes, h.dir_ptr, "reading the map's directory",
                                            [&h, directory_bytes](const unsigned char* bytes) {
                                              std::vector<std::uint64_t> entries(h.dir_len);
                                              std::memcpy(entries.data(), bytes, directory_bytes);
                                              return entries;
                                            });
  if (const auto* failure = std::get_if<ReadFailure>(&directory)) {
    return *failure;
  }
  const auto tables = distinct_tables(std::get<std::vector<std::uint64_t>>(directory));
  std::vector<std::optional<Table>> decoded;
  std::vector<std::optional<ReadFailure>> failures;
  const auto status = read_agreed_structs(
      memory, layout.table_size, tables, "reading a table of the map",
      [&layout](const unsigned char* bytes) { return Table(bytes, layout); }, decoded, failures);
  if (is_fatal(status)) {
    return failure_of(status, "reading a table of the map");
  }
  SwissMapRead out;
  out.stats = base_stats(type, h);
  out.shape.directory_entries = h.dir_len;
  out.shape.tables = tables.size();
  out.stats.bucket_bytes = mapcore::go::rounded_size(directory_bytes);
  const auto table_bytes = mapcore::go::rounded_size(layout.table_size);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (!decoded[i]) {
      return *failures[i];
    }
    const Table& table = *decoded[i];
    if (!table.plausible()) {
      return ReadFailure::of(failure_kind::kInconsistent, "a table of the map holds impossible values");
    }
    out.shape.capacity_slots += table.capacity;
    out.shape.tombstones += table.max_load() - table.used - table.growth_left;
    out.stats.bucket_bytes +=
        table_bytes + mapcore::go::rounded_size(table.capacity / kGroupSlots * type.bucket_size);
  }
  out.stats.buckets = out.shape.capacity_slots;
  return out;
}

}  // namespace

RemoteStatus read_swiss_headers(RemoteMemory& memory, const SwissMapLayout& layout,
                                std::span<const std::uint64_t> addresses,
                                std::vector<std::optional<SwissHeader>>& headers,
                                std::vector<std::optional<ReadFailure>>& failures) {
  return read_agreed_structs(
      memory, layout.map_size, addresses, "reading the map header",
      [&layout](const unsigned char* bytes) { return decode_header(bytes, layout); }, headers, failures);
}

std::variant<SwissMapRead, ReadFailure> read_swiss_map(RemoteMemory& memory, const GoBinary& binary,
                                                       const MapTypeLayout& type,
                                                       std::uint64_t header_address,
                                                       const SwissHeader& header) {
  const auto& layout = binary.swiss_map;
  SwissHeader h = header;
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    if (h.dir_len > kMaxDirectoryEntries || (h.dir_len == 0 && h.used > kGroupSlots) ||
        (h.dir_len != 0 && h.dir_ptr == 0)) {
      return ReadFailure::of(failure_kind::kInconsistent, "the map header holds impossible values");
    }
    if (h.dir_len == 0) {
      return small_map(type, h);
    }
    auto read = read_tables(memory, layout, type, h);
    // The tables are the map's only if it kept its directory meanwhile (a grow replaces a table,
    // a split can double the directory).
    const auto again =
        read_agreed_struct(memory, layout.map_size, header_address, "reading the map header",
                           [&layout](const unsigned char* bytes) { return decode_header(bytes, layout); });
    if (const auto* failure = std::get_if<ReadFailure>(&again)) {
      return *failure;
    }
    if (auto* failure = std::get_if<ReadFailure>(&read);
        failure != nullptr &&
        (failure->kind == failure_kind::kVanished || failure->kind == failure_kind::kPermission ||
         failure->kind == failure_kind::kBudget)) {
      return *failure;
    }
    if (std::get<SwissHeader>(again).same_shape(h)) {
      return read;  // a failure on an unchanged directory stands
    }
    h = std::get<SwissHeader>(again);
  }
  return ReadFailure::of(failure_kind::kInconsistent,
                         "the map changed shape during every read of its tables");
}

std::uint64_t swiss_header_bytes(const MapTypeLayout& type, const SwissHeader& header) {
  std::uint64_t bytes = header.used * (type.indirect_key_bytes + type.indirect_value_bytes);
  if (header.dir_ptr == 0) {
    return bytes;
  }
  if (header.dir_len == 0) {
    return bytes + mapcore::go::rounded_size(type.bucket_size);
  }
  // A directory of several entries came from splits of full-size tables, which never shrink: as
  // if no entries shared a table, at most dir_len of them. One table: at least what `used` needs.
  const auto slots = header.dir_len > 1
                         ? header.dir_len * kMaxTableCapacity
                         : (header.used * kGroupSlots + kMaxAvgGroupLoad - 1) / kMaxAvgGroupLoad;
  return bytes + header.dir_len * sizeof(std::uint64_t) +
         (slots + kGroupSlots - 1) / kGroupSlots * type.bucket_size;
}

}  // namespace mapscope::goproc

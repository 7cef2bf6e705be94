// GoBinary: what one build of a Go program tells the reader before any memory is read: its Go
// version, its DWARF (from the binary, a debug file under /usr/lib/debug/.build-id, or
// debuginfod), and the runtime's struct layouts taken from that DWARF by field name. Loaded once
// per build and shared by every process running it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "dwarf_model.h"
#include "proc_files.h"
#include "read_failure.h"

namespace mapscope::goproc {

// A field of a runtime struct: where it is and how wide (integers are little-endian).
struct FieldAt {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// The classic map's runtime structs (runtime.hmap, runtime.mapextra, a slice header).
struct ClassicMapLayout {
  std::uint64_t hmap_size = 0;
  FieldAt count, flags, log2_buckets, noverflow, hash0, buckets, oldbuckets, nevacuate, extra;
  FieldAt extra_overflow, extra_oldoverflow;
  std::uint64_t mapextra_size = 0;
  FieldAt slice_array, slice_len;
  std::uint64_t slice_size = 0;
};

// The Swiss-table map's runtime structs of go1.24 on (internal/runtime/maps: Map, table and the
// table's groupsReference), the same for every K,V.
struct SwissMapLayout {
  std::uint64_t map_size = 0;
  FieldAt used, dir_ptr, dir_len;
  std::uint64_t table_size = 0;
  FieldAt table_used, table_capacity, table_growth_left, table_groups_data, table_groups_length_mask;
};

// runtime.memstats and runtime.gcController, for ReadMemStats' figures.
struct RuntimeStatsLayout {
  std::uint64_t memstats_address = 0;  // link-time
  FieldAt numgc;
  FieldAt pause_ns;  // the whole [256]uint64 ring
  std::uint64_t pause_ns_count = 0;
  std::uint64_t gc_controller_address = 0;
  FieldAt heap_in_use, heap_free, heap_released;
};

// One map type K,V: its bucket<K,V> (classic) or group (Swiss), and how its entries are stored.
struct MapTypeLayout {
  std::uint64_t bucket_size = 0;         // classic: bucket<K,V>; Swiss: the group (ctrl word and 8 slots)
  std::uint64_t overflow_offset = 0;     // classic: the bucket's overflow pointer
  std::uint64_t indirect_key_bytes = 0;  // per entry, out of line, rounded as Go allocates; 0 if inline
  std::uint64_t indirect_value_bytes = 0;
  bool pointer_free = false;  // no pointers in keys and values: overflow buckets are listed in mapextra
};

class GoBinary {
 public:
  std::string go_version;   // "go1.19.8"
  std::string build_flags;  // what follows the version, e.g. "X:noswissmap"
  bool position_independent = false;
  std::uint64_t first_segment_vaddr = 0;  // page-aligned vaddr of the PT_LOAD at file offset 0
  DwarfModel dwarf;
  bool swiss = false;        // Swiss-table maps (go1.24 on by default); otherwise classic ones
  ClassicMapLayout classic;  // when !swiss
  SwissMapLayout swiss_map;  // when swiss
  std::optional<RuntimeStatsLayout> runtime_stats;  // absent: the runtime's figures are not readable

  // Go's load factor for this version: classic maps, entries per bucket (6.0 for go1.21, an
  // integer-division slip, 6.5 otherwise); Swiss maps, entries per slot (7/8).
  double load_factor() const;
  // The bucket (or group) layout of a map type (the typedef map[K]V), or nothing when the DWARF lacks it.
  std::optional<MapTypeLayout> map_type(TypeId map_type) const;
};

// The binary that process `identity` runs, loaded once per build (GNU build-id, else Go's build
// id, else file identity) and cached; failures are cached for a minute so a bad target costs
// little per read. Refusals: not Go, no DWARF anywhere, a map runtime the DWARF does not describe.
std::variant<std::shared_ptr<const GoBinary>, ReadFailure> load_go_binary(const ProcessIdentity& identity);

}  // namespace mapscope::goproc

// Reading Swiss-table Go maps (internal/runtime/maps.Map, go1.24 on) out of a live process: the
// header, the directory and each table's header, every struct copied twice until both copies
// agree; turned into mapcore::MapStats with slots as the unit of capacity, and the Swiss shape
// (tables, directory, tombstones) beside it. No group is read: the runtime's own bookkeeping in each
// table header gives the tombstones exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "go_binary.h"
#include "mapcore/map_stats.h"
#include "mapscope/goproc/target.h"
#include "read_failure.h"
#include "remote_memory.h"

namespace mapscope::goproc {

// The fields of one internal/runtime/maps.Map.
struct SwissHeader {
  std::uint64_t used = 0;
  std::uint64_t dir_ptr = 0;  // the small map's one group (dir_len 0), or the directory of tables
  std::uint64_t dir_len = 0;

  bool same_shape(const SwissHeader& other) const {
    return dir_ptr == other.dir_ptr && dir_len == other.dir_len;
  }
};

// Reads the headers at `addresses` (0: a nil map, left empty), each copied twice until both agree.
// headers[i] is set, or failures[i] says why not. Returns kGone or kPermission when the process
// itself cannot be read.
RemoteStatus read_swiss_headers(RemoteMemory& memory, const SwissMapLayout& layout,
                                std::span<const std::uint64_t> addresses,
                                std::vector<std::optional<SwissHeader>>& headers,
                                std::vector<std::optional<ReadFailure>>& failures);

struct SwissMapRead {
  mapcore::MapStats stats;
  SwissShape shape;
};

// The statistics of the map whose header is `header` (already read twice and agreed).
std::variant<SwissMapRead, ReadFailure> read_swiss_map(RemoteMemory& memory, const GoBinary& binary,
                                                       const MapTypeLayout& type,
                                                       std::uint64_t header_address,
                                                       const SwissHeader& header);

// The bytes a map holds judged by its header alone (the directory, its tables' groups at most,
// out-of-line entries): for choosing the largest maps before reading any tables.
std::uint64_t swiss_header_bytes(const MapTypeLayout& type, const SwissHeader& header);

}  // namespace mapscope::goproc

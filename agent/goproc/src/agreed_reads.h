// Reading runtime structs that the target may be changing as they are read: each copied twice until
// both copies agree; and the failures a remote read turns into. Shared by the classic and Swiss readers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "go_binary.h"
#include "read_failure.h"
#include "remote_memory.h"

namespace mapscope::goproc {

// The value of an integer or pointer field of a struct copied from the target (little-endian).
std::uint64_t field_value(const unsigned char* base, const FieldAt& field);

// Whether the process itself can no longer be read (exited, or no ptrace access).
bool is_fatal(RemoteStatus status);

// The failure of a remote read that stopped `what` ("reading the map header").
ReadFailure failure_of(RemoteStatus status, const std::string& what);

// Reads `size` bytes at each address (0: skipped) twice per attempt until both copies agree, a few
// attempts at most. When agreed[i], bytes[i * size...] holds them; otherwise, for a non-zero address,
// failures[i] says why not. Returns kGone or kPermission when the process itself cannot be read.
RemoteStatus read_agreed(RemoteMemory& memory, std::uint64_t size, std::span<const std::uint64_t> addresses,
                         const std::string& what, std::vector<unsigned char>& bytes,
                         std::vector<bool>& agreed, std::vector<std::optional<ReadFailure>>& failures);

}  // namespace mapscope::goproc

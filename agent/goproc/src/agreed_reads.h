// Reading runtime structs that the target may be changing as they are read: each copied twice until
// both copies agree; and the failures a remote read turns into. Shared by the classic and Swiss readers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
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

// read_agreed, each agreed copy turned into a struct by decode(const unsigned char*): structs[i] is
// set when agreed[i], else (for a non-zero address) failures[i] says why not.
template <class Struct, class Decode>
RemoteStatus read_agreed_structs(RemoteMemory& memory, std::uint64_t size,
                                 std::span<const std::uint64_t> addresses, const std::string& what,
                                 const Decode& decode, std::vector<std::optional<Struct>>& structs,
                                 std::vector<std::optional<ReadFailure>>& failures) {
  std::vector<unsigned char> bytes;
  std::vector<bool> agreed;
  const auto status = read_agreed(memory, size, addresses, what, bytes, agreed, failures);
  structs.assign(addresses.size(), std::nullopt);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (agreed[i]) {
      structs[i] = decode(bytes.data() + i * size);
    }
  }
  return status;
}

// The same for the one struct at a non-zero address: decoded, or the failure that stopped `what`.
template <class Decode>
auto read_agreed_struct(RemoteMemory& memory, std::uint64_t size, std::uint64_t address,
                        const std::string& what, const Decode& decode)
    -> std::variant<decltype(decode(static_cast<const unsigned char*>(nullptr))), ReadFailure> {
  std::vector<std::optional<decltype(decode(static_cast<const unsigned char*>(nullptr)))>> one;
  std::vector<std::optional<ReadFailure>> failures;
  const std::uint64_t at[] = {address};
  const auto status = read_agreed_structs(memory, size, at, what, decode, one, failures);
  if (is_fatal(status)) {
    return failure_of(status, what);
  }
  if (!one[0]) {
    return *failures[0];
  }
  return *one[0];
}

}  // namespace mapscope::goproc

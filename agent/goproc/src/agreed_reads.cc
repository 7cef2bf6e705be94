#include "agreed_reads.h"

#include <algorithm>
#include <cstring>

namespace mapscope::goproc {
namespace {

constexpr int kAgreementAttempts = 4;  // pairs of reads before a struct counts as inconsistent

// Reads `todo`'s structs into `buffer`; addresses that cannot be read get a failure and leave todo.
RemoteStatus read_copies(RemoteMemory& memory, std::uint64_t size, std::span<const std::uint64_t> addresses,
                         const std::string& what, std::vector<std::size_t>& todo,
                         std::vector<unsigned char>& buffer,
                         std::vector<std::optional<ReadFailure>>& failures) {
  std::vector<RemotePiece> pieces;
  pieces.reserve(todo.size());
  for (const auto index : todo) {
    pieces.push_back({addresses[index], buffer.data() + index * size, size});
  }
  auto status = memory.read(pieces);
  if (status == RemoteStatus::kOk || is_fatal(status) || status == RemoteStatus::kOverBudget) {
    return status;
  }
  std::vector<RemoteStatus> statuses;
  status = memory.read_each(pieces, statuses);
  if (is_fatal(status)) {
    return status;
  }
  std::vector<std::size_t> readable;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    if (statuses[i] == RemoteStatus::kOk) {
      readable.push_back(todo[i]);
    } else {
      failures[todo[i]] = failure_of(statuses[i], what);
    }
  }
  todo = std::move(readable);
  return RemoteStatus::kOk;
}

}  // namespace

std::uint64_t field_value(const unsigned char* base, const FieldAt& field) {
  std::uint64_t value = 0;
  std::memcpy(&value, base + field.offset, std::min<std::uint64_t>(field.size, sizeof value));
  return value;  // little-endian: the low bytes are the field's
}

bool is_fatal(RemoteStatus status) {
  return status == RemoteStatus::kGone || status == RemoteStatus::kPermission;
}

ReadFailure failure_of(RemoteStatus status, const std::string& what) {
  switch (status) {
    case RemoteStatus::kGone:
      return ReadFailure::of(failure_kind::kVanished, "the process exited while " + what);
    case RemoteStatus::kPermission:
      return ReadFailure::of(failure_kind::kPermission, "permission denied while " + what);
    case RemoteStatus::kOverBudget:
      return ReadFailure::of(failure_kind::kBudget, "the read's byte budget ran out before " + what);
    default:
      return ReadFailure::of(failure_kind::kMemory, "an address was unreadable while " + what);
  }
}

RemoteStatus read_agreed(RemoteMemory& memory, std::uint64_t size, std::span<const std::uint64_t> addresses,
                         const std::string& what, std::vector<unsigned char>& bytes,
                         std::vector<bool>& agreed, std::vector<std::optional<ReadFailure>>& failures) {
  agreed.assign(addresses.size(), false);
  failures.assign(addresses.size(), std::nullopt);
  bytes.assign(addresses.size() * size, 0);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (addresses[i] != 0) {
      todo.push_back(i);
    }
  }
  std::vector<unsigned char> second(addresses.size() * size);
  for (int attempt = 0; attempt < kAgreementAttempts && !todo.empty(); ++attempt) {
    for (auto* buffer : {&bytes, &second}) {
      const auto status = read_copies(memory, size, addresses, what, todo, *buffer, failures);
      if (is_fatal(status)) {
        return status;
      }
      if (status == RemoteStatus::kOverBudget) {
        for (const auto index : todo) {
          failures[index] = failure_of(status, what);
        }
        return RemoteStatus::kOk;
      }
    }
    std::vector<std::size_t> disagreeing;
    for (const auto index : todo) {
      if (std::memcmp(bytes.data() + index * size, second.data() + index * size, size) == 0) {
        agreed[index] = true;
      } else {
        disagreeing.push_back(index);
      }
    }
    todo = std::move(disagreeing);
  }
  for (const auto index : todo) {
    failures[index] =
        ReadFailure::of(failure_kind::kInconsistent, what + ": it changed between every pair of reads");
  }
  return RemoteStatus::kOk;
}

}  // namespace mapscope::goproc

#include "remote_memory.h"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace mapscope::goproc {
namespace {

constexpr std::size_t kMaxIovecs = IOV_MAX;

RemoteStatus status_of_errno(int error) {
  switch (error) {
    case ESRCH:
      return RemoteStatus::kGone;
    case EPERM:
    case EACCES:
      return RemoteStatus::kPermission;
    default:
      return RemoteStatus::kBadAddress;
  }
}

}  // namespace

RemoteStatus RemoteMemory::read(std::uint64_t address, void* destination, std::size_t size) {
  const RemotePiece piece{address, destination, size};
  return read(std::span<const RemotePiece>(&piece, 1));
}

RemoteStatus RemoteMemory::read_word(std::uint64_t address, std::uint64_t& out) {
  out = 0;
  return read(address, &out, sizeof out);
}

RemoteStatus RemoteMemory::read(std::span<const RemotePiece> pieces) {
  std::uint64_t total = 0;
  for (const auto& piece : pieces) {
    total += piece.size;
  }
  if (total > remaining_) {
    return RemoteStatus::kOverBudget;
  }
  for (std::size_t start = 0; start < pieces.size(); start += kMaxIovecs) {
    const auto status = read_batch(pieces.subspan(start, std::min(kMaxIovecs, pieces.size() - start)));
    if (status != RemoteStatus::kOk) {
      return status;
    }
  }
  return RemoteStatus::kOk;
}

RemoteStatus RemoteMemory::read_each(std::span<const RemotePiece> pieces,
                                     std::vector<RemoteStatus>& statuses) {
  statuses.assign(pieces.size(), RemoteStatus::kOk);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    statuses[i] = read(pieces.subspan(i, 1));
    if (statuses[i] == RemoteStatus::kGone || statuses[i] == RemoteStatus::kPermission) {
      return statuses[i];
    }
  }
  return RemoteStatus::kOk;
}

RemoteStatus RemoteMemory::read_batch(std::span<const RemotePiece> pieces) {
  std::vector<iovec> local(pieces.size());
  std::vector<iovec> remote(pieces.size());
  std::size_t expected = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    local[i] = {pieces[i].destination, pieces[i].size};
    // An address in the other process, never dereferenced here.
    remote[i] = {reinterpret_cast<void*>(  // NOLINT(performance-no-int-to-ptr)
                     static_cast<std::uintptr_t>(pieces[i].address)),
                 pieces[i].size};
    expected += pieces[i].size;
  }
  const ssize_t got = ::process_vm_readv(pid_, local.data(), local.size(), remote.data(), remote.size(), 0);
  if (got < 0) {
    return status_of_errno(errno);
  }
  remaining_ -= std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(got));
  bytes_read_ += static_cast<std::uint64_t>(got);
  // A short read stops at the first piece that is not mapped.
  return static_cast<std::size_t>(got) == expected ? RemoteStatus::kOk : RemoteStatus::kBadAddress;
}

}  // namespace mapscope::goproc

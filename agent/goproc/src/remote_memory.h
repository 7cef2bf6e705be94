// RemoteMemory: reads another process's memory with process_vm_readv, and nothing else: the
// process is never written, stopped or attached. Every byte read is charged to a budget, so one
// read of a target is bounded however large or corrupt its maps are.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mapscope::goproc {

// One piece of a batched read: `size` bytes at remote `address` into `destination`.
struct RemotePiece {
  std::uint64_t address = 0;
  void* destination = nullptr;
  std::size_t size = 0;
};

enum class RemoteStatus {
  kOk,
  kGone,        // ESRCH: the process exited
  kPermission,  // EPERM: no ptrace access
  kBadAddress,  // an address is not mapped (EFAULT, or a short read)
  kOverBudget,  // the read would exceed the budget; nothing was read
};

class RemoteMemory {
 public:
  RemoteMemory(pid_t pid, std::uint64_t budget_bytes) : pid_(pid), remaining_(budget_bytes) {}

  pid_t pid() const { return pid_; }
  std::uint64_t remaining_budget() const { return remaining_; }
  std::uint64_t bytes_read() const { return bytes_read_; }

  // Reads every piece (batched, IOV_MAX at a time). kOk only when all were read in full.
  RemoteStatus read(std::span<const RemotePiece> pieces);
  RemoteStatus read(std::uint64_t address, void* destination, std::size_t size);

  // Reads one little-endian pointer-sized value.
  RemoteStatus read_word(std::uint64_t address, std::uint64_t& out);

  // Reads each piece on its own, for when a batch failed and the good pieces are wanted:
  // statuses[i] tells piece i. Returns kGone or kPermission when those stopped everything.
  RemoteStatus read_each(std::span<const RemotePiece> pieces, std::vector<RemoteStatus>& statuses);

 private:
  RemoteStatus read_batch(std::span<const RemotePiece> pieces);

  pid_t pid_;
  std::uint64_t remaining_;
  std::uint64_t bytes_read_ = 0;
};

}  // namespace mapscope::goproc

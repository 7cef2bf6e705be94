// ReadFailure: why a process or a map of a Go target could not be read, as a kind (the
// `kind` label of the read-error counter) and one line for people.
#pragma once

#include <string>
#include <utility>

namespace mapscope::goproc {

namespace failure_kind {
inline constexpr const char* kPermission = "permission";      // no ptrace access to the process
inline constexpr const char* kVanished = "vanished";          // the process exited or was replaced
inline constexpr const char* kNotFound = "not_found";         // no process matches, unreadable pid file
inline constexpr const char* kUnsupported = "unsupported";    // not a Go program, not x86-64
inline constexpr const char* kDwarf = "dwarf";                // no DWARF anywhere, or not what is expected
inline constexpr const char* kInconsistent = "inconsistent";  // the map kept changing under the reader
inline constexpr const char* kMemory = "memory";              // an address of the map could not be read
inline constexpr const char* kBudget = "budget";              // the read's byte budget ran out
}  // namespace failure_kind

struct ReadFailure {
  std::string kind;    // one of failure_kind
  std::string reason;  // one line

  static ReadFailure of(const char* kind, std::string reason) { return {kind, std::move(reason)}; }
};

}  // namespace mapscope::goproc

// Operation: the four things a phase does to its map, in the order of the `mix` keys.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace mapscope::scenarios {

enum class Operation : std::size_t { Insert, Update, Delete, Lookup };

inline constexpr std::size_t kOperationCount = 4;
inline constexpr std::array<Operation, kOperationCount> kOperations = {Operation::Insert, Operation::Update,
                                                                       Operation::Delete, Operation::Lookup};

// The `op` label value: insert | update | delete | lookup.
constexpr std::string_view operation_name(Operation op) {
  constexpr std::array<std::string_view, kOperationCount> kNames = {"insert", "update", "delete", "lookup"};
  return kNames[static_cast<std::size_t>(op)];
}

}  // namespace mapscope::scenarios

// DwarfModel: the part of a Go program's DWARF the reader needs, copied out of libdw once per
// build (types by DIE offset, global variables by name) so that reading needs no libdw at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mapscope::goproc {

using TypeId = std::uint64_t;  // the DIE offset of a type

// Go's type kinds as its DWARF attribute 0x2900 gives them (reflect.Kind).
namespace go_kind {
inline constexpr int kArray = 17;
inline constexpr int kChan = 18;
inline constexpr int kFunc = 19;
inline constexpr int kInterface = 20;
inline constexpr int kMap = 21;
inline constexpr int kPointer = 22;
inline constexpr int kSlice = 23;
inline constexpr int kString = 24;
inline constexpr int kStruct = 25;
inline constexpr int kUnsafePointer = 26;
}  // namespace go_kind

struct DwarfMember {
  std::string name;
  std::uint64_t offset = 0;
  TypeId type = 0;
};

struct DwarfType {
  enum class Tag { kBase, kPointer, kTypedef, kStruct, kArray, kFunction, kOther };
  Tag tag = Tag::kOther;
  std::string name;
  std::optional<std::uint64_t> byte_size;
  TypeId target = 0;  // pointee, typedef's type, array element
  std::uint64_t array_count = 0;
  int go_kind = 0;     // 0 when absent
  TypeId map_key = 0;  // map types: Go's attributes 0x2901 and 0x2902
  TypeId map_elem = 0;
  std::vector<DwarfMember> members;

  const DwarfMember* member(std::string_view member_name) const;
};

struct GlobalVariable {
  std::string name;
  std::uint64_t address = 0;  // link-time address (DW_OP_addr)
  TypeId type = 0;
};

class DwarfModel {
 public:
  const DwarfType* type(TypeId id) const;
  const DwarfType* named_type(std::string_view name) const;
  const GlobalVariable* variable(std::string_view name) const;
  const std::vector<GlobalVariable>& variables() const { return variables_; }

  // Follows typedefs to the type they name.
  const DwarfType* resolve(TypeId id) const;
  TypeId resolve_id(TypeId id) const;
  // The size of a type, typedefs followed; pointers are 8 bytes.
  std::optional<std::uint64_t> size_of(TypeId id) const;
  // Whether a value of this type holds any pointer (what decides Go's pointer-free buckets).
  bool holds_pointers(TypeId id) const;
  // A Go map type: a typedef named map[K]V (or carrying kind 21) over a pointer to hash<K,V>.
  bool is_map(TypeId id) const;

  void add_type(TypeId id, DwarfType type);
  void add_variable(GlobalVariable variable);

 private:
  bool holds_pointers(TypeId id, int depth) const;

  std::unordered_map<TypeId, DwarfType> types_;
  std::unordered_map<std::string, TypeId> types_by_name_;
  std::vector<GlobalVariable> variables_;
  std::unordered_map<std::string, std::size_t> variables_by_name_;
};

}  // namespace mapscope::goproc

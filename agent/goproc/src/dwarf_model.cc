#include "dwarf_model.h"

namespace mapscope::goproc {
namespace {
constexpr int kMaxTypeDepth = 64;  // typedef and struct nesting; deeper is corrupt input
}  // namespace

const DwarfMember* DwarfType::member(std::string_view member_name) const {
  for (const auto& m : members) {
    if (m.name == member_name) {
      return &m;
    }
  }
  return nullptr;
}

void DwarfModel::add_type(TypeId id, DwarfType type) {
  if (!type.name.empty()) {
    types_by_name_.emplace(type.name, id);
  }
  types_.emplace(id, std::move(type));
}

void DwarfModel::add_variable(GlobalVariable variable) {
  variables_by_name_.emplace(variable.name, variables_.size());
  variables_.push_back(std::move(variable));
}

const DwarfType* DwarfModel::type(TypeId id) const {
  const auto it = types_.find(id);
  return it == types_.end() ? nullptr : &it->second;
}

const DwarfType* DwarfModel::named_type(std::string_view name) const {
  const auto it = types_by_name_.find(std::string(name));
  return it == types_by_name_.end() ? nullptr : type(it->second);
}

const GlobalVariable* DwarfModel::variable(std::string_view name) const {
  const auto it = variables_by_name_.find(std::string(name));
  return it == variables_by_name_.end() ? nullptr : &variables_[it->second];
}

TypeId DwarfModel::resolve_id(TypeId id) const {
  for (int depth = 0; depth < kMaxTypeDepth; ++depth) {
    const auto* t = type(id);
    if (t == nullptr || t->tag != DwarfType::Tag::kTypedef) {
      return id;
    }
    id = t->target;
  }
  return 0;
}

const DwarfType* DwarfModel::resolve(TypeId id) const {
  return type(resolve_id(id));
}

std::optional<std::uint64_t> DwarfModel::size_of(TypeId id) const {
  const auto* t = resolve(id);
  if (t == nullptr) {
    return std::nullopt;
  }
  if (t->byte_size) {
    return t->byte_size;
  }
  if (t->tag == DwarfType::Tag::kPointer || t->tag == DwarfType::Tag::kFunction) {
    return 8;
  }
  if (t->tag == DwarfType::Tag::kArray) {
    const auto element = size_of(t->target);
    return element ? std::optional<std::uint64_t>(*element * t->array_count) : std::nullopt;
  }
  return std::nullopt;
}

bool DwarfModel::is_map(TypeId id) const {
  const auto* t = type(id);
  if (t == nullptr) {
    return false;
  }
  if (t->go_kind == go_kind::kMap || t->name.starts_with("map[")) {
    return true;
  }
  return t->tag == DwarfType::Tag::kTypedef && is_map(t->target);
}

bool DwarfModel::holds_pointers(TypeId id) const {
  return holds_pointers(id, 0);
}

bool DwarfModel::holds_pointers(TypeId id, int depth) const {
  const auto* t = type(id);
  if (t == nullptr || depth > kMaxTypeDepth) {
    return true;  // unknown: assume the worse case, which only costs a chain walk
  }
  switch (t->go_kind) {
    case go_kind::kChan:
    case go_kind::kFunc:
    case go_kind::kInterface:
    case go_kind::kMap:
    case go_kind::kPointer:
    case go_kind::kSlice:
    case go_kind::kString:
    case go_kind::kUnsafePointer:
      return true;
    default:
      break;
  }
  switch (t->tag) {
    case DwarfType::Tag::kPointer:
    case DwarfType::Tag::kFunction:
      return true;
    case DwarfType::Tag::kBase:
      return false;
    case DwarfType::Tag::kTypedef:
      return holds_pointers(t->target, depth + 1);
    case DwarfType::Tag::kArray:
      return t->array_count > 0 && holds_pointers(t->target, depth + 1);
    case DwarfType::Tag::kStruct:
      for (const auto& m : t->members) {
        if (holds_pointers(m.type, depth + 1)) {
          return true;
        }
      }
      return false;
    case DwarfType::Tag::kOther:
      return true;
  }
  return true;
}

}  // namespace mapscope::goproc

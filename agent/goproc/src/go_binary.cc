#include "go_binary.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <mutex>
#include <utility>

#include "mapcore/go_layout.h"

namespace mapscope::goproc {
namespace {

constexpr std::string_view kBuildInfoMagic = "\xff Go buildinf:";
constexpr std::size_t kBuildInfoHeader = 32;
constexpr unsigned kBuildInfoInlineStrings = 2;
constexpr int kGoAttrKind = 0x2900;
constexpr int kGoAttrKey = 0x2901;
constexpr int kGoAttrElem = 0x2902;
constexpr auto kFailureRetryAfter = std::chrono::minutes(1);
constexpr std::size_t kMaxCachedBinaries = 32;

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// What the ELF file itself says, before any DWARF.
struct ElfFacts {
  std::string gnu_build_id;  // hex
  std::string go_build_id;   // raw note
  bool has_buildinfo = false;
  std::string version;  // "go1.19.8 X:noswissmap"
  bool position_independent = false;
  std::uint64_t first_segment_vaddr = 0;
};

bool read_uvarint(std::string_view& in, std::uint64_t& out) {
  out = 0;
  for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    out |= std::uint64_t{byte & 0x7fU} << shift;
    if ((byte & 0x80U) == 0) {
      return true;
    }
  }
  return false;
}

// .go.buildinfo: the magic, pointer size, flags, then (inline strings, Go 1.18 on) a
// uvarint-prefixed version string.
std::string parse_buildinfo_version(std::string_view data) {
  if (data.size() < kBuildInfoHeader || !data.starts_with(kBuildInfoMagic)) {
    return {};
  }
  const auto flags = static_cast<unsigned char>(data[15]);
  if ((flags & kBuildInfoInlineStrings) == 0) {
    return "go1.17 or older";
  }
  data.remove_prefix(kBuildInfoHeader);
  std::uint64_t length = 0;
  if (!read_uvarint(data, length) || length > data.size()) {
    return {};
  }
  return std::string(data.substr(0, length));
}

std::variant<ElfFacts, ReadFailure> read_elf_facts(int fd, const std::string& path) {
  ElfFacts facts;
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  if (elf == nullptr || elf_kind(elf) != ELF_K_ELF) {
    if (elf != nullptr) {
      elf_end(elf);
    }
    return ReadFailure::of(failure_kind::kUnsupported, path + " is not an ELF file, so not a Go program");
  }
  GElf_Ehdr header;
  if (gelf_getehdr(elf, &header) == nullptr || header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_machine != EM_X86_64) {
    elf_end(elf);
    return ReadFailure::of(failure_kind::kUnsupported, path + " is not an x86-64 ELF executable");
  }
  facts.position_independent = header.e_type == ET_DYN;
  std::size_t segments = 0;
  elf_getphdrnum(elf, &segments);
  for (std::size_t i = 0; i < segments; ++i) {
    GElf_Phdr segment;
    if (gelf_getphdr(elf, static_cast<int>(i), &segment) != nullptr && segment.p_type == PT_LOAD &&
        segment.p_offset == 0) {
      facts.first_segment_vaddr = segment.p_vaddr & ~std::uint64_t{0xfff};
      break;
    }
  }
  const void* build_id = nullptr;
  const ssize_t build_id_size = dwelf_elf_gnu_build_id(elf, &build_id);
  if (build_id_size > 0) {
    facts.gnu_build_id =
        hex(static_cast<const unsigned char*>(build_id), static_cast<std::size_t>(build_id_size));
  }
  std::size_t names = 0;
  elf_getshdrstrndx(elf, &names);
  for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr;
       section = elf_nextscn(elf, section)) {
    GElf_Shdr section_header;
    if (gelf_getshdr(section, &section_header) == nullptr || section_header.sh_type == SHT_NOBITS) {
      continue;
    }
    const char* name = elf_strptr(elf, names, section_header.sh_name);
    if (name == nullptr) {
      continue;
    }
    const std::string_view section_name(name);
    if (section_name != ".go.buildinfo" && section_name != ".note.go.buildid") {
      continue;
    }
    Elf_Data* data = elf_getdata(section, nullptr);
    if (data == nullptr || data->d_buf == nullptr) {
      continue;
    }
    const std::string_view bytes(static_cast<const char*>(data->d_buf), data->d_size);
    if (section_name == ".go.buildinfo") {
      facts.has_buildinfo = bytes.starts_with(kBuildInfoMagic);
      facts.version = parse_buildinfo_version(bytes);
    } else {
      facts.go_build_id = std::string(bytes);
    }
  }
  elf_end(elf);
  return facts;
}

// --- DWARF -----------------------------------------------------------------------------------

std::optional<TypeId> type_ref(Dwarf_Die* die, int attribute) {
  Dwarf_Attribute attr;
  Dwarf_Die target;
  if (dwarf_attr(die, static_cast<unsigned>(attribute), &attr) == nullptr ||
      dwarf_formref_die(&attr, &target) == nullptr) {
    return std::nullopt;
  }
  return dwarf_dieoffset(&target);
}

std::optional<std::uint64_t> unsigned_attr(Dwarf_Die* die, int attribute) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_attr(die, static_cast<unsigned>(attribute), &attr) == nullptr ||
      dwarf_formudata(&attr, &value) != 0) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> member_offset(Dwarf_Die* member) {
  if (auto constant = unsigned_attr(member, DW_AT_data_member_location)) {
    return constant;
  }
  Dwarf_Attribute attr;
  Dwarf_Op* ops = nullptr;
  std::size_t count = 0;
  if (dwarf_attr(member, DW_AT_data_member_location, &attr) != nullptr &&
      dwarf_getlocation(&attr, &ops, &count) == 0 && count == 1 && ops[0].atom == DW_OP_plus_uconst) {
    return ops[0].number;
  }
  return std::nullopt;
}

DwarfType::Tag tag_of(int tag) {
  switch (tag) {
    case DW_TAG_base_type:
      return DwarfType::Tag::kBase;
    case DW_TAG_pointer_type:
      return DwarfType::Tag::kPointer;
    case DW_TAG_typedef:
      return DwarfType::Tag::kTypedef;
    case DW_TAG_structure_type:
      return DwarfType::Tag::kStruct;
    case DW_TAG_array_type:
      return DwarfType::Tag::kArray;
    case DW_TAG_subroutine_type:
      return DwarfType::Tag::kFunction;
    default:
      return DwarfType::Tag::kOther;
  }
}

bool is_type_tag(int tag) {
  switch (tag) {
    case DW_TAG_base_type:
    case DW_TAG_pointer_type:
    case DW_TAG_typedef:
    case DW_TAG_structure_type:
    case DW_TAG_array_type:
    case DW_TAG_subroutine_type:
    case DW_TAG_unspecified_type:
      return true;
    default:
      return false;
  }
}

void add_type(DwarfModel& model, Dwarf_Die* die) {
  DwarfType type;
  type.tag = tag_of(dwarf_tag(die));
  if (const char* name = dwarf_diename(die)) {
    type.name = name;
  }
  type.byte_size = unsigned_attr(die, DW_AT_byte_size);
  type.target = type_ref(die, DW_AT_type).value_or(0);
  type.go_kind = static_cast<int>(unsigned_attr(die, kGoAttrKind).value_or(0));
  type.map_key = type_ref(die, kGoAttrKey).value_or(0);
  type.map_elem = type_ref(die, kGoAttrElem).value_or(0);
  Dwarf_Die child;
  if (dwarf_child(die, &child) == 0) {
    do {
      const int child_tag = dwarf_tag(&child);
      if (child_tag == DW_TAG_member) {
        DwarfMember member;
        if (const char* name = dwarf_diename(&child)) {
          member.name = name;
        }
        member.offset = member_offset(&child).value_or(0);
        member.type = type_ref(&child, DW_AT_type).value_or(0);
        type.members.push_back(std::move(member));
      } else if (child_tag == DW_TAG_subrange_type) {
        if (auto count = unsigned_attr(&child, DW_AT_count)) {
          type.array_count = *count;
        } else if (auto upper = unsigned_attr(&child, DW_AT_upper_bound)) {
          type.array_count = *upper + 1;
        }
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  model.add_type(dwarf_dieoffset(die), std::move(type));
}

// Go writes a global's location as a DW_FORM_block1 holding DW_OP_addr, a form libdw's
// location parser refuses in DWARF 4: the block is decoded here.
std::optional<std::uint64_t> static_address(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  Dwarf_Block block;
  if (dwarf_attr(die, DW_AT_location, &attr) == nullptr || dwarf_formblock(&attr, &block) != 0 ||
      block.length != 1 + sizeof(std::uint64_t) || block.data[0] != DW_OP_addr) {
    return std::nullopt;
  }
  std::uint64_t address = 0;
  std::memcpy(&address, block.data + 1, sizeof address);
  return address;
}

void add_variable(DwarfModel& model, Dwarf_Die* die) {
  const char* name = dwarf_diename(die);
  const auto address = static_address(die);
  if (name == nullptr || !address) {
    return;
  }
  model.add_variable({name, *address, type_ref(die, DW_AT_type).value_or(0)});
}

void read_dwarf(Dwarf* dwarf, DwarfModel& model) {
  Dwarf_Off offset = 0;
  Dwarf_Off next = 0;
  std::size_t header_size = 0;
  while (dwarf_nextcu(dwarf, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die unit;
    Dwarf_Die die;
    if (dwarf_offdie(dwarf, offset + header_size, &unit) != nullptr && dwarf_child(&unit, &die) == 0) {
      do {
        const int tag = dwarf_tag(&die);
        if (tag == DW_TAG_variable) {
          add_variable(model, &die);
        } else if (is_type_tag(tag)) {
          add_type(model, &die);
        }
      } while (dwarf_siblingof(&die, &die) == 0);
    }
    offset = next;
  }
}

// Where the DWARF was looked for, for the one-line refusal.
std::string no_dwarf_reason(const std::string& path, const ElfFacts& facts) {
  std::string reason = path + " has no DWARF (built with -ldflags=-w or stripped)";
  if (facts.gnu_build_id.size() > 2) {
    reason += ", no debug file /usr/lib/debug/.build-id/" + facts.gnu_build_id.substr(0, 2) + "/" +
              facts.gnu_build_id.substr(2) + ".debug";
    const char* urls = std::getenv("DEBUGINFOD_URLS");
    reason += urls != nullptr && *urls != '\0' ? " and none from debuginfod" : ", DEBUGINFOD_URLS unset";
  } else {
    reason += ", and no GNU build-id to find a debug file by";
  }
  return reason;
}

std::variant<DwarfModel, ReadFailure> load_dwarf(const std::string& path, const ElfFacts& facts) {
  // The standard callbacks find the DWARF in the file, else by build-id under /usr/lib/debug, else
  // through debuginfod (libdw's own client, honouring DEBUGINFOD_URLS).
  static char* debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_build_id_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .section_address = dwfl_offline_section_address,
      .debuginfo_path = &debuginfo_path,
  };
  Dwfl* session = dwfl_begin(&callbacks);
  if (session == nullptr) {
    return ReadFailure::of(failure_kind::kDwarf, std::string("libdw: ") + dwfl_errmsg(-1));
  }
  DwarfModel model;
  std::optional<ReadFailure> failure;
  Dwfl_Module* module = dwfl_report_offline(session, "exe", path.c_str(), -1);
  dwfl_report_end(session, nullptr, nullptr);
  Dwarf_Addr bias = 0;
  Dwarf* dwarf = module == nullptr ? nullptr : dwfl_module_getdwarf(module, &bias);
  if (dwarf == nullptr) {
    failure = ReadFailure::of(failure_kind::kDwarf, no_dwarf_reason(path, facts));
  } else {
    read_dwarf(dwarf, model);
  }
  dwfl_end(session);
  if (failure) {
    return *failure;
  }
  return model;
}

// --- Layouts by field name -------------------------------------------------------------------

struct LayoutError {
  std::string what;
};

const DwarfType& struct_named(const DwarfModel& model, std::string_view name) {
  const auto* type = model.named_type(name);
  if (type == nullptr || type->tag != DwarfType::Tag::kStruct) {
    throw LayoutError{"DWARF has no struct " + std::string(name)};
  }
  return *type;
}

FieldAt field(const DwarfModel& model, const DwarfType& type, std::string_view name) {
  const auto* member = type.member(name);
  if (member == nullptr) {
    throw LayoutError{"DWARF struct " + type.name + " has no field " + std::string(name)};
  }
  const auto size = model.size_of(member->type);
  if (!size) {
    throw LayoutError{"DWARF struct " + type.name + " field " + std::string(name) + " has no size"};
  }
  return {member->offset, *size};
}

// Fields of a layout and the names of the struct members they locate.
template <class Layout>
using NamedFields = std::initializer_list<std::pair<FieldAt Layout::*, std::string_view>>;

// The struct `name`: its size goes to `size` (0 when DWARF gives none) and each of `fields` of the
// layout to where the member of its name is.
template <class Layout>
const DwarfType& struct_fields(const DwarfModel& model, std::string_view name, Layout& layout,
                               std::uint64_t Layout::*size, NamedFields<Layout> fields) {
  const auto& type = struct_named(model, name);
  layout.*size = type.byte_size.value_or(0);
  for (const auto& [at, member] : fields) {
    layout.*at = field(model, type, member);
  }
  return type;
}

ClassicMapLayout classic_layout(const DwarfModel& model) {
  using L = ClassicMapLayout;
  L layout;
  struct_fields(model, "runtime.hmap", layout, &L::hmap_size,
                {{&L::count, "count"},
                 {&L::flags, "flags"},
                 {&L::log2_buckets, "B"},
                 {&L::noverflow, "noverflow"},
                 {&L::hash0, "hash0"},
                 {&L::buckets, "buckets"},
                 {&L::oldbuckets, "oldbuckets"},
                 {&L::nevacuate, "nevacuate"},
                 {&L::extra, "extra"}});
  const auto& extra =
      struct_fields(model, "runtime.mapextra", layout, &L::mapextra_size,
                    {{&L::extra_overflow, "overflow"}, {&L::extra_oldoverflow, "oldoverflow"}});
  // overflow is a *[]*bmap: the slice header's own fields.
  const auto* pointer = model.resolve(extra.member("overflow")->type);
  const auto* slice = pointer == nullptr ? nullptr : model.resolve(pointer->target);
  if (slice == nullptr || slice->tag != DwarfType::Tag::kStruct) {
    throw LayoutError{"DWARF runtime.mapextra.overflow is not a pointer to a slice"};
  }
  layout.slice_array = field(model, *slice, "array");
  layout.slice_len = field(model, *slice, "len");
  layout.slice_size = slice->byte_size.value_or(0);
  if (layout.hmap_size == 0 || layout.mapextra_size == 0 || layout.slice_size == 0) {
    throw LayoutError{"DWARF runtime.hmap, runtime.mapextra or a slice has no size"};
  }
  return layout;
}

// The member `name` of `type` resolved to the struct it is, or (through a pointer) points to.
const DwarfType& member_struct(const DwarfModel& model, const DwarfType& type, std::string_view name,
                               int pointers) {
  const auto* member = type.member(name);
  const DwarfType* target = member == nullptr ? nullptr : model.resolve(member->type);
  for (int i = 0; i < pointers && target != nullptr; ++i) {
    target = target->tag == DwarfType::Tag::kPointer ? model.resolve(target->target) : nullptr;
  }
  if (target == nullptr || target->tag != DwarfType::Tag::kStruct) {
    throw LayoutError{"DWARF struct " + type.name + " field " + std::string(name) +
                      " is not the struct expected"};
  }
  return *target;
}

SwissMapLayout swiss_layout(const DwarfModel& model) {
  using L = SwissMapLayout;
  L layout;
  struct_fields(model, "internal/runtime/maps.Map", layout, &L::map_size,
                {{&L::used, "used"}, {&L::dir_ptr, "dirPtr"}, {&L::dir_len, "dirLen"}});
  const auto& table = struct_fields(
      model, "internal/runtime/maps.table", layout, &L::table_size,
      {{&L::table_used, "used"}, {&L::table_capacity, "capacity"}, {&L::table_growth_left, "growthLeft"}});
  const auto groups = field(model, table, "groups");
  const auto& groups_reference = member_struct(model, table, "groups", 0);
  const auto data = field(model, groups_reference, "data");
  const auto length_mask = field(model, groups_reference, "lengthMask");
  layout.table_groups_data = {groups.offset + data.offset, data.size};
  layout.table_groups_length_mask = {groups.offset + length_mask.offset, length_mask.size};
  if (layout.map_size == 0 || layout.table_size == 0) {
    throw LayoutError{"DWARF internal/runtime/maps.Map or .table has no size"};
  }
  return layout;
}

std::optional<RuntimeStatsLayout> runtime_stats_layout(const DwarfModel& model) {
  const auto* memstats = model.variable("runtime.memstats");
  const auto* controller = model.variable("runtime.gcController");
  if (memstats == nullptr || controller == nullptr) {
    return std::nullopt;
  }
  const auto* mstats = model.resolve(memstats->type);
  const auto* pacer = model.resolve(controller->type);
  if (mstats == nullptr || pacer == nullptr) {
    return std::nullopt;
  }
  try {
    RuntimeStatsLayout layout;
    layout.memstats_address = memstats->address;
    layout.numgc = field(model, *mstats, "numgc");
    layout.pause_ns = field(model, *mstats, "pause_ns");
    layout.pause_ns_count = layout.pause_ns.size / 8;
    layout.gc_controller_address = controller->address;
    layout.heap_in_use = field(model, *pacer, "heapInUse");
    layout.heap_free = field(model, *pacer, "heapFree");
    layout.heap_released = field(model, *pacer, "heapReleased");
    return layout;
  } catch (const LayoutError&) {
    return std::nullopt;
  }
}

// --- The cache -------------------------------------------------------------------------------

struct CacheEntry {
  std::shared_ptr<const GoBinary> binary;
  std::optional<ReadFailure> failure;
  std::chrono::steady_clock::time_point loaded;
  std::uint64_t last_use = 0;
};

class BinaryCache {
 public:
  std::variant<std::shared_ptr<const GoBinary>, ReadFailure> load(const ProcessIdentity& identity);

 private:
  std::mutex mutex_;
  std::map<std::string, CacheEntry> entries_;
  std::uint64_t uses_ = 0;
};

std::variant<std::shared_ptr<const GoBinary>, ReadFailure> load_uncached(const std::string& path,
                                                                         const ElfFacts& facts) {
  if (!facts.has_buildinfo) {
    return ReadFailure::of(failure_kind::kUnsupported, path + " is not a Go program (no .go.buildinfo)");
  }
  auto dwarf = load_dwarf(path, facts);
  if (auto* failure = std::get_if<ReadFailure>(&dwarf)) {
    return *failure;
  }
  auto binary = std::make_shared<GoBinary>();
  const auto space = facts.version.find(' ');
  binary->go_version = facts.version.substr(0, space);
  binary->build_flags = space == std::string::npos ? "" : facts.version.substr(space + 1);
  binary->position_independent = facts.position_independent;
  binary->first_segment_vaddr = facts.first_segment_vaddr;
  binary->dwarf = std::move(std::get<DwarfModel>(dwarf));
  // A build has one map runtime: hmap (classic, or go1.24/1.25 with GOEXPERIMENT=noswissmap) or
  // internal/runtime/maps (Swiss tables, the default from go1.24).
  binary->swiss = binary->dwarf.named_type("runtime.hmap") == nullptr;
  if (binary->swiss && binary->dwarf.named_type("internal/runtime/maps.Map") == nullptr) {
    return ReadFailure::of(failure_kind::kDwarf,
                           path + ": DWARF has neither runtime.hmap nor internal/runtime/maps.Map");
  }
  try {
    if (binary->swiss) {
      binary->swiss_map = swiss_layout(binary->dwarf);
    } else {
      binary->classic = classic_layout(binary->dwarf);
    }
  } catch (const LayoutError& error) {
    return ReadFailure::of(failure_kind::kDwarf, path + ": " + error.what);
  }
  binary->runtime_stats = runtime_stats_layout(binary->dwarf);
  return std::shared_ptr<const GoBinary>(std::move(binary));
}

std::variant<std::shared_ptr<const GoBinary>, ReadFailure> BinaryCache::load(
    const ProcessIdentity& identity) {
  const std::string path = "/proc/" + std::to_string(identity.pid) + "/exe";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EACCES || errno == EPERM) {
      return ReadFailure::of(failure_kind::kPermission, permission_reason(identity.pid));
    }
    return ReadFailure::of(failure_kind::kVanished, "process " + std::to_string(identity.pid) + " is gone");
  }
  auto facts_or_failure = read_elf_facts(fd, identity.exe);
  ::close(fd);
  if (auto* failure = std::get_if<ReadFailure>(&facts_or_failure)) {
    return *failure;
  }
  const auto& facts = std::get<ElfFacts>(facts_or_failure);
  std::string key = !facts.gnu_build_id.empty() ? "gnu:" + facts.gnu_build_id
                    : !facts.go_build_id.empty()
                        ? "go:" + facts.go_build_id
                        : "file:" + std::to_string(identity.exe_device) + ":" +
                              std::to_string(identity.exe_inode) + ":" +
                              std::to_string(identity.exe_mtime_ns) + ":" + std::to_string(identity.exe_size);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && (it->second.binary || now - it->second.loaded < kFailureRetryAfter)) {
      it->second.last_use = ++uses_;
      if (it->second.binary) {
        return it->second.binary;
      }
      return *it->second.failure;
    }
  }
  // Loading takes long (debuginfod may be asked): done outside the lock.
  auto loaded = load_uncached(identity.exe, facts);
  std::lock_guard lock(mutex_);
  CacheEntry entry;
  entry.loaded = now;
  entry.last_use = ++uses_;
  if (auto* binary = std::get_if<std::shared_ptr<const GoBinary>>(&loaded)) {
    entry.binary = *binary;
  } else {
    entry.failure = std::get<ReadFailure>(loaded);
  }
  entries_[key] = std::move(entry);
  while (entries_.size() > kMaxCachedBinaries) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_use < oldest->second.last_use) {
        oldest = it;
      }
    }
    entries_.erase(oldest);
  }
  return loaded;
}

}  // namespace

double GoBinary::load_factor() const {
  if (swiss) {
    return 7.0 / 8.0;  // maxAvgGroupLoad of every 8 slots, tombstones included
  }
  const bool go121 =
      go_version == "go1.21" || go_version.starts_with("go1.21.") || go_version.starts_with("go1.21rc");
  return mapcore::go::load_factor(go121 ? mapcore::Profile::Go121 : mapcore::Profile::Go122);
}

namespace {

// Out-of-line storage and pointer-freedom of a map's entries, from its key and value types.
void set_entry_storage(const DwarfModel& dwarf, TypeId key, TypeId value, MapTypeLayout& layout) {
  const auto key_size = dwarf.size_of(key).value_or(0);
  const auto value_size = dwarf.size_of(value).value_or(0);
  if (key_size > mapcore::go::kMaxInlineBytes) {
    layout.indirect_key_bytes = mapcore::go::rounded_size(key_size);
  }
  if (value_size > mapcore::go::kMaxInlineBytes) {
    layout.indirect_value_bytes = mapcore::go::rounded_size(value_size);
  }
  layout.pointer_free = layout.indirect_key_bytes == 0 && layout.indirect_value_bytes == 0 &&
                        !dwarf.holds_pointers(key) && !dwarf.holds_pointers(value);
}

// map[K]V -> *map<K,V> -> map<K,V>.dirPtr -> **table<K,V> -> table<K,V>.groups.data -> *group,
// the group type the compiler names noalg.map.group[K]V.
std::optional<MapTypeLayout> swiss_map_type(const DwarfModel& dwarf, TypeId map_type) {
  const auto* typedef_type = dwarf.type(map_type);
  const auto* pointer = dwarf.resolve(map_type);
  const DwarfType* at = pointer == nullptr ? nullptr : dwarf.resolve(pointer->target);
  const auto follow = [&dwarf](const DwarfType* type, std::string_view member) -> const DwarfType* {
    const auto* found = type == nullptr ? nullptr : type->member(member);
    return found == nullptr ? nullptr : dwarf.resolve(found->type);
  };
  const auto deref = [&dwarf](const DwarfType* type) -> const DwarfType* {
    return type == nullptr || type->tag != DwarfType::Tag::kPointer ? nullptr : dwarf.resolve(type->target);
  };
  const auto* table = deref(deref(follow(at, "dirPtr")));
  const auto* group = deref(follow(follow(table, "groups"), "data"));
  if (typedef_type == nullptr || group == nullptr || !group->byte_size || typedef_type->map_key == 0 ||
      typedef_type->map_elem == 0) {
    return std::nullopt;
  }
  MapTypeLayout layout;
  layout.bucket_size = *group->byte_size;
  set_entry_storage(dwarf, typedef_type->map_key, typedef_type->map_elem, layout);
  return layout;
}

}  // namespace

std::optional<MapTypeLayout> GoBinary::map_type(TypeId map_type) const {
  if (swiss) {
    return swiss_map_type(dwarf, map_type);
  }
  // map[K]V -> *hash<K,V> -> hash<K,V>.buckets -> *bucket<K,V>
  const auto* typedef_type = dwarf.type(map_type);
  const auto* pointer = dwarf.resolve(map_type);
  const auto* hash = pointer == nullptr ? nullptr : dwarf.resolve(pointer->target);
  const auto* buckets = hash == nullptr ? nullptr : hash->member("buckets");
  const auto* bucket_pointer = buckets == nullptr ? nullptr : dwarf.resolve(buckets->type);
  const auto* bucket = bucket_pointer == nullptr ? nullptr : dwarf.resolve(bucket_pointer->target);
  const auto* overflow = bucket == nullptr ? nullptr : bucket->member("overflow");
  if (typedef_type == nullptr || overflow == nullptr || !bucket->byte_size) {
    return std::nullopt;
  }
  MapTypeLayout layout;
  layout.bucket_size = *bucket->byte_size;
  layout.overflow_offset = overflow->offset;
  // The key and value types: Go's own attributes on the map type, else the bucket's arrays.
  TypeId key = typedef_type->map_key;
  TypeId value = typedef_type->map_elem;
  if (key == 0 || value == 0) {
    const auto* keys = bucket->member("keys");
    const auto* values = bucket->member("values");
    const auto* key_array = keys == nullptr ? nullptr : dwarf.resolve(keys->type);
    const auto* value_array = values == nullptr ? nullptr : dwarf.resolve(values->type);
    if (key_array == nullptr || value_array == nullptr) {
      return std::nullopt;
    }
    key = key_array->target;
    value = value_array->target;
  }
  set_entry_storage(dwarf, key, value, layout);
  return layout;
}

std::variant<std::shared_ptr<const GoBinary>, ReadFailure> load_go_binary(const ProcessIdentity& identity) {
  static const bool elf_ready = elf_version(EV_CURRENT) != EV_NONE;
  if (!elf_ready) {
    return ReadFailure::of(failure_kind::kDwarf, "libelf is unusable");
  }
  static BinaryCache cache;
  return cache.load(identity);
}

}  // namespace mapscope::goproc

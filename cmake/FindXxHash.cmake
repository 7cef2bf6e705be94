# FindXxHash: the xxHash header (Debian: libxxhash-dev), which ships no CMake package of its own.
#
# Defines XxHash_FOUND, XxHash_INCLUDE_DIR, XxHash_VERSION and the imported target xxHash::xxhash, the header
# directory only: mapcore includes <xxhash.h> with XXH_INLINE_ALL, so nothing links the library and programs
# built on mapcore do not depend on libxxhash at run time. Installed beside mapcore's and mapscope's package
# files, which find it through find_dependency(XxHash).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_XxHash QUIET libxxhash)
endif()

find_path(XxHash_INCLUDE_DIR xxhash.h HINTS ${PC_XxHash_INCLUDE_DIRS})

if(XxHash_INCLUDE_DIR AND EXISTS "${XxHash_INCLUDE_DIR}/xxhash.h")
  file(STRINGS "${XxHash_INCLUDE_DIR}/xxhash.h" version_lines REGEX "^#define XXH_VERSION_(MAJOR|MINOR|RELEASE) +[0-9]+")
  foreach(part MAJOR MINOR RELEASE)
    string(REGEX REPLACE ".*#define XXH_VERSION_${part} +([0-9]+).*" "\\1" XxHash_VERSION_${part} "${version_lines}")
  endforeach()
  set(XxHash_VERSION "${XxHash_VERSION_MAJOR}.${XxHash_VERSION_MINOR}.${XxHash_VERSION_RELEASE}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(XxHash REQUIRED_VARS XxHash_INCLUDE_DIR VERSION_VAR XxHash_VERSION)
mark_as_advanced(XxHash_INCLUDE_DIR)

if(XxHash_FOUND AND NOT TARGET xxHash::xxhash)
  add_library(xxHash::xxhash INTERFACE IMPORTED)
  set_target_properties(xxHash::xxhash PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${XxHash_INCLUDE_DIR}")
endif()

# FindLibcrypt: libcrypt (Debian: libcrypt-dev, from libxcrypt), for crypt_r() in the exporter's basic
# authentication. It ships no CMake package of its own.
#
# Defines Libcrypt_FOUND, Libcrypt_INCLUDE_DIR, Libcrypt_LIBRARY and the imported target Libcrypt::crypt.
# Installed beside mapscope's package files, which find it through find_dependency(Libcrypt).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_Libcrypt QUIET libcrypt)
endif()

find_path(Libcrypt_INCLUDE_DIR crypt.h HINTS ${PC_Libcrypt_INCLUDE_DIRS})
find_library(Libcrypt_LIBRARY NAMES crypt HINTS ${PC_Libcrypt_LIBRARY_DIRS})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libcrypt REQUIRED_VARS Libcrypt_LIBRARY Libcrypt_INCLUDE_DIR)
mark_as_advanced(Libcrypt_INCLUDE_DIR Libcrypt_LIBRARY)

if(Libcrypt_FOUND AND NOT TARGET Libcrypt::crypt)
  add_library(Libcrypt::crypt UNKNOWN IMPORTED)
  set_target_properties(Libcrypt::crypt PROPERTIES IMPORTED_LOCATION "${Libcrypt_LIBRARY}"
                                                   INTERFACE_INCLUDE_DIRECTORIES "${Libcrypt_INCLUDE_DIR}")
endif()

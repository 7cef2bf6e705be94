# mapscope_gtest(NAME SOURCES src... [LIBRARIES lib...] LABEL label [SERIAL])
#
# One GoogleTest executable, warning-free, its tests discovered into CTest with one label: unit or
# concurrency (the ASan stage runs both, the TSan stage the second). One label only, because
# gtest_discover_tests flattens a list-valued property into separate words. SERIAL tests run alone
# (they measure the process's RSS). Sanitized builds see MAPSCOPE_SANITIZED=1 so that suites can shrink
# their sizes and stay within seconds.
# Executables are collected by label into the `unit_tests` and `concurrency_tests` targets, which the
# sanitizer stages build instead of the whole tree.
include(GoogleTest)

function(mapscope_gtest name)
  cmake_parse_arguments(ARG "SERIAL" "LABEL" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  if(MAPSCOPE_SANITIZE)
    target_compile_definitions(${name} PRIVATE MAPSCOPE_SANITIZED=1)
  endif()
  mapscope_warnings(${name})
  set(serial FALSE)
  if(ARG_SERIAL)
    set(serial TRUE)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS ${ARG_LABEL} RUN_SERIAL ${serial} DISCOVERY_TIMEOUT 60)
  if(ARG_LABEL STREQUAL "concurrency")
    set_property(GLOBAL APPEND PROPERTY MAPSCOPE_CONCURRENCY_TARGETS ${name})
  elseif(ARG_LABEL STREQUAL "unit")
    set_property(GLOBAL APPEND PROPERTY MAPSCOPE_UNIT_TARGETS ${name})
  endif()
endfunction()

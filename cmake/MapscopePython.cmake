# Python in the build: one interpreter and one way for scripts to find the project's package.
#
# mapscope_python()
#   Sets, in the caller's scope, MAPSCOPE_PYTHON3 to Debian's python3 (/usr/bin first: it has python3-yaml and
#   flake8 whatever interpreter comes first on PATH) and MAPSCOPE_PYTHONPATH to python/, the folder holding the
#   mapscope_prom package. A missing interpreter leaves the name python3, so that its tests fail with "not found"
#   instead of vanishing.
#
# mapscope_python_test(NAME COMMAND script [args...] LABEL label [TIMEOUT seconds] [PATH dir...]
#                      [ENVIRONMENT VAR=value...] [RUN_SERIAL])
#   A test running `python3 script args...` (script relative to the calling folder) with PYTHONPATH set to
#   python/ and then the PATH folders (relative to the calling folder), and no bytecode written into the tree.
#   Generator expressions work in args and ENVIRONMENT.

function(mapscope_python)
  find_program(MAPSCOPE_PYTHON3_PROGRAM python3 PATHS /usr/bin NO_DEFAULT_PATH)
  find_program(MAPSCOPE_PYTHON3_PROGRAM python3)
  if(MAPSCOPE_PYTHON3_PROGRAM)
    set(MAPSCOPE_PYTHON3 ${MAPSCOPE_PYTHON3_PROGRAM} PARENT_SCOPE)
  else()
    set(MAPSCOPE_PYTHON3 python3 PARENT_SCOPE)
  endif()
  set(MAPSCOPE_PYTHONPATH ${PROJECT_SOURCE_DIR}/python PARENT_SCOPE)
endfunction()

function(mapscope_python_test name)
  cmake_parse_arguments(ARG "RUN_SERIAL" "LABEL;TIMEOUT" "COMMAND;PATH;ENVIRONMENT" ${ARGN})
  if(NOT ARG_COMMAND OR NOT ARG_LABEL)
    message(FATAL_ERROR "mapscope_python_test(${name}): COMMAND and LABEL are required")
  endif()
  mapscope_python()
  list(POP_FRONT ARG_COMMAND script)
  cmake_path(ABSOLUTE_PATH script BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set(search_path ${MAPSCOPE_PYTHONPATH})
  foreach(folder IN LISTS ARG_PATH)
    cmake_path(ABSOLUTE_PATH folder BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND search_path ${folder})
  endforeach()
  string(REPLACE ";" ":" search_path "${search_path}")
  set(environment "PYTHONPATH=${search_path}" PYTHONDONTWRITEBYTECODE=1 ${ARG_ENVIRONMENT})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_test(NAME ${name} COMMAND ${MAPSCOPE_PYTHON3} ${script} ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${environment}")
  if(ARG_RUN_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

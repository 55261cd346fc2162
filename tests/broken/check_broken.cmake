# Runs `labtwin validate` on one broken-scenario case and compares stderr with the expected
# messages. Called by tests/CMakeLists.txt as
#   cmake -DLABTWIN=<exe> -DCASE=<abs yaml> -DEXPECTED=<abs .expected> -DSRCDIR=<repo> -P this
# The case path is made relative to SRCDIR and labtwin runs in SRCDIR, so messages carry
# repo-relative file names. Exit code must be 2 and stderr must equal the .expected file.
# An empty .expected file marks a valid case: exit code 0 and stdout "<case>: ok".
cmake_minimum_required(VERSION 3.25)

foreach(_v LABTWIN CASE EXPECTED SRCDIR)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "check_broken.cmake: -D${_v}=... is required")
  endif()
endforeach()

file(RELATIVE_PATH _rel "${SRCDIR}" "${CASE}")
execute_process(COMMAND "${LABTWIN}" validate "${_rel}"
                WORKING_DIRECTORY "${SRCDIR}"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err
                TIMEOUT 60)
file(READ "${EXPECTED}" _expected)

if(_expected STREQUAL "")
  if(NOT _rc EQUAL 0 OR NOT _out STREQUAL "${_rel}: ok\n")
    message(FATAL_ERROR "valid case ${_rel}: expected exit 0 and '${_rel}: ok', got exit "
                        "${_rc}\nstdout:\n${_out}\nstderr:\n${_err}")
  endif()
  return()
endif()

set(_problems "")
if(NOT _rc EQUAL 2)
  string(APPEND _problems "exit code: expected 2, got ${_rc}\n")
endif()
if(NOT _err STREQUAL _expected)
  # A line-by-line diff: '-' expected but missing, '+' printed but not expected.
  string(REPLACE ";" "\\;" _e "${_expected}")
  string(REPLACE ";" "\\;" _g "${_err}")
  string(REPLACE "\n" ";" _elines "${_e}")
  string(REPLACE "\n" ";" _glines "${_g}")
  string(APPEND _problems "stderr differs from ${EXPECTED}:\n")
  foreach(_l IN LISTS _elines)
    if(NOT "${_l}" STREQUAL "" AND NOT "${_l}" IN_LIST _glines)
      string(APPEND _problems "- ${_l}\n")
    endif()
  endforeach()
  foreach(_l IN LISTS _glines)
    if(NOT "${_l}" STREQUAL "" AND NOT "${_l}" IN_LIST _elines)
      string(APPEND _problems "+ ${_l}\n")
    endif()
  endforeach()
  string(APPEND _problems "--- full expected ---\n${_expected}--- full stderr ---\n${_err}")
endif()
if(NOT _problems STREQUAL "")
  # NOTICE prints verbatim (FATAL_ERROR would re-wrap the lines).
  message(NOTICE "broken case ${_rel}:\n${_problems}")
  message(FATAL_ERROR "broken case ${_rel} failed")
endif()

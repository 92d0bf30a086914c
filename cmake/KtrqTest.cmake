# SPDX-License-Identifier: BSD-2-Clause
# ktrq_test(NAME SOURCES f.c... [LIBS l...] [ARGS a...] [PTHREAD] [NO_VALGRIND])
#
# One executable per behaviour, registered three times when valgrind is
# available: plain (label "unit"), under memcheck (label "memcheck") and,
# for tests that run real threads (PTHREAD), under helgrind (label
# "helgrind").  Any valgrind report fails the test.
find_library(CMOCKA_LIBRARY cmocka REQUIRED)
find_path(CMOCKA_INCLUDE_DIR cmocka.h REQUIRED)

function(ktrq_test name)
  cmake_parse_arguments(T "PTHREAD;NO_VALGRIND" "" "SOURCES;LIBS;ARGS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${CMOCKA_INCLUDE_DIR}
                             ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_LIBS} ${CMOCKA_LIBRARY})
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
  if(KTRQ_VALGRIND AND NOT T_NO_VALGRIND)
    add_test(NAME memcheck.${name}
      COMMAND ${VALGRIND_EXECUTABLE} --tool=memcheck --error-exitcode=1
              --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
              --quiet $<TARGET_FILE:${name}> ${T_ARGS})
    set_tests_properties(memcheck.${name} PROPERTIES LABELS memcheck TIMEOUT 900)
    if(T_PTHREAD)
      add_test(NAME helgrind.${name}
        COMMAND ${VALGRIND_EXECUTABLE} --tool=helgrind --error-exitcode=1
                --suppressions=${PROJECT_SOURCE_DIR}/tests/helgrind.supp
                --quiet $<TARGET_FILE:${name}> ${T_ARGS})
      set_tests_properties(helgrind.${name} PROPERTIES LABELS helgrind TIMEOUT 900)
    endif()
  endif()
endfunction()

# A command-line check: run a program, pass on exit status 0 (or WILL_FAIL).
function(ktrq_cli_test name)
  cmake_parse_arguments(T "WILL_FAIL" "" "COMMAND" ${ARGN})
  add_test(NAME ${name} COMMAND ${T_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS cli TIMEOUT 300)
  if(T_WILL_FAIL)
    set_tests_properties(${name} PROPERTIES WILL_FAIL TRUE)
  endif()
endfunction()

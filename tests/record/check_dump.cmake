# SPDX-License-Identifier: BSD-2-Clause
# Run ktrq-dump once and check its exit status, stdout and stderr.
#
#   cmake -DDUMP=prog -DWORKDIR=dir [-DARGS=a|b|c] [-DSTDIN=file]
#         [-DOUTPUT_FILE=file] [-DEXPECT_RC=n]
#         [-DEXPECT_OUT=file | -DEXPECT_OUT_REGEX=re]
#         [-DEXPECT_ERR=line | -DEXPECT_ERR_REGEX=re] -P check_dump.cmake
#
# Arguments are '|'-separated so they survive add_test quoting.  Without
# EXPECT_OUT* stdout must be empty, without EXPECT_ERR* stderr must be;
# EXPECT_ERR is one whole line (the newline is added here).  In the
# regexes <NL> stands for a newline, which would not survive a command
# line.  OUTPUT_FILE sends stdout to a file instead (e.g. /dev/full) and
# skips its check.
cmake_minimum_required(VERSION 3.25)

foreach(v DUMP WORKDIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_dump.cmake: ${v} not set")
  endif()
endforeach()
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()
string(REPLACE "|" ";" args "${ARGS}")
foreach(v EXPECT_OUT_REGEX EXPECT_ERR_REGEX)
  if(DEFINED ${v})
    string(REPLACE "<NL>" "\n" ${v} "${${v}}")
  endif()
endforeach()

set(redir)
if(DEFINED STDIN)
  list(APPEND redir INPUT_FILE ${STDIN})
endif()
if(DEFINED OUTPUT_FILE)
  list(APPEND redir OUTPUT_FILE ${OUTPUT_FILE})
endif()
execute_process(COMMAND ${DUMP} ${args}
  WORKING_DIRECTORY ${WORKDIR}
  ${redir}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

set(failed FALSE)
if(NOT "${rc}" STREQUAL "${EXPECT_RC}")
  message(SEND_ERROR "exit status: got '${rc}', want '${EXPECT_RC}'")
  set(failed TRUE)
endif()

if(NOT DEFINED OUTPUT_FILE)
  if(DEFINED EXPECT_OUT_REGEX)
    if(NOT out MATCHES "${EXPECT_OUT_REGEX}")
      message(SEND_ERROR "stdout does not match '${EXPECT_OUT_REGEX}':\n${out}")
      set(failed TRUE)
    endif()
  else()
    set(want "")
    if(DEFINED EXPECT_OUT)
      file(READ ${EXPECT_OUT} want)
    endif()
    if(NOT out STREQUAL want)
      get_filename_component(base "${EXPECT_OUT}" NAME)
      file(WRITE ${WORKDIR}/${base}.actual "${out}")
      message(SEND_ERROR "stdout differs from '${EXPECT_OUT}' "
        "(actual output kept in ${WORKDIR}/${base}.actual):\n"
        "--- got ---\n${out}--- want ---\n${want}---")
      set(failed TRUE)
    endif()
  endif()
endif()

if(DEFINED EXPECT_ERR_REGEX)
  if(NOT err MATCHES "${EXPECT_ERR_REGEX}")
    message(SEND_ERROR "stderr does not match '${EXPECT_ERR_REGEX}':\n${err}")
    set(failed TRUE)
  endif()
else()
  set(want "")
  if(DEFINED EXPECT_ERR)
    set(want "${EXPECT_ERR}\n")
  endif()
  if(NOT err STREQUAL want)
    message(SEND_ERROR "stderr: got\n${err}want\n${want}")
    set(failed TRUE)
  endif()
endif()

if(failed)
  message(FATAL_ERROR "ktrq-dump ${ARGS}: check failed")
endif()

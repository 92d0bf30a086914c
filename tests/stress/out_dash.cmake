# SPDX-License-Identifier: BSD-2-Clause
# `ktrq-stress --out -`: the trace on stdout (checked first, summary on
# stderr), and what came out is a trace ktrq-dump reads to the end.
#
#   cmake -DSTRESS=prog -DDUMP=prog -DOUT=file -P out_dash.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${STRESS} --threads 2 --events 2000 --pool 8
    --sync 0.3 --quiet --out -
  OUTPUT_FILE ${OUT} ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "ktrq-stress --out -: exit ${rc}\n${err}")
endif()
if(NOT err STREQUAL "verify: ok\n")
  message(FATAL_ERROR "stderr is not the summary: '${err}'")
endif()
execute_process(COMMAND ${DUMP} -t c ${OUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE derr RESULT_VARIABLE rc)
if(NOT rc STREQUAL "0" OR NOT derr STREQUAL "")
  message(FATAL_ERROR "ktrq-dump of the stdout trace: exit ${rc}\n${derr}")
endif()
if(NOT out MATCHES "CALL  write\\(")
  message(FATAL_ERROR "no CALL record in the stdout trace:\n${out}")
endif()

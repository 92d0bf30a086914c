# SPDX-License-Identifier: BSD-2-Clause
# A trace that cannot be read back is an I/O error, not a mismatch:
# exit 2 and one line naming the file and the errno text, no verdict.
# The test hook KTRQ_STRESS_TEST_VANISH removes the file ("unlink": the
# open fails) or puts a directory in its place ("dir": the read fails)
# between the run and its check.
#
#   cmake -DSTRESS=prog -DOUT=file -DHOW=unlink|dir -DWANT=regex
#         -P vanish.cmake
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CMAKE_COMMAND} -E env KTRQ_STRESS_TEST_VANISH=${HOW}
    ${STRESS} --threads 2 --events 200 --pool 4 --sync 0.2 --quiet
    --out ${OUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
file(REMOVE_RECURSE ${OUT})
if(NOT rc STREQUAL "2")
  message(FATAL_ERROR "exit status ${rc}, want 2\nstdout:\n${out}\n"
    "stderr:\n${err}")
endif()
if(NOT err MATCHES "^ktrq-stress: ${OUT}: ${WANT}\n$")
  message(FATAL_ERROR "stderr is not one line naming ${OUT} and "
    "'${WANT}':\n${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "a verdict on stdout without a file:\n${out}")
endif()

# Runs `picmon ARGS` (through the cross emulator if any) and fails unless it exits with EXPECT.
string(REPLACE " " ";" _args "${ARGS}")
execute_process(COMMAND ${EMU} ${PICMON} ${_args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc STREQUAL "${EXPECT}")
  message(FATAL_ERROR "picmon ${ARGS}: exit ${rc}, expected ${EXPECT}")
endif()

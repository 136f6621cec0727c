# Helpers for the tests written as CMake scripts (cmake -P ...): include() this file.

# test_require(name VAR...): fails the test unless every VAR is defined (-DVAR=...).
function(test_require name)
  foreach(var IN LISTS ARGN)
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "${name}: ${var} is not set")
    endif()
  endforeach()
endfunction()

# run(command args...): runs it, logs the command and its output, fails the test on failure.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "$ ${ARGN}\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}")
  endif()
endfunction()

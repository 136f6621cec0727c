# Only the per-ISA kernel files may be compiled with ISA flags, and the public headers include
# neither xsimd nor omp.h. Checks: no ymm/zmm/opmask register and no VEX/EVEX-encoded instruction
# in the objects of the baseline sources; no such include in include/linsweep.
# Run as: cmake -DOBJDUMP=... -DOBJECTS="a.o|b.o" -DHEADERS_DIR=... -P isa_isolation_check.cmake
# OBJECTS: the baseline objects only (the library's own and the portable kernels').
# KernelIsaIsolationSelfTest runs it on an object built with -mavx -mfma, which it must reject.
string(REPLACE "|" ";" objects "${OBJECTS}")
set(failures "")
foreach(obj IN LISTS objects)
  string(REGEX REPLACE ".*/CMakeFiles/" "" name "${obj}")  # target.dir/path: names are not unique
  execute_process(COMMAND "${OBJDUMP}" -d --no-show-raw-insn "${obj}" OUTPUT_VARIABLE asm RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "objdump failed on ${obj}")
  endif()
  # objdump -d prints "ADDR:<tab>MNEMONIC OPERANDS", the mnemonic maybe after a {vex}/{evex}
  # pseudo-prefix. VEX/EVEX mnemonics: every AVX* one starts with v (also on xmm registers),
  # AVX-512 mask instructions with k, and BMI1/BMI2 are VEX-encoded integer instructions.
  set(vex_mnemonic "v[a-z0-9]+|k[a-z]+|andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx")
  string(REGEX MATCHALL "[^\n]*(%[yz]mm[0-9]+|%k[0-7]|\t([{][a-z]+[}] )?(${vex_mnemonic})([ \n]|$))[^\n]*"
         hits "${asm}")
  list(LENGTH hits count)
  if(count GREATER 0)
    list(GET hits 0 first)
    string(APPEND failures "${name}: ${count} AVX instruction(s), e.g. ${first}\n")
  else()
    message(STATUS "${name}: baseline instructions only")
  endif()
endforeach()
file(GLOB headers "${HEADERS_DIR}/*.h" "${HEADERS_DIR}/*.hpp")
foreach(h IN LISTS headers)
  file(STRINGS "${h}" includes REGEX "#[ \t]*include[ \t]*[<\"](xsimd|omp\\.h)")
  if(includes)
    string(APPEND failures "${h} includes ${includes}\n")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "ISA isolation broken:\n${failures}")
endif()
message(STATUS "ISA isolation: ok (${HEADERS_DIR} and the baseline objects)")

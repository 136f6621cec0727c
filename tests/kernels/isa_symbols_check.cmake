# Everything an ISA object defines for the linker lives in its ISA's namespace: every global or
# weak symbol of kernels_<isa>.o in the library demangles to linsweep::kernels::<isa>::... (its
# table), so no inline function or template compiled with ISA flags (ours, xsimd's, the standard
# library's) can be picked by the linker for code that runs on another CPU. Run on Release and
# Debug builds (at -O0 nothing is inlined: the case that breaks first).
# Run as: cmake -DNM=... -DCXXFILT=... -DLIBRARY=liblinsweep.a -DISAS="avx512;avx2;..." -P isa_symbols_check.cmake
string(REPLACE "|" ";" isas "${ISAS}")
execute_process(COMMAND "${NM}" -A -g --defined-only "${LIBRARY}" OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(failures "")
foreach(isa IN LISTS isas)
  set(found 0)
  foreach(line IN LISTS lines)
    # "liblinsweep.a:kernels_avx512.o:0000000000002390 T _ZN8linsweep7kernels6avx5125tableEv"
    if(NOT line MATCHES ":kernels_${isa}\\.o:[0-9a-f]* ([A-Za-z]) (.+)$")
      continue()
    endif()
    set(symbol "${CMAKE_MATCH_2}")
    math(EXPR found "${found} + 1")
    execute_process(COMMAND "${CXXFILT}" "${symbol}" OUTPUT_VARIABLE name OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT name MATCHES "^linsweep::kernels::${isa}::")
      string(APPEND failures "kernels_${isa}.o exports ${name}\n")
    endif()
  endforeach()
  if(found EQUAL 0)
    string(APPEND failures "kernels_${isa}.o: no object or no symbol found in ${LIBRARY}\n")
  else()
    message(STATUS "kernels_${isa}.o: ${found} global symbol(s), all in linsweep::kernels::${isa}")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "ISA symbols outside their namespace:\n${failures}")
endif()

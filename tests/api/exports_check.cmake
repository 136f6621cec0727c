# The shared library exports the public API and nothing else: every defined dynamic symbol is a
# C function linsweep_* or (demangled) a member of namespace linsweep, its typeinfo and vtable
# included (member templates' names begin with their return type: void or a linsweep:: type); nothing of linsweep::detail or linsweep::kernels, xsimd, OpenMP or the C++ library.
# And every LINSWEEP_API function of linsweep.h is there.
# Run as: cmake -DNM=... -DLIBRARY=... -DHEADER=.../linsweep.h -P exports_check.cmake
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST)
foreach(var NM LIBRARY HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "exports_check: ${var} is not set")
  endif()
endforeach()

execute_process(COMMAND "${NM}" -D --defined-only -C "${LIBRARY}" OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exports_check: ${NM} -D failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${listing}")

set(bad "")
set(c_names "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.*)$")
    string(APPEND bad "  unparsed: ${line}\n")
    continue()
  endif()
  set(name "${CMAKE_MATCH_1}")
  math(EXPR count "${count} + 1")
  if(name MATCHES "^linsweep_[a-z0-9_]+$")
    list(APPEND c_names "${name}")
  elseif(NOT name MATCHES "^((typeinfo |typeinfo name |vtable )for |void )?linsweep::"
         OR name MATCHES "linsweep::(detail|kernels)::|xsimd|_omp_fn|GOMP_|(^| )omp_")
    string(APPEND bad "  ${name}\n")
  endif()
endforeach()

# Every exported function of the C header is defined.
file(STRINGS "${HEADER}" declarations REGEX "^LINSWEEP_API ")
set(missing "")
foreach(d IN LISTS declarations)
  if(d MATCHES "(linsweep_[a-z0-9_]+)\\(")
    set(function "${CMAKE_MATCH_1}")
    if(NOT function IN_LIST c_names)
      string(APPEND missing "  ${function}\n")
    endif()
  endif()
endforeach()

if(bad OR missing)
  message(FATAL_ERROR "exports_check: ${LIBRARY}\nexported but not public API:\n${bad}"
                      "public but not exported:\n${missing}")
endif()
list(LENGTH c_names n_c)
math(EXPR n_cpp "${count} - ${n_c}")
message(STATUS "exports_check: ${LIBRARY} exports ${n_c} C functions and ${n_cpp} linsweep:: C++ symbols, nothing else")

# The kernel ISAs per target processor: one line each (name, processor, compile flags). Each gets
# src/kernels/<name>/kernels.cpp compiled with its flags into an object whose symbols are all made
# local but its table (src/CMakeLists.txt), and LINSWEEP_WITH_<NAME> for the registry
# (src/isa_registry.cpp). Nothing else is compiled with ISA flags.
set(LINSWEEP_ISAS "")
macro(linsweep_isa name processor_regex)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "${processor_regex}")
    list(APPEND LINSWEEP_ISAS ${name})
    set(LINSWEEP_FLAGS_${name} ${ARGN})
  endif()
endmacro()

# GCC 12 reports false (maybe-)uninitialized warnings inside its own avx512fintrin.h (the
# _mm512_undefined_* idiom that xsimd's haddp reaches).
linsweep_isa(avx512 "^(x86_64|AMD64|amd64)$" -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx2 -mfma -mf16c
             -Wno-maybe-uninitialized -Wno-uninitialized)
# F16C (its own cpuid bit, checked with AVX2): the float16 loads.
linsweep_isa(avx2 "^(x86_64|AMD64|amd64)$" -mavx2 -mfma -mf16c)
linsweep_isa(neon "^(aarch64|arm64)$")
linsweep_isa(portable ".")

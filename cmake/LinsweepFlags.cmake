# Warnings for the project's own targets, and which kernel ISAs this target CPU family gets.
set(LINSWEEP_WARNINGS -Wall -Wextra)

# ISA files per target architecture. Each is compiled with its own flags; nothing else is.
set(LINSWEEP_ISA_SOURCES kernels/isa_portable.cpp)
set(LINSWEEP_ISA_DEFINES "")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  list(APPEND LINSWEEP_ISA_SOURCES kernels/isa_avx2.cpp kernels/isa_avx512.cpp)
  list(APPEND LINSWEEP_ISA_DEFINES LINSWEEP_WITH_AVX2 LINSWEEP_WITH_AVX512)
  set(LINSWEEP_FLAGS_avx2 -mavx2 -mfma)
  # GCC 12 reports false (maybe-)uninitialized warnings inside its own avx512fintrin.h (the
  # _mm512_undefined_* idiom that xsimd's haddp reaches).
  set(LINSWEEP_FLAGS_avx512 -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx2 -mfma -Wno-maybe-uninitialized -Wno-uninitialized)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  list(APPEND LINSWEEP_ISA_SOURCES kernels/isa_neon.cpp)
  list(APPEND LINSWEEP_ISA_DEFINES LINSWEEP_WITH_NEON)
  set(LINSWEEP_FLAGS_neon "")
endif()

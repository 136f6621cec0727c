# Cross build for aarch64 Linux with Debian's g++-aarch64-linux-gnu; tests run under qemu-user.
#   cmake --preset aarch64      (or -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-toolchain.cmake)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(LINSWEEP_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${LINSWEEP_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${LINSWEEP_CROSS_TRIPLE}-g++)

# Libraries (libgomp, libstdc++, pthread) come from the cross toolchain's tree only; programs
# (qemu, python) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${LINSWEEP_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# xsimd is header-only and architecture-independent: use the host's package config. Its include
# directory, /usr/include, is already on the cross compiler's search path (after its own tree),
# so no host header can shadow the target's C library.
set(xsimd_DIR /usr/lib/x86_64-linux-gnu/cmake/xsimd CACHE PATH "Host xsimd package config")

# Run test binaries (and gtest_discover_tests' listing) under qemu with the target's loader and
# libraries.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/${LINSWEEP_CROSS_TRIPLE})

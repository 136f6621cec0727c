# Installs the components "linsweep" and "mpi" of the build into a temporary prefix, then builds
# examples/mpi against it with find_package(linsweep COMPONENTS mpi) and runs it under mpiexec,
# and compiles it once more with pkg-config linsweep-mpi.
# Run as: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DMPIEXEC=... -DCXX_COMPILER=...
# [-DCXX_FLAGS=... -DLINK_FLAGS=...] -P package_mpi_test.cmake
include("${CMAKE_CURRENT_LIST_DIR}/../support/script_support.cmake")
test_require(package_mpi_test BUILD_DIR SOURCE_DIR WORK_DIR MPIEXEC CXX_COMPILER)

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component linsweep)
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component mpi)

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/mpi" -B "${WORK_DIR}/example" "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/example")
run("${MPIEXEC}" -n 2 "${WORK_DIR}/example/example_mpi")

# pkg-config linsweep-mpi (which requires linsweep: the shared library where it is installed).
file(GLOB_RECURSE pc_files "${prefix}/*/linsweep-mpi.pc")
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
execute_process(COMMAND pkg-config --cflags --libs --static linsweep-mpi OUTPUT_VARIABLE flags RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "package_mpi_test: pkg-config cannot find linsweep-mpi in ${pc_dir}")
endif()
execute_process(COMMAND pkg-config --variable=libdir linsweep OUTPUT_VARIABLE libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(flags UNIX_COMMAND "${flags}")
separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${LINK_FLAGS}")
run("${CXX_COMPILER}" -std=c++17 -Wall -Wextra ${cxx_flags} "${SOURCE_DIR}/examples/mpi/example_mpi.cpp"
    -o "${WORK_DIR}/example_mpi_pkgconfig" ${flags} "-Wl,-rpath,${libdir}")  # liblinsweep.so where installed
run("${MPIEXEC}" -n 3 "${WORK_DIR}/example_mpi_pkgconfig")

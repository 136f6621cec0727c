# Installs the built project into a temporary prefix, then builds and runs examples/ against it:
# with find_package (a separate CMake project) and with pkg-config (the C example, compiled by
# the C compiler alone), each against the static library and, with SHARED, the shared one; the
# programs' dynamic section shows which one they got.
# Run as: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DC_COMPILER=... -DREADELF=...
# -DSHARED=0|1 [-DC_FLAGS=... -DCXX_FLAGS=... -DLINK_FLAGS=...] -P package_test.cmake
include("${CMAKE_CURRENT_LIST_DIR}/../support/script_support.cmake")
test_require(package_test BUILD_DIR SOURCE_DIR WORK_DIR C_COMPILER READELF SHARED)

# `program` needs liblinsweep.so.MAJOR at run time exactly when `kind` is "shared".
function(expect_linked program kind)
  execute_process(COMMAND "${READELF}" -d "${program}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package_test: readelf failed on ${program}")
  endif()
  string(REGEX MATCH "NEEDED[^\n]*liblinsweep\\.so\\.[0-9]+" needed "${dynamic}")
  if(kind STREQUAL "shared" AND NOT needed)
    message(FATAL_ERROR "package_test: ${program} should need liblinsweep.so but does not:\n${dynamic}")
  elseif(kind STREQUAL "static" AND needed)
    message(FATAL_ERROR "package_test: ${program} should hold the static library but needs ${needed}")
  endif()
  message(STATUS "${program}: ${kind} linsweep, as expected")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}" --component linsweep)

set(kinds static)
if(SHARED)
  list(APPEND kinds shared)
endif()

file(GLOB_RECURSE pc_files "${prefix}/*/linsweep.pc")
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
separate_arguments(c_flags UNIX_COMMAND "${C_FLAGS} ${LINK_FLAGS}")

foreach(kind IN LISTS kinds)
  # find_package(linsweep) from a separate project.
  set(build "${WORK_DIR}/examples-${kind}")
  if(kind STREQUAL "shared")
    set(link_shared ON)
  else()
    set(link_shared OFF)
  endif()
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples" -B "${build}" "-DCMAKE_PREFIX_PATH=${prefix}"
      -DCMAKE_BUILD_TYPE=Release -DLINK_SHARED=${link_shared} "-DCMAKE_C_COMPILER=${C_COMPILER}"
      "-DCMAKE_C_FLAGS=${C_FLAGS}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}")
  run(${CMAKE_COMMAND} --build "${build}")
  foreach(example example_cpp example_c)
    expect_linked("${build}/${example}" ${kind})
    run("${build}/${example}")
  endforeach()

  # pkg-config: linsweep-static.pc names the archive; linsweep.pc gives -llinsweep, the shared
  # library where it is installed.
  if(kind STREQUAL "shared")
    set(pc linsweep)
  else()
    set(pc linsweep-static)
  endif()
  execute_process(COMMAND pkg-config --cflags --libs ${pc} OUTPUT_VARIABLE flags RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND pkg-config --variable=libdir ${pc} OUTPUT_VARIABLE libdir RESULT_VARIABLE rc2
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
    message(FATAL_ERROR "package_test: pkg-config cannot find ${pc} in ${pc_dir}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(program "${WORK_DIR}/example_c_pkgconfig_${kind}")
  run("${C_COMPILER}" -std=c99 -Wall -Wextra ${c_flags} "${SOURCE_DIR}/examples/example.c" -o "${program}"
      ${flags} -lm "-Wl,-rpath,${libdir}")
  expect_linked("${program}" ${kind})
  run("${program}")
endforeach()

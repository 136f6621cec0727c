# Distributed training over MPI: the library linsweep_mpi (src/mpi), built when
# LINSWEEP_WITH_MPI is ON, which is the default when an MPI for C is found (never in cross
# builds; LINSWEEP_REQUIRE_MPI=ON makes its absence an error), and its installation as the
# component "mpi" of the linsweep package: find_package(linsweep COMPONENTS mpi) -> linsweep::mpi,
# pkg-config linsweep-mpi.
if(CMAKE_CROSSCOMPILING)
  set(linsweep_mpi_default OFF)
else()
  find_package(MPI COMPONENTS C QUIET)
  set(linsweep_mpi_default ${MPI_C_FOUND})
endif()
option(LINSWEEP_WITH_MPI "Build linsweep_mpi and the CLI's mpirun support" ${linsweep_mpi_default})
# CI (scripts/run-tests) sets it: without MPI the suite would silently lose every `-L mpi` test.
option(LINSWEEP_REQUIRE_MPI "Fail at configure time unless linsweep_mpi is built" OFF)
if(LINSWEEP_REQUIRE_MPI AND NOT LINSWEEP_WITH_MPI)
  message(FATAL_ERROR "LINSWEEP_REQUIRE_MPI is ON but linsweep_mpi is not built: no MPI for C was found "
                      "(Debian: apt-get install libopenmpi-dev openmpi-bin), LINSWEEP_WITH_MPI is OFF, or "
                      "this is a cross build")
endif()
if(NOT LINSWEEP_WITH_MPI)
  return()
endif()
find_package(MPI REQUIRED COMPONENTS C)
add_subdirectory(${PROJECT_SOURCE_DIR}/src/mpi ${PROJECT_BINARY_DIR}/src/mpi)
message(STATUS "linsweep: MPI ${MPI_C_VERSION} (${MPI_C_LIBRARIES}), mpiexec ${MPIEXEC_EXECUTABLE}")

include(GNUInstallDirs)
set(LINSWEEP_MPI_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/linsweep")
install(TARGETS linsweep_mpi EXPORT linsweepMpiTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mpi
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT linsweepMpiTargets NAMESPACE linsweep:: DESTINATION ${LINSWEEP_MPI_CMAKE_DIR} COMPONENT mpi)
install(FILES "${CMAKE_CURRENT_LIST_DIR}/linsweep-mpi.cmake" DESTINATION ${LINSWEEP_MPI_CMAKE_DIR}
  COMPONENT mpi)
# The target is called linsweep::mpi in the package as in the build tree.
set_target_properties(linsweep_mpi PROPERTIES EXPORT_NAME mpi)

file(RELATIVE_PATH LINSWEEP_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" LINSWEEP_PC_TO_PREFIX "${LINSWEEP_PC_TO_PREFIX}")
set(LINSWEEP_PC_MPI_CFLAGS "")
foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
  string(APPEND LINSWEEP_PC_MPI_CFLAGS " -I${dir}")
endforeach()
string(JOIN " " LINSWEEP_PC_MPI_LIBS ${MPI_C_LIBRARIES})
configure_file("${CMAKE_CURRENT_LIST_DIR}/linsweep-mpi.pc.in" "${PROJECT_BINARY_DIR}/linsweep-mpi.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/linsweep-mpi.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT mpi)

# The component "mpi" of the linsweep package (included by linsweepConfig.cmake when asked for:
# find_package(linsweep COMPONENTS mpi)): linsweep::mpi, which brings MPI for C.
include(CMakeFindDependencyMacro)
find_dependency(MPI COMPONENTS C)
include("${CMAKE_CURRENT_LIST_DIR}/linsweepMpiTargets.cmake")
set(linsweep_mpi_FOUND TRUE)

# Installation: headers, the static library, a CMake package (find_package(linsweep) ->
# linsweep::linsweep) and linsweep.pc. OpenMP stays private to the library, but a static
# archive needs it at the consumer's link: the package config finds it (find_dependency) and
# the .pc file lists it in Libs.private, with the C++ runtime for C consumers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LINSWEEP_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/linsweep")

# Everything here is in the component "linsweep" (cmake --install <dir> --component linsweep).
install(TARGETS linsweep EXPORT linsweepTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT linsweep
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/linsweep" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT linsweep)
install(EXPORT linsweepTargets NAMESPACE linsweep:: DESTINATION ${LINSWEEP_CMAKE_DIR} COMPONENT linsweep)

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/linsweepConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/linsweepConfig.cmake" INSTALL_DESTINATION ${LINSWEEP_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/linsweepConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/linsweepConfig.cmake" "${PROJECT_BINARY_DIR}/linsweepConfigVersion.cmake"
  DESTINATION ${LINSWEEP_CMAKE_DIR} COMPONENT linsweep)

# The .pc file finds its prefix from its own place, so an installed tree can be moved.
file(RELATIVE_PATH LINSWEEP_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" LINSWEEP_PC_TO_PREFIX "${LINSWEEP_PC_TO_PREFIX}")
set(LINSWEEP_PC_OPENMP "${OpenMP_CXX_FLAGS}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/linsweep.pc.in" "${PROJECT_BINARY_DIR}/linsweep.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/linsweep.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT linsweep)

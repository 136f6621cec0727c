# Installation: headers (with the generated version.h), the static library, the shared library
# (when built), a CMake package (find_package(linsweep) -> linsweep::linsweep, the static one,
# and linsweep::linsweep_shared) and two pkg-config files: linsweep.pc (-llinsweep: the shared
# library where installed) and linsweep-static.pc (the archive). OpenMP stays private to the
# library, but a static archive needs it at the consumer's link: the package config finds it
# (find_dependency) and the .pc files list it, with the C++ runtime for C consumers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LINSWEEP_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/linsweep")

# Everything here is in the component "linsweep" (cmake --install <dir> --component linsweep).
install(TARGETS linsweep EXPORT linsweepTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT linsweep
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET linsweep_shared)
  install(TARGETS linsweep_shared EXPORT linsweepTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT linsweep NAMELINK_COMPONENT linsweep
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/linsweep" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT linsweep)
install(FILES "${PROJECT_BINARY_DIR}/include/linsweep/version.h" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/linsweep
  COMPONENT linsweep)
install(EXPORT linsweepTargets NAMESPACE linsweep:: DESTINATION ${LINSWEEP_CMAKE_DIR} COMPONENT linsweep)

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/linsweepConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/linsweepConfig.cmake" INSTALL_DESTINATION ${LINSWEEP_CMAKE_DIR})
# A program built against version X.Y works with any later X.*: the versioning policy (README).
write_basic_package_version_file("${PROJECT_BINARY_DIR}/linsweepConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/linsweepConfig.cmake" "${PROJECT_BINARY_DIR}/linsweepConfigVersion.cmake"
  DESTINATION ${LINSWEEP_CMAKE_DIR} COMPONENT linsweep)

# The .pc files find their prefix from their own place, so an installed tree can be moved.
file(RELATIVE_PATH LINSWEEP_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" LINSWEEP_PC_TO_PREFIX "${LINSWEEP_PC_TO_PREFIX}")
set(LINSWEEP_PC_OPENMP "${OpenMP_CXX_FLAGS}")
foreach(pc linsweep linsweep-static)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in" "${PROJECT_BINARY_DIR}/${pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${pc}.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    COMPONENT linsweep)
endforeach()

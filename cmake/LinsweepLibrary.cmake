# Included at the end of src/CMakeLists.txt, once the static target `linsweep` exists: the
# public-API boundary (generated version header, hidden visibility) and the shared library
# linsweep_shared, linked from the very same objects (the per-ISA kernel files included, so the
# kernels are still chosen at run time inside it).

# The version macros, from project(VERSION): the one place the version is written.
configure_file("${CMAKE_CURRENT_LIST_DIR}/version.h.in" "${PROJECT_BINARY_DIR}/include/linsweep/version.h" @ONLY)
target_include_directories(linsweep PUBLIC $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>)

# Only LINSWEEP_API declarations are visible outside the shared library. The static library
# shares the objects (it is position-independent already); hidden symbols link into programs
# as before.
set_target_properties(linsweep PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)

option(LINSWEEP_BUILD_SHARED "Build the shared library liblinsweep.so beside the static one" ON)
if(NOT LINSWEEP_BUILD_SHARED)
  return()
endif()

add_library(linsweep_shared SHARED $<TARGET_OBJECTS:linsweep> ${LINSWEEP_ISA_OBJECTS})
add_library(linsweep::linsweep_shared ALIAS linsweep_shared)
# liblinsweep.so.MAJOR.MINOR.PATCH, soname liblinsweep.so.MAJOR: the C ABI holds within a major.
set_target_properties(linsweep_shared PROPERTIES
  OUTPUT_NAME linsweep VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR} LINKER_LANGUAGE CXX)
target_include_directories(linsweep_shared PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_compile_features(linsweep_shared PUBLIC cxx_std_17)
# OpenMP is a dependency of the .so itself (libgomp), never of its users.
target_link_libraries(linsweep_shared PRIVATE OpenMP::OpenMP_CXX)
set(LINSWEEP_EXPORT_MAP "${CMAKE_CURRENT_LIST_DIR}/linsweep.map")
target_link_options(linsweep_shared PRIVATE "LINKER:--version-script=${LINSWEEP_EXPORT_MAP}" "LINKER:--no-undefined")
set_property(TARGET linsweep_shared APPEND PROPERTY LINK_DEPENDS "${LINSWEEP_EXPORT_MAP}")

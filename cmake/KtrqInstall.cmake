# SPDX-License-Identifier: BSD-2-Clause
#
# Install rules: headers, the ktrq_library() libraries (static and
# shared), their pkg-config files, the CMake package (ktrqConfig.cmake,
# ktrqConfigVersion.cmake, ktrqTargets.cmake with the ktrq:: names), the
# tools, man pages, LICENSE and docs.  `find P -type f` after
# `cmake --install build --prefix P` is listed in docs/install.md.
include(CMakePackageConfigHelpers)

set(KTRQ_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ktrq)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ktrq
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT dev FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/ktrq/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ktrq COMPONENT dev)

get_property(_ktrq_libs GLOBAL PROPERTY KTRQ_LIBRARIES)
install(TARGETS ${_ktrq_libs} EXPORT ktrqTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib
                NAMELINK_COMPONENT dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT lib
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ktrqTargets NAMESPACE ktrq:: FILE ktrqTargets.cmake
        DESTINATION ${KTRQ_CMAKEDIR} COMPONENT dev)

# Before 1.0 a minor release may change the API, so a request for 0.2
# accepts 0.2.x only; from 1.0 on, any later 1.x.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_ktrq_compat SameMinorVersion)
else()
  set(_ktrq_compat SameMajorVersion)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ktrqConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/ktrqConfig.cmake
  INSTALL_DESTINATION ${KTRQ_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/ktrqConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${_ktrq_compat})
install(FILES ${PROJECT_BINARY_DIR}/cmake/ktrqConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/ktrqConfigVersion.cmake
        DESTINATION ${KTRQ_CMAKEDIR} COMPONENT dev)

foreach(t ${_ktrq_libs})
  if(NOT t MATCHES "_shared$")
    install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${t}.pc
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
  endif()
endforeach()

# The tools: linked with the static libraries, so they run from any
# prefix without an rpath.
if(KTRQ_BUILD_TOOLS)
  foreach(t ktrq-dump ktrq-stress ktrq-sim)
    if(TARGET ${t})
      install(TARGETS ${t} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
              COMPONENT tools)
      install(FILES ${PROJECT_SOURCE_DIR}/man/${t}.1
              DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
    endif()
  endforeach()
endif()

install(FILES ${PROJECT_SOURCE_DIR}/man/libktrq.3
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man3 COMPONENT dev)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/NEWS.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT doc)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT doc
        FILES_MATCHING PATTERN "*.md" PATTERN "*.svg")

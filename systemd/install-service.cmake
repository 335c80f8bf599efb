# SPDX-License-Identifier: GPL-2.0-or-later
# Part of `cmake --install`: headroom-textfile.service with the paths of this install. The
# variables HEADROOM_* come from install(CODE) in CMakeLists.txt.
set(HEADROOM_LIBEXEC_DIR "${CMAKE_INSTALL_PREFIX}/${HEADROOM_LIBEXECDIR}/headroom")
set(HEADROOM_BIN_DIR "${CMAKE_INSTALL_PREFIX}/${HEADROOM_BINDIR}")
set(unit_dir "${HEADROOM_SYSTEMD_UNIT_DIR}")
if(NOT IS_ABSOLUTE "${unit_dir}")
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/${unit_dir}")
endif()
set(unit "$ENV{DESTDIR}${unit_dir}/headroom-textfile.service")
message(STATUS "Installing: ${unit}")
configure_file("${HEADROOM_SOURCE_DIR}/systemd/headroom-textfile.service.in" "${unit}" @ONLY)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${unit}")

# Read by cpack when it runs (CPACK_PROJECT_CONFIG_FILE): choices made per cpack run.
# $W2W_DEB_COMPRESSION: the .deb's compression (xz by default, the Debian archive's;
# gzip or none for a quick package in the tests).
if(DEFINED ENV{W2W_DEB_COMPRESSION} AND NOT "$ENV{W2W_DEB_COMPRESSION}" STREQUAL "")
  set(CPACK_DEBIAN_COMPRESSION_TYPE "$ENV{W2W_DEB_COMPRESSION}")
else()
  set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
endif()

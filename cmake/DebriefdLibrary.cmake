# debriefd_library(NAME FOLDER SOURCES...)
#
# Each top-level folder is one library. Its headers are reached as
# "FOLDER/..." through an include root that holds only that folder (a symlink
# in the build tree), so a library sees the folders it links and nothing else:
# a wrong include fails to compile instead of waiting for review.
function(debriefd_library name folder)
  set(root ${CMAKE_BINARY_DIR}/include-roots/${folder})
  if(NOT EXISTS ${root}/${folder})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${folder} ${root}/${folder} SYMBOLIC)
  endif()
  add_library(debriefd_${name} STATIC ${ARGN})
  target_include_directories(debriefd_${name} PUBLIC ${root})
  add_library(debriefd::${name} ALIAS debriefd_${name})
endfunction()

# Use ccache when it is installed: on two cores a warm cache turns a clean rebuild into seconds.
# base_dir = the source root, so paths are hashed relative to it, and no hash of the build folder
# (ccache adds it for -g builds), so a fresh clone in another folder (CI's) hits the cache a
# previous build filled. The price: debug info may name the folder of the build that filled it.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${CCACHE_PROGRAM})
endif()

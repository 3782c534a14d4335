# -DSHIFTSYNC_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
# `make test` runs the engine's tests in such a build (build-asan/) beside the normal one.
option(SHIFTSYNC_SANITIZE "Build with ASan + UBSan" OFF)
if(SHIFTSYNC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# -DSHIFTSYNC_TSAN=ON builds everything with ThreadSanitizer (clang-15: tools/setup/run-tsan-tests.sh,
# build-tsan/). `make test` runs there the tests labelled `threads`: those where the network thread
# hands work to a pool (cpu_pool, localaws's blocking pool and statement workers) and takes it back.
option(SHIFTSYNC_TSAN "Build with ThreadSanitizer" OFF)
if(SHIFTSYNC_TSAN)
  if(SHIFTSYNC_SANITIZE)
    message(FATAL_ERROR "SHIFTSYNC_TSAN and SHIFTSYNC_SANITIZE exclude each other (one build folder each)")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  # Asio's reference counts (executors, strands) drop with a release decrement and a standalone
  # acquire fence, and TSan does not model fences: every object freed by its last owner after
  # another thread's release is reported. Without std::atomic Asio counts with Boost's
  # atomic_count (acquire-release read-modify-writes), which TSan sees; nothing else changes.
  add_compile_definitions(BOOST_ASIO_DISABLE_STD_ATOMIC)
endif()

# shiftsync_threads_tests(targets...), in a tests/ folder: every test of the folder gets the label
# `threads` (a folder's label: gtest_discover_tests keeps only the first of its own LABELS), and the
# `threads_tests` target (tests/CMakeLists.txt) builds `targets`, the folder's test executables.
function(shiftsync_threads_tests)
  set_property(DIRECTORY APPEND PROPERTY LABELS threads)
  set_property(GLOBAL APPEND PROPERTY SHIFTSYNC_THREADS_TESTS ${ARGN})
endfunction()

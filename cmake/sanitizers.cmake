# -DSHIFTSYNC_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
# `make test` runs the engine's tests in such a build (build-asan/) beside the normal one.
option(SHIFTSYNC_SANITIZE "Build with ASan + UBSan" OFF)
if(SHIFTSYNC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

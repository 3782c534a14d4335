# shiftsync_warnings(target): the warning set every target of ours compiles with.
# -DSHIFTSYNC_WERROR=ON makes them errors: the clang build (build-clang/, `make test`) uses it.
option(SHIFTSYNC_WERROR "Treat warnings in our own targets as errors" OFF)
function(shiftsync_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> $<$<CXX_COMPILER_ID:Clang>:-Wshadow -Wshadow-uncaptured-local>
    $<$<BOOL:${SHIFTSYNC_WERROR}>:-Werror>)
endfunction()

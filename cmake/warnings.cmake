# shiftsync_warnings(target): the warning set every target of ours compiles with.
function(shiftsync_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wno-missing-field-initializers)
endfunction()

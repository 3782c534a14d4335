# shiftsync_sync_observe: the sync worker's metrics (sync_metrics, call_counter: no I/O) and its
# Prometheus endpoint (metrics_server: Beast, compiled through shiftsync::asio). Included from
# transfer/CMakeLists.txt, which keeps transfer/sync/ out of shiftsync_transfer's glob.
add_library(shiftsync_sync_observe STATIC
  ${CMAKE_CURRENT_LIST_DIR}/sync_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/call_counter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metrics_server.cpp)
add_library(shiftsync::sync_observe ALIAS shiftsync_sync_observe)
target_include_directories(shiftsync_sync_observe PUBLIC ${SHIFTSYNC_ROOT})
# aws/ for the call_observer interface; it brings engine/ (task groups) and shiftsync::asio.
target_link_libraries(shiftsync_sync_observe PUBLIC shiftsync::aws)
shiftsync_warnings(shiftsync_sync_observe)
# GCC 12's false positive on asio's recycled coroutine frames (see engine/CMakeLists.txt).
target_compile_options(shiftsync_sync_observe PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)

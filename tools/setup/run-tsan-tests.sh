#!/usr/bin/env bash
# The tests where the network thread hands work to other threads, under ThreadSanitizer: cpu_pool
# and the transfer layer's pools (checksums, compression, file reads and writes, libpq calls), and
# localaws's blocking pool and Data API statement workers. Configures build-tsan/ (clang-15,
# -DSHIFTSYNC_TSAN=ON), builds only the `threads_tests` target (the test executables of the folders
# that call shiftsync_threads_tests, and localaws, which the integration tests among them start:
# so the localaws they talk to is the TSan one too), runs `ctest -L threads`.
# Every process writes its reports into build-tsan/tsan-reports/ (a localaws's stderr is not always
# shown by the test that started it); any report there fails the run and is printed.
# Usage: tools/setup/run-tsan-tests.sh [build-dir]   (default: build-tsan)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-"$root/build-tsan"}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTSYNC_TSAN=ON \
  -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_C_COMPILER=clang-15 >/dev/null
echo "run-tsan-tests: building the threads tests with ThreadSanitizer in $build"
cmake --build "$build" --target threads_tests

reports="$build/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
options="log_path=$reports/report second_deadlock_stack=1 history_size=4"
symbolizer=/usr/lib/llvm-15/bin/llvm-symbolizer  # llvm-15 (install-deps.sh): reports with file:line
[ -x "$symbolizer" ] && options="$options external_symbolizer_path=$symbolizer"
export TSAN_OPTIONS="$options${TSAN_OPTIONS:+ $TSAN_OPTIONS}"

cd "$build"
status=0
ctest -L threads --output-on-failure --timeout 900 -j "$(nproc)" || status=$?
mapfile -t found < <(find "$reports" -type f | sort)
if [ ${#found[@]} -gt 0 ]; then
  echo "run-tsan-tests: ThreadSanitizer reported in ${#found[@]} process(es):"
  for f in "${found[@]}"; do
    echo "---- $f"
    head -80 "$f"
  done
  status=1
fi
exit $status

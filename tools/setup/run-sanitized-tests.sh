#!/usr/bin/env bash
# The engine's tests under AddressSanitizer + UndefinedBehaviorSanitizer: configure build-asan/
# with -DSHIFTSYNC_SANITIZE=ON, build only the engine's test targets, run `ctest -L engine`.
# Usage: tools/setup/run-sanitized-tests.sh [build-dir]   (default: build-asan)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-"$root/build-asan"}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTSYNC_SANITIZE=ON >/dev/null
# Every engine test executable (engine_*_tests), found from the build's own target list so a new
# test folder needs no change here.
mapfile -t targets < <(cmake --build "$build" --target help | sed -nE 's/^(engine_[a-z0-9_]*tests):.*/\1/p' | sort -u)
if [ ${#targets[@]} -eq 0 ]; then
  echo "run-sanitized-tests: no engine test targets found" >&2
  exit 1
fi
echo "run-sanitized-tests: building ${targets[*]} with ASan+UBSan in $build"
cmake --build "$build" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
exec ctest -L engine --output-on-failure --timeout 900 -j "$(nproc)"

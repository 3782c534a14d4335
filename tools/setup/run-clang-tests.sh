#!/usr/bin/env bash
# The second compiler: the whole tree built with clang-15 (and libstdc++, Debian's default) in
# build-clang/, warnings as errors (-DSHIFTSYNC_WERROR=ON; the warning set is cmake/warnings.cmake),
# then the tests of the layers below tools/: labels sigv4, engine, aws and transfer (unit and
# integration tests of the libraries, against the clang-built localaws), not the command-line suites
# (label cli), which take most of the suite's time and test tools/shiftsync, not the compiler.
# Then the same check as the main suite that no secret reached a test's output.
# Usage: tools/setup/run-clang-tests.sh [build-dir]   (default: build-clang)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-"$root/build-clang"}

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTSYNC_WERROR=ON \
  -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_C_COMPILER=clang-15 >/dev/null
echo "run-clang-tests: building everything with clang-15, warnings as errors, in $build"
cmake --build "$build"
cd "$build"
status=0
ctest -L '^(sigv4|engine|aws|transfer)$' -LE '^cli$' --output-on-failure --timeout 900 -j "$(nproc)" || status=$?
python3 "$root/tools/setup/check_no_secrets.py" Testing/Temporary/LastTest.log || status=1
exit $status

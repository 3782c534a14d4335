#!/usr/bin/env bash
# The test step of `make test`: first the engine's tests under ASan + UBSan (their own build in
# build-asan/), then every ctest test of the main build, with output on failure. ctest's summary of
# the main build is the last thing printed.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/tools/setup/run-sanitized-tests.sh" "$root/build-asan"
cd "$build"
exec ctest --output-on-failure --timeout 1500 -j "$(nproc)"

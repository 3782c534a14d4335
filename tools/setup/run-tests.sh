#!/usr/bin/env bash
# The test step of `make test`: every ctest test of the main build, with output on failure.
set -euo pipefail
build=${1:-build}
cd "$build"
exec ctest --output-on-failure --timeout 1500 -j "$(nproc)"

#!/usr/bin/env bash
# Signing benchmarks: Google Benchmark micro-benchmarks on one core, then shiftsync vs botocore.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "== sigv4: signatures per second, one core, signing key cached"
taskset -c 0 "$build/bin/sigv4_bench" --benchmark_min_time=1
echo
echo "== sigv4: shiftsync vs botocore on the same requests (one core each)"
taskset -c 0 python3 "$here/compare_botocore.py" --batch "$build/bin/sigv4_batch"

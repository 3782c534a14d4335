#!/usr/bin/env bash
# `shiftsync cp` vs `aws s3 cp` (AWS CLI v1, defaults) and rclone (defaults, then tuned) in the same
# run, against one localaws shaped like S3 (40 MB/s per connection, 20 ms before each S3 answer):
# 1 GiB up and down, 2,000 x 256 KiB up and down (recursive), every transfer checked by sha256, beside
# localaws's own uncapped throughput. SHIFTSYNC_BENCH_QUICK=1 (or `run.sh BUILD --quick`) for a smoke run.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
extra=("$@")
if [ "${SHIFTSYNC_BENCH_QUICK:-0}" = 1 ]; then extra+=(--quick); fi
python3 "$here/transfer_bench.py" --build "$build" "${extra[@]}"

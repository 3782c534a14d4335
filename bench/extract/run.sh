#!/usr/bin/env bash
# `shiftsync extract` vs the database's own COPY through psql (the UNLOAD path, 5 M rows) and vs a boto3
# Data API loop (the data-api path, 200,000 rows), in one run against one localaws. Rows/s, seconds per
# phase and peak RSS. SHIFTSYNC_BENCH_QUICK=1 (or `run.sh BUILD --quick`) for a smoke run.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
extra=("$@")
if [ "${SHIFTSYNC_BENCH_QUICK:-0}" = 1 ]; then extra+=(--quick); fi
python3 "$here/extract_bench.py" --build "$build" "${extra[@]}"

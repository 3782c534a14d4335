#!/usr/bin/env bash
# `shiftsync load` vs PostgreSQL's own COPY FROM STDIN through psql, 5 M rows from one CSV file into a
# localaws table (append), then an upsert of 1 M rows into the 5 M-row table. Rows/s per phase and
# peak RSS. SHIFTSYNC_BENCH_QUICK=1 (or `run.sh BUILD --quick`) for a smoke run.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
extra=("$@")
if [ "${SHIFTSYNC_BENCH_QUICK:-0}" = 1 ]; then extra+=(--quick); fi
python3 "$here/load_bench.py" --build "$build" "${extra[@]}"

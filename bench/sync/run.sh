#!/usr/bin/env bash
# `shiftsync sync` with 8 streams, PostgreSQL → Redshift (localaws) and back, at max_parallel_streams
# 1, 2, 4 and 8: rows/s, how busy both cores were, CPU per row of shiftsync, PostgreSQL and localaws,
# and where each stream's time went. SHIFTSYNC_BENCH_QUICK=1 (or `run.sh BUILD --quick`) for a smoke run.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
extra=("$@")
if [ "${SHIFTSYNC_BENCH_QUICK:-0}" = 1 ]; then extra+=(--quick); fi
python3 "$here/sync_bench.py" --build "$build" "${extra[@]}"

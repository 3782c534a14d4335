#!/usr/bin/env bash
# `shiftsync sync` with 8 streams, PostgreSQL → Redshift (localaws) and back, at max_parallel_streams
# 1, 2, 4 and 8: rows/s, how busy both cores were, CPU per row of shiftsync, PostgreSQL and localaws,
# and where each stream's time went; passes of more than 2 streams also with 2 at a time doing bulk
# work (max_concurrent_loads / max_concurrent_unloads: --limits). SHIFTSYNC_BENCH_QUICK=1 (or
# `run.sh BUILD --quick`) for a smoke run; --rounds N for medians of N.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
here=$(cd "$(dirname "$0")" && pwd)
extra=("$@")
if [ "${SHIFTSYNC_BENCH_QUICK:-0}" = 1 ]; then extra+=(--quick); fi
python3 "$here/sync_bench.py" --build "$build" "${extra[@]}"

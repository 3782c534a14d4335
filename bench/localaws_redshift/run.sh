#!/usr/bin/env bash
# UNLOAD (to gzip CSV) and COPY (from gzip CSV) rows/s beside PostgreSQL's own COPY, same data, same run.
set -euo pipefail
build=${1:-build}
rows=${SHIFTSYNC_BENCH_ROWS:-5000000}
echo "== localaws Redshift: UNLOAD / COPY vs PostgreSQL COPY, ${rows} rows"
"$build/bin/localaws_redshift_bench" "$rows"

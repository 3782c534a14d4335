#!/usr/bin/env bash
# localaws vs nginx in the same run: one 1 GiB GET to curl (GB/s) and small signed GETs/s with wrk.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
echo "== localaws: 1 GiB GET to curl and small signed GETs with wrk, beside nginx"
python3 "$here/bench_localaws.py" --localaws "$build/bin/localaws"

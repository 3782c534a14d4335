#!/usr/bin/env bash
# `make bench`: every area's benchmark (bench/<area>/run.sh), each printing ratios against a peer
# measured in the same run. Benchmarks, not tests: they assert nothing.
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
status=0
for script in "$here"/*/run.sh; do
  [ -x "$script" ] || continue
  echo "######## $(basename "$(dirname "$script")")"
  "$script" "$build" || { echo "benchmark $(dirname "$script") failed"; status=1; }
  echo
done
exit $status

#!/usr/bin/env bash
# Builds the libFuzzer fuzzers (build-fuzz/, clang-15, -DSHIFTSYNC_FUZZ=ON) and runs them.
#   run-fuzzers.sh regress            each fuzzer over its corpus once (make test): a crash found
#                                     once stays found
#   run-fuzzers.sh fuzz [SECONDS]     each fuzzer SECONDS (default 60) from its corpus, with its
#                                     dictionary; writes executions/s and coverage (edges) at the
#                                     start and the end into tests/fuzz/README.md (make fuzz)
# The fuzzing run works on a copy of the corpus (tests/fuzz/corpus/ keeps only the seeds written by
# hand and the inputs of crashes fixed); a crash leaves its input in build-fuzz/crashes/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=${1:-regress}
seconds=${2:-60}
build=${SHIFTSYNC_FUZZ_BUILD:-$root/build-fuzz}
here=$root/tests/fuzz

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTSYNC_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_C_COMPILER=clang-15 >/dev/null
cmake --build "$build" >/dev/null
mapfile -t fuzzers < <(cd "$build/bin" && ls -1 ./*_fuzzer | sed 's|^\./||; s|_fuzzer$||' | sort)
[ ${#fuzzers[@]} -gt 0 ] || { echo "run-fuzzers: no fuzzers built in $build" >&2; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ "$mode" = regress ]; then
  status=0
  for f in "${fuzzers[@]}"; do
    files=("$here/corpus/$f"/*)
    if "$build/bin/${f}_fuzzer" "${files[@]}" >"$build/$f.regress.log" 2>&1; then
      echo "fuzz regress: $f ok (${#files[@]} inputs)"
    else
      echo "fuzz regress: $f FAILED on its corpus (log: $build/$f.regress.log)"
      tail -30 "$build/$f.regress.log"
      status=1
    fi
  done
  exit $status
fi

[ "$mode" = fuzz ] || { echo "usage: run-fuzzers.sh regress | fuzz [SECONDS]" >&2; exit 2; }
mkdir -p "$build/crashes"
report=$(mktemp)
status=0
printf '| fuzzer | seconds | execs/s | edges at start | edges at end | corpus at end | result |\n' >>"$report"
printf '| --- | --- | --- | --- | --- | --- | --- |\n' >>"$report"
for f in "${fuzzers[@]}"; do
  work="$build/corpus-run/$f"
  mkdir -p "$work"
  cp -n "$here/corpus/$f"/* "$work/" 2>/dev/null || true
  dict=()
  [ -f "$here/$f.dict" ] && dict=(-dict="$here/$f.dict")
  log="$build/$f.fuzz.log"
  result=ok
  "$build/bin/${f}_fuzzer" "$work" "${dict[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$f-" >"$log" 2>&1 || { result="CRASH (see $log)"; status=1; }
  start=$(grep -m1 'INITED' "$log" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
  end=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
  corp=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -nE 's/.*corp: ([0-9]+)\/.*/\1/p')
  execs=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  echo "fuzz: $f ${seconds}s: ${execs:-?} execs/s, edges ${start:-?} -> ${end:-?}, $result"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$f" "$seconds" "${execs:-?}" "${start:-?}" "${end:-?}" "${corp:-?}" "$result" >>"$report"
done

# The report replaces the one between the markers in tests/fuzz/README.md.
python3 - "$here/README.md" "$report" "$(date -u +%Y-%m-%d) on $(nproc) cores" <<'PY'
import sys
readme, table, when = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
text = open(readme).read()
begin, end = "<!-- fuzz report begin -->", "<!-- fuzz report end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(readme, "w").write(head + begin + "\nLast `make fuzz` (" + when + "):\n\n" + table + end + tail)
PY
rm -f "$report"
exit $status

#!/usr/bin/env bash
# make fuzz-selftest: proof that the fuzzers find real bugs. Each selftest/<fuzzer>.patch plants a
# bug in the parser that fuzzer drives (an unchecked optional, an off-by-one in a length check, a
# missing bounds check); the patch is applied in a scratch copy of the tree, the fuzzers are built
# there, and the fuzzer must crash within the limit (60 s), starting from its checked-in corpus.
# Never in `make test`: it runs a fuzzer for up to a minute per patch.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
limit=${FUZZ_SELFTEST_SECONDS:-60}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The tree as it is now, committed or not, without build folders.
mkdir "$scratch/base"
(cd "$root" && git ls-files -co --exclude-standard -z | grep -zv '^build' | xargs -0 cp --parents -t "$scratch/base")
status=0
for patch in "$root"/tests/fuzz/selftest/*.patch; do
  fuzzer=$(basename "$patch" .patch)
  copy="$scratch/tree-$fuzzer"
  cp -r "$scratch/base" "$copy"
  (cd "$copy" && patch -p1 --quiet <"$patch")
  build="$copy/build-fuzz"
  cmake -S "$copy" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTSYNC_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_C_COMPILER=clang-15 >/dev/null
  cmake --build "$build" --target "${fuzzer}_fuzzer" >/dev/null
  work="$build/corpus-run"
  mkdir -p "$work" && cp "$root/tests/fuzz/corpus/$fuzzer"/* "$work/"
  dict=()
  [ -f "$root/tests/fuzz/$fuzzer.dict" ] && dict=(-dict="$root/tests/fuzz/$fuzzer.dict")
  began=$(date +%s)
  if "$build/bin/${fuzzer}_fuzzer" "$work" "${dict[@]}" -max_total_time="$limit" \
       -artifact_prefix="$build/" >"$build/selftest.log" 2>&1; then
    echo "fuzz-selftest: $fuzzer did NOT find the bug planted by $(basename "$patch") in ${limit}s"
    status=1
  elif ls "$build"/crash-* >/dev/null 2>&1; then
    what=$(grep -m1 -oE 'ERROR: [A-Za-z]+: [a-z-]+|Assertion .* failed|runtime error: .*' "$build/selftest.log" | head -1)
    echo "fuzz-selftest: $fuzzer found the bug planted by $(basename "$patch") in $(( $(date +%s) - began ))s: ${what:-crash}"
  else
    echo "fuzz-selftest: $fuzzer failed without a crash input (log below)"
    tail -20 "$build/selftest.log"
    status=1
  fi
done
exit $status

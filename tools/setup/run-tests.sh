#!/usr/bin/env bash
# The test step of `make test`: first the GCC 12 coroutine-hazard check over every coroutine in the
# tree (tools/checks/coroutine_hazards.py, on the build's compile_commands.json), the fuzzers over
# their corpora (tests/fuzz/run-fuzzers.sh regress), then the engine's
# tests under ASan + UBSan (their own build in build-asan/), then every ctest test of the main build,
# with output on failure, then a check that no secret (secret key, session token, Authorization
# header, signature) reached the output of any test (ctest's log of the whole suite). Then the
# second compiler: the whole tree with clang-15, warnings as errors, and the tests of the layers
# below tools/ (build-clang/, run-clang-tests.sh); and the tests where the network thread meets
# the pools under ThreadSanitizer (build-tsan/, run-tsan-tests.sh). Those run after the main suite,
# one after the other, so their servers never share the machine with its. A failure anywhere fails
# the whole, but every part runs.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
/usr/bin/python3 "$root/tools/checks/coroutine_hazards.py" --build "$build" --root "$root"
# The parsers' fuzzers (clang-15, build-fuzz/), each over its corpus once: a crash found once stays
# found. A cold build of build-fuzz (15 fuzzers) takes one to two minutes on two cores shared with
# other builds (ccache off; the first eight took under a minute), the run a few seconds.
"$root/tests/fuzz/run-fuzzers.sh" regress
"$root/tools/setup/run-sanitized-tests.sh" "$root/build-asan"
status=0
(
  cd "$build"
  suite=0
  ctest --output-on-failure --timeout 1500 -j "$(nproc)" || suite=$?
  python3 "$root/tools/setup/check_no_secrets.py" Testing/Temporary/LastTest.log || suite=1
  exit $suite
) || status=1
"$root/tools/setup/run-clang-tests.sh" "$root/build-clang" || status=1
"$root/tools/setup/run-tsan-tests.sh" "$root/build-tsan" || status=1
exit $status

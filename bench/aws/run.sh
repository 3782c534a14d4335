#!/usr/bin/env bash
# Data API pipelining: shiftsync vs boto3 (32 threads) on the same 2,000 statements (`select :n`)
# with 50 ms of statement latency added by localaws (its StatementStarted fault rule holds each
# statement 50 ms before running it), against one localaws, twice: without quotas, then with the
# published per-account quotas (ExecuteStatement 30/s, DescribeStatement 100/s, GetStatementResult 20/s).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
statements=${SHIFTSYNC_BENCH_STATEMENTS:-2000}
work=$(mktemp -d /tmp/shiftsync-bench-aws-XXXXXX)
chmod 755 "$work"
"$build/bin/localaws" --port 0 --data-dir "$work/data" > "$work/out" 2> "$work/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do grep -q '^ready ' "$work/out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^ready //p' "$work/out")

# run_pair LABEL on|off DEPTH...: shiftsync once per pipeline depth (statements in flight), then boto3.
run_pair() {
  local label=$1 limits=$2
  shift 2
  local ours=() depth theirs
  for depth in "$@"; do
    ours+=("$("$build/bin/data_api_bench" --endpoint "$endpoint" --statements "$statements" --concurrency "$depth" --quota-limits "$limits" | sed "s/\"client\":\"shiftsync\"/\"client\":\"shiftsync\/$depth\"/")")
  done
  theirs=$(python3 "$here/boto3_data_api.py" --endpoint "$endpoint" --statements "$statements")
  python3 - "$label" "$theirs" "${ours[@]}" <<'PY'
import json, sys
label, theirs, ours_rows = sys.argv[1], json.loads(sys.argv[2]), [json.loads(a) for a in sys.argv[3:]]
print(f"-- {label}")
print(f"{'client':14} {'stmts/s':>9} {'describe/stmt':>14} {'detect p50 ms':>14} {'p99 ms':>8} {'failed':>7} {'throttled':>9}")
for r in ours_rows + [theirs]:
    print(f"{r['client']:14} {r['per_second']:9.1f} {r['describe_per_statement']:14.2f} {r['detect_p50_ms']:14.1f} "
          f"{r['detect_p99_ms']:8.1f} {r['failed']:7d} {str(r.get('throttled', '-')):>9}")
for ours in ours_rows:
    print(f"{ours['client']} vs boto3: {ours['per_second'] / theirs['per_second']:.2f}x statements/s, "
          f"{ours['describe_per_statement'] / theirs['describe_per_statement']:.2f}x DescribeStatement calls per statement")
    if label.startswith("published"):
        print(f"{ours['client']} at {100 * ours['per_second'] / 20:.0f}% of the GetStatementResult quota (20/s), "
              f"{ours['throttled']} ThrottlingException(s)")
PY
}

latency='{"service":"redshift-data","operation":"StatementStarted","latency_ms":50}'
set_faults() { curl -sf -X PUT "$endpoint/_localaws/faults" -H 'Content-Type: application/json' -d "[$1]" >/dev/null; }
set_faults "$latency"

echo "== Data API pipelining: ${statements} statements (select :n) with 50 ms added latency, shiftsync vs boto3 (32 threads)"
# Warm-up, not measured: PostgreSQL starts on the first Data API call and its connections open on
# first use; whoever ran first would pay for both.
"$build/bin/data_api_bench" --endpoint "$endpoint" --statements 300 --concurrency 64 --quota-limits off >/dev/null
# 64 in flight matches localaws's 64 statement workers; 100 oversubscribes them, so statements queue
# and their run times spread (more throughput, a few more looks).
run_pair "no quotas (shiftsync told so: --quota-limits off)" off 64 100
set_faults "$latency,
  {\"service\":\"redshift-data\",\"operation\":\"ExecuteStatement\",\"quota_per_second\":30},
  {\"service\":\"redshift-data\",\"operation\":\"DescribeStatement\",\"quota_per_second\":100},
  {\"service\":\"redshift-data\",\"operation\":\"GetStatementResult\",\"quota_per_second\":20}"
run_pair "published quotas (GetStatementResult 20/s bounds both; shiftsync aims at 95% of each)" on 100

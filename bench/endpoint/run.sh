#!/usr/bin/env bash
# The workgroup endpoint (PostgreSQL protocol) in one run: 10,000 `select $1::int` over 1 and over 8
# connections, shiftsync pipelined (engine/pg, K statements in flight per connection) vs pgbench
# (-M extended, a custom script, same connection counts, without and with \startpipeline), against
#   (a) localaws's endpoint (TLS, verify-full, a GetCredentials password: what users hit), and
#   (b) a plain PostgreSQL 15 started here (loopback, trust, no TLS: the clients' own overhead);
# then `select 1` latency p50/p99, one at a time, on the endpoint vs through the Data API.
# A benchmark, not a test: it asserts nothing (but a wrong answer to any statement fails the run).
# Peers run alternately, ROUNDS times, and the medians are compared.
# Usage: bench/endpoint/run.sh [build-dir]
#   env: STATEMENTS=10000 ROUNDS=11 DEPTH=50 (shiftsync's statements in flight per connection)
#        BATCH=50 (statements per pgbench \startpipeline … \endpipeline, and per shiftsync batch)
#        BATCHES_IN_FLIGHT=4 (shiftsync batches in flight per connection) LATENCY_RUNS=200
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
statements=${STATEMENTS:-10000}
rounds=${ROUNDS:-11}
depth=${DEPTH:-50}
batch=${BATCH:-50}
batches_in_flight=${BATCHES_IN_FLIGHT:-4}
latency_runs=${LATENCY_RUNS:-200}
pg_bin=/usr/lib/postgresql/15/bin
pgbench=$(command -v pgbench || echo "$pg_bin/pgbench")
driver="$build/bin/endpoint_bench"
[ -x "$driver" ] && [ -x "$build/bin/localaws" ] || cmake --build "$build" --target endpoint_bench localaws

work=$(mktemp -d /tmp/shiftsync-bench-endpoint-XXXXXX)
chmod 755 "$work"  # localaws's and our PostgreSQL run as `postgres` when we are root
la_pid=
pg_started=
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "$la_pid" ]; then kill "$la_pid" 2>/dev/null; wait "$la_pid" 2>/dev/null || true; fi
  if [ -n "$pg_started" ]; then as_postgres "$pg_bin/pg_ctl" stop -w -m fast -D "$work/pg/data" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# (b) a plain PostgreSQL 15: loopback, trust, no TLS.
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
pg_port=$(free_port)
as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
cat >> "$work/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/pg'
fsync = off
CONF
as_postgres "$pg_bin/pg_ctl" start -w -t 60 -D "$work/pg/data" -l "$work/pg/log" >/dev/null
pg_started=1

# (a) localaws, on free ports with its own data dir; its endpoint is the line after `ready`.
"$build/bin/localaws" --port 0 --data-dir "$work/la" > "$work/la.out" 2> "$work/la.err" &
la_pid=$!
for _ in $(seq 1 300); do grep -q '^postgres ' "$work/la.out" && break; sleep 0.1; done
aws_url=$(sed -n 's/^ready //p' "$work/la.out")
read -r ep_address ep_ca < <(sed -n 's/^postgres //p' "$work/la.out")
ep_ca=${ep_ca#ca=}
[ -n "$aws_url" ] && [ -n "$ep_address" ] || { echo "localaws did not start:"; cat "$work/la.err"; exit 1; }
ep_host=${ep_address%:*}
ep_port=${ep_address##*:}
# One GetCredentials for the whole run (localaws keeps one password per role: a second call would
# change the password pgbench connects with). The password stays in a 0600 file and the environment.
ep_user=$("$driver" credentials --aws "$aws_url" --out "$work/credentials")
ep_password=$(sed -n 2p "$work/credentials")

# pgbench's scripts: one statement per transaction, and BATCH statements per pipeline.
printf '\\set i random(1, 1000000)\nselect :i::int;\n' > "$work/plain.sql"
{ echo '\startpipeline'
  for _ in $(seq "$batch"); do printf '\\set i random(1, 1000000)\nselect :i::int;\n'; done
  echo '\endpipeline'; } > "$work/pipeline.sql"

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# pgbench_rate SCRIPT STATEMENTS_PER_TRANSACTION CLIENTS [THREADS]: statements/s (tps without
# connection time × statements per transaction). Threads default to one per client.
pgbench_rate() {
  local script=$1 per=$2 clients=$3 threads=${4:-$3} out
  out=$("$pgbench" -n -M extended -f "$script" -t $((statements / per / clients)) -c "$clients" -j "$threads" 2>&1) ||
    { echo "pgbench failed: $out" >&2; return 1; }
  grep -q 'number of failed transactions: 0 ' <<< "$out" || { echo "pgbench had failures: $out" >&2; return 1; }
  awk -v per="$per" '/^tps = / {printf "%.0f\n", $3 * per}' <<< "$out"
}

# shiftsync_rate statement|burst|batch CLIENTS: statements/s of engine/pg with a Sync per statement,
# per burst (sync_mode::per_burst), or per batch of BATCH (async_execute_batch, BATCHES_IN_FLIGHT each).
shiftsync_rate() {
  local line in_flight=$depth
  [ "$1" = batch ] && in_flight=$batches_in_flight
  line=$("$driver" throughput --host "$PGHOST" --port "$PGPORT" --dbname "$PGDATABASE" --user "$PGUSER" \
           ${PGSSLROOTCERT:+--sslrootcert "$PGSSLROOTCERT"} --statements "$statements" --connections "$2" \
           --depth "$in_flight" --sync "$1" --batch "$batch")
  python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['per_second']))" "$line"
}

# measure CASE CLIENTS: sets the PG* environment for pgbench beforehand.
rows=()
measure() {
  local label=$1 clients=$2 ours=() burst=() batched=() plain=() piped=() piped1=()
  (( statements % (batch * clients) == 0 )) || { echo "STATEMENTS must be a multiple of BATCH x connections" >&2; exit 1; }
  for round in $(seq "$rounds"); do
    ours+=("$(shiftsync_rate statement "$clients")")
    burst+=("$(shiftsync_rate burst "$clients")")
    batched+=("$(shiftsync_rate batch "$clients")")
    plain+=("$(pgbench_rate "$work/plain.sql" 1 "$clients")")
    piped+=("$(pgbench_rate "$work/pipeline.sql" "$batch" "$clients")")
    if (( clients > 1 )); then piped1+=("$(pgbench_rate "$work/pipeline.sql" "$batch" "$clients" 1)"); else piped1+=("${piped[-1]}"); fi
    echo "  $label, $clients connection(s), round $round: shiftsync ${ours[-1]} (Sync per statement)," \
         "${burst[-1]} (per burst), ${batched[-1]} (batches); pgbench ${plain[-1]}, pipelined ${piped[-1]} (-j 1: ${piped1[-1]}) statements/s"
  done
  local m=()
  for series in ours burst batched plain piped piped1; do
    local -n values=$series
    m+=("$(printf '%s\n' "${values[@]}" | median)")
  done
  rows+=("$label|$clients|${m[0]}|${m[1]}|${m[2]}|${m[3]}|${m[4]}|${m[5]}")
}

echo "== endpoint: $statements x select \$1::int, shiftsync ($depth in flight per connection, or $batches_in_flight batches of $batch) vs pgbench -M extended" \
     "(without, and with \\startpipeline, $batch per pipeline); $rounds alternating rounds, medians"
(
  export PGHOST=$ep_host PGPORT=$ep_port PGDATABASE=dev PGUSER=$ep_user PGPASSWORD=$ep_password
  export PGSSLMODE=verify-full PGSSLROOTCERT=$ep_ca
  for clients in 1 8; do measure "localaws endpoint, TLS" "$clients"; done
  printf '%s\n' "${rows[@]}" > "$work/rows-a"
)
(
  export PGHOST=127.0.0.1 PGPORT=$pg_port PGDATABASE=postgres PGUSER=postgres
  unset PGPASSWORD PGSSLMODE PGSSLROOTCERT
  for clients in 1 8; do measure "plain PostgreSQL 15" "$clients"; done
  printf '%s\n' "${rows[@]}" > "$work/rows-b"
)

echo "== latency: select 1, one at a time, $latency_runs runs after 20 of warm-up: endpoint vs Data API"
latency=$(PGPASSWORD=$ep_password "$driver" latency --aws "$aws_url" --host "$ep_host" --port "$ep_port" --dbname dev \
            --user "$ep_user" --sslrootcert "$ep_ca" --runs "$latency_runs" --warmup 20)

python3 - "$latency" "$work/rows-a" "$work/rows-b" <<'PY'
import json, sys
latency = json.loads(sys.argv[1])
rows = [l.split("|") for f in sys.argv[2:] for l in open(f).read().split("\n") if l]
print()
print("statements/s. shiftsync: a Sync per statement (engine/pg's default: each statement its own transaction),")
print("one Sync per burst (sync_mode::per_burst), and batches (async_execute_batch: one Sync per batch, as pgbench's")
print("\\startpipeline, several batches in flight per connection); pgbench without and with \\startpipeline")
print(f"{'case':23} {'conns':>5} {'shiftsync':>9} {'per burst':>9} {'batches':>9} {'pgbench':>8} {'pgb pipe':>9} {'pipe -j1':>9} "
      f"{'batch/pipe':>10} {'batch/-j1':>9} {'burst/pipe':>10} {'stmt/pgb':>8}")
met = True
for label, conns, ours, burst, batched, plain, piped, piped1 in rows:
    ours, burst, batched, plain, piped, piped1 = map(float, (ours, burst, batched, plain, piped, piped1))
    met &= batched >= piped
    print(f"{label:23} {conns:>5} {ours:9.0f} {burst:9.0f} {batched:9.0f} {plain:8.0f} {piped:9.0f} {piped1:9.0f} "
          f"{batched / piped:9.2f}x {batched / piped1:8.2f}x {burst / piped:9.2f}x {ours / plain:7.2f}x")
print("(pgb pipe: pgbench -j <connections>, one thread per connection; pipe -j1: one thread, as shiftsync's one")
print(" network thread; stmt/pgb: Sync per statement vs pgbench without pipelining — both a transaction per statement)")
e50, e99, d50, d99 = (latency[k] for k in ("endpoint_p50_ms", "endpoint_p99_ms", "data_api_p50_ms", "data_api_p99_ms"))
print()
print(f"{'select 1 latency':26} {'p50 ms':>9} {'p99 ms':>9}")
print(f"{'endpoint (TLS)':26} {e50:9.3f} {e99:9.3f}")
print(f"{'Data API':26} {d50:9.3f} {d99:9.3f}")
print(f"{'endpoint / Data API':26} {e50 / d50:9.4f} {e99 / d99:9.4f}   (Data API is {d50 / e50:.0f}x slower at p50)")
print()
print(f"goal: shiftsync >= 1.0x pgbench's statements/s, pipelining on both sides (batches vs \\startpipeline): "
      f"{'met' if met else 'NOT met'} in every case")
print(f"goal: endpoint p50 <= 1/20 of the Data API's: {'met' if e50 * 20 <= d50 else 'NOT met'}")
PY

#!/usr/bin/env bash
# `make demo`: shiftsync as a sync worker, end to end on this machine. localaws plays AWS (S3, STS with
# the connector guide's IAM policies, Redshift Serverless and the Data API on a private PostgreSQL);
# a second PostgreSQL plays the application's database. One config, three streams:
#   app DB → Redshift (incremental upsert), Redshift → local NDJSON files (incremental),
#   Redshift → app DB (full refresh).
# A first run moves everything; then the application changes a few rows, and a second run moves
# only those. Everything runs as the guide says: the operator's keys assume the customer's role.
set -euo pipefail
build=${1:-build}
bin="$(cd "$build/bin" && pwd)"
work=$(mktemp -d /tmp/shiftsync-demo-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own OS user and must reach its data dir
localaws_pid=""
pg_bin=/usr/lib/postgresql/15/bin
as_pg=()
if [ "$(id -u)" -eq 0 ]; then as_pg=(/usr/sbin/runuser -u postgres --); fi
cleanup() {
  if [ -d "$work/app/data" ]; then "${as_pg[@]}" "$pg_bin/pg_ctl" stop -m fast -D "$work/app/data" >/dev/null 2>&1 || true; fi
  if [ -n "$localaws_pid" ]; then kill "$localaws_pid" 2>/dev/null || true; wait "$localaws_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

step "starting localaws (first start creates its PostgreSQL cluster)"
"$bin/localaws" --port 0 --data-dir "$work/localaws" > "$work/localaws.out" 2> "$work/localaws.err" &
localaws_pid=$!
for _ in $(seq 1 600); do  # up to 60 s: the first start runs initdb
  grep -q '^ready ' "$work/localaws.out" 2>/dev/null && break
  kill -0 "$localaws_pid" 2>/dev/null || { echo "localaws failed to start:"; cat "$work/localaws.err"; exit 1; }
  sleep 0.1
done
endpoint=$(sed -n 's/^ready //p' "$work/localaws.out")
[ -n "$endpoint" ] || { echo "localaws did not become ready:"; cat "$work/localaws.err"; exit 1; }
echo "localaws at $endpoint"

step "starting the application's PostgreSQL (pg_ctl, a free loopback port)"
app_port=$(free_port)
mkdir -p "$work/app"
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$work/app"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/app/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" start -w -D "$work/app/data" -l "$work/app/log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$app_port -c unix_socket_directories='$work/app' -c fsync=off -c timezone=UTC" >/dev/null
app() { psql -X -q -h 127.0.0.1 -p "$app_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
app -c "create table customers (id int primary key, name text, tier text, updated_at timestamp not null)"
app -c "insert into customers select g, 'customer ' || g, (array['free','pro','team'])[g % 3 + 1],
        timestamp '2026-11-01' + g * interval '1 minute' from generate_series(1, 5000) g"
echo "app database at 127.0.0.1:$app_port with 5,000 customers"

# The operator's own identity, as in the guide; everything else goes through the customer's role.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_EC2_METADATA_DISABLED=true APP_DB_PASSWORD=unused-with-trust-auth
connect=(--region us-east-1 --endpoint-url "$endpoint" --workgroup default-workgroup --database dev
         --role-arn arn:aws:iam::111122223333:role/shiftsync-connector
         --external-id a1efa791-4530-43a0-962d-74e2ccf18309)
"$bin/shiftsync" query "create table public.plans (tier varchar(16), seats int, price numeric(8,2), changed_at timestamp)" "${connect[@]}" >/dev/null
"$bin/shiftsync" query "insert into public.plans values ('free', 1, 0, '2026-11-01'), ('pro', 5, 49.00, '2026-11-01'), ('team', 50, 399.00, '2026-11-01')" "${connect[@]}" >/dev/null

cat > "$work/sync.yaml" <<YAML
connections:
  warehouse:
    type: redshift
    workgroup: default-workgroup
    database: dev
    region: us-east-1
    endpoint_url: $endpoint
    role_arn: arn:aws:iam::111122223333:role/shiftsync-connector
    external_id: a1efa791-4530-43a0-962d-74e2ccf18309
    staging: s3://unload-example/sync-staging/
  app:
    type: postgres
    dsn: host=127.0.0.1 port=$app_port dbname=postgres user=postgres password=\${APP_DB_PASSWORD}
  lake:
    type: local
    directory: $work/lake
streams:
  - name: customers_to_warehouse
    source: {connection: app, table: public.customers}
    destination: {connection: warehouse, table: public.customers}
    mode: incremental
    cursor: updated_at
    lookback: 5m
    primary_key: [id]
    write: upsert
  - name: plans_to_app
    source: {connection: warehouse, table: public.plans}
    destination: {connection: app, table: public.plans}
    mode: full_refresh
    write: replace
  - name: customers_to_lake
    source: {connection: warehouse, sql: "select id, name, tier, updated_at from public.customers"}
    destination: {connection: lake, path: customers, format: ndjson}
    mode: incremental
    cursor: updated_at
    primary_key: [id]
YAML
step "the config (secrets come from the environment: \${APP_DB_PASSWORD} is never printed)"
sed -n '/^streams:/,$p' "$work/sync.yaml"

sync=("$bin/shiftsync" sync --config "$work/sync.yaml" --state "$work/state.db" --progress always)
step "first run: every row (the lake stream runs in a second pass, once the warehouse has the customers)"
"${sync[@]}" --stream customers_to_warehouse --stream plans_to_app
"${sync[@]}" --stream customers_to_lake

step "the application changes: 3 customers upgraded, 2 new ones"
app -c "update customers set tier = 'team', updated_at = timestamp '2026-12-01 09:00' where id in (7, 8, 9)"
app -c "insert into customers values (5001, 'new customer 5001', 'free', timestamp '2026-12-01 09:00'),
                                     (5002, 'new customer 5002', 'pro', timestamp '2026-12-01 09:01')"

step "second run: only what changed since the cursor (the 5-minute lookback is read again and merged away by the upsert; the lake drops rows it already published)"
"${sync[@]}" --stream customers_to_warehouse --stream plans_to_app
"${sync[@]}" --stream customers_to_lake

step "the result, in the warehouse (through the Data API) and in the lake"
"$bin/shiftsync" query "select tier, count(*) as customers from public.customers group by tier order by tier" --format table "${connect[@]}"
"$bin/shiftsync" query "select * from shiftsync.shiftsync_state order by stream" --format table "${connect[@]}"
# Runs in the order they published (their _SUCCESS.json), oldest first.
for success in $(ls -tr "$work"/lake/customers/*/_SUCCESS.json); do
  run=$(dirname "$success")
  printf 'lake run %s: %s rows\n' "$(basename "$run")" "$(cat "$run"/part-* | wc -l)"
done
echo "the last lake run holds:"; cat "$(dirname "$(ls -t "$work"/lake/customers/*/_SUCCESS.json | head -1)")"/part-*

step "the result in the app database (psql): the plans it got from the warehouse, and the state shiftsync keeps there"
app -c "select * from public.plans order by tier"
"$bin/shiftsync" state show --state "$work/state.db"

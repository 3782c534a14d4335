#!/usr/bin/env bash
# `make demo`: shiftsync end to end on this machine, against localaws (S3, STS + IAM, Redshift
# Serverless and the Data API on a private PostgreSQL), set up exactly as the connector guide says:
# the operator's keys assume the customer's role with its ExternalId; the role may use the Data API.
set -euo pipefail
build=${1:-build}
bin="$build/bin"
work=$(mktemp -d /tmp/shiftsync-demo-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own OS user and must reach its data dir
localaws_pid=""
cleanup() {
  if [ -n "$localaws_pid" ]; then kill "$localaws_pid" 2>/dev/null || true; wait "$localaws_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "shiftsync sign: a Data API request signed step by step (what to compare with a SignatureDoesNotMatch)"
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
  "$bin/shiftsync" sign --service redshift-data --region us-east-1 --time 20261128T120000Z <<'REQ'
POST / HTTP/1.1
Host: redshift-data.us-east-1.amazonaws.com
Content-Type: application/x-amz-json-1.1
X-Amz-Target: RedshiftData.ExecuteStatement

{"WorkgroupName":"default-workgroup","Database":"dev","Sql":"select 1"}
REQ

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

# The operator's own identity, as in the guide; everything else goes through the customer's role.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_EC2_METADATA_DISABLED=true
connect=(--region us-east-1 --endpoint-url "$endpoint" --workgroup default-workgroup --database dev
         --role-arn arn:aws:iam::111122223333:role/shiftsync-connector
         --external-id a1efa791-4530-43a0-962d-74e2ccf18309)

if ! "$bin/shiftsync" query "select 1 as ready" "${connect[@]}" >/dev/null 2>"$work/probe.err"; then
  echo "localaws here does not serve the Data API yet:"; cat "$work/probe.err"
  exit 0
fi

step "seeding a sample table as the connector role (IAMR:shiftsync-connector, database role rss_admin)"
"$bin/shiftsync" query "create table public.orders (id integer primary key, customer varchar(64), amount numeric(12,2), placed_at timestamp)" "${connect[@]}"
"$bin/shiftsync" query "insert into public.orders select g, 'customer ' || (g % 7), (g * 1.25)::numeric(12,2), timestamp '2026-11-01' + g * interval '1 hour' from generate_series(1, 1000) g" "${connect[@]}"

step "shiftsync discover"
"$bin/shiftsync" discover --schema-pattern public "${connect[@]}"

step "shiftsync query --format table"
"$bin/shiftsync" query "select customer, count(*) as orders, sum(amount) as total from public.orders group by customer order by customer" --format table "${connect[@]}"

step "shiftsync query --format ndjson (a :parameter)"
"$bin/shiftsync" query "select * from public.orders where id <= :n order by id" --param n=3 --format ndjson "${connect[@]}"

# S3 transfers as the connector role, into the guide's staging bucket.
s3=(--region us-east-1 --endpoint-url "$endpoint"
    --role-arn arn:aws:iam::111122223333:role/shiftsync-connector
    --external-id a1efa791-4530-43a0-962d-74e2ccf18309)
head -c $((64 * 1024 * 1024)) /dev/urandom > "$work/big.bin"
mkdir -p "$work/tree/2026/11" && for i in 1 2 3; do seq 1 $((i * 1000)) > "$work/tree/2026/11/part-$i.csv"; done

step "shiftsync cp: a 64 MiB file as a parallel multipart upload (8 MiB parts, CRC32C each), and back"
"$bin/shiftsync" cp "$work/big.bin" s3://unload-example/demo/big.bin "${s3[@]}" --journal "$work/journal.jsonl"
"$bin/shiftsync" cp s3://unload-example/demo/big.bin "$work/big.back" "${s3[@]}"
cmp "$work/big.bin" "$work/big.back" && echo "byte-identical"

step "shiftsync cp --recursive, ls, rm"
"$bin/shiftsync" cp "$work/tree" s3://unload-example/demo/tree/ --recursive "${s3[@]}"
"$bin/shiftsync" ls s3://unload-example/demo/ --recursive "${s3[@]}"
"$bin/shiftsync" rm s3://unload-example/demo/ --recursive "${s3[@]}"

step "shiftsync extract: the orders by UNLOAD through the staging bucket (the prefix is removed after), then by the Data API"
"$bin/shiftsync" extract --table public.orders --to "$work/orders.csv" --via unload \
  --staging s3://unload-example/demo-staging/ "${connect[@]}"
"$bin/shiftsync" extract --sql "select * from public.orders order by id" --to "$work/orders.ndjson.gz" --via data-api "${connect[@]}"
sed -n 1,3p "$work/orders.csv"; gzip -dc "$work/orders.ndjson.gz" | sed -n 1,2p

step "shiftsync load: the extracted CSV into a copy of the table (append), then an upsert of 3 rows (2 changed, 1 new)"
"$bin/shiftsync" query "create table public.orders_copy (like public.orders)" "${connect[@]}"
"$bin/shiftsync" load --from "$work/orders.csv" --table public.orders_copy \
  --staging s3://unload-example/demo-staging/ "${connect[@]}"
printf 'id,customer,amount,placed_at\n1,changed,1.00,2026-12-01 00:00:00\n2,changed,2.00,2026-12-01 00:00:00\n1001,new,9.99,2026-12-02 00:00:00\n' > "$work/changes.csv"
"$bin/shiftsync" load --from "$work/changes.csv" --table public.orders_copy --mode upsert --key id \
  --staging s3://unload-example/demo-staging/ "${connect[@]}"
"$bin/shiftsync" query "select count(*) as rows, sum(case when customer = 'changed' then 1 else 0 end) as changed from public.orders_copy" --format table "${connect[@]}"
"$bin/shiftsync" ls s3://unload-example/demo-staging/ --recursive "${s3[@]}" | grep -q . && echo "staging not empty!" || echo "staging prefix empty"

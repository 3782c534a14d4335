#!/usr/bin/env bash
# shiftsync's HTTP engine vs wrk (requests/s, small GETs, same connection count, one thread each)
# and vs curl (MB/s, one 1 GiB GET), against the same nginx on loopback, in one run, over plain
# HTTP and over TLS (a throw-away CA made here). Prints ratios and the engine's peak RSS.
# A benchmark, not a test: it asserts nothing.
# Peers run alternately, ROUNDS times, and the median of each is compared, so a burst of load from
# elsewhere on the machine hits both sides alike. nginx is pinned to the first CPU, the clients to
# the last one (when there are two or more).
# Usage: bench/engine/run.sh [build-dir]
#   env: CONNECTIONS=64 SECONDS_PER_RUN=4 SIZE_MIB=1024 ROUNDS=3 TLS=1 (TLS=0: plain HTTP only)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-"$root/build"}
driver="$build/bin/engine_bench_driver"
connections=${CONNECTIONS:-64}
seconds=${SECONDS_PER_RUN:-4}
size_mib=${SIZE_MIB:-1024}
rounds=${ROUNDS:-3}
with_tls=${TLS:-1}
last_cpu=$(( $(nproc) - 1 ))
server_cpu="taskset -c 0"
client_cpu="taskset -c $last_cpu"
[ -x "$driver" ] || cmake --build "$build" --target engine_bench_driver

dir=$(mktemp -d /tmp/shiftsync-bench-XXXXXX)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/www" "$dir/logs" "$dir/temp"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
tls_port=$(free_port)
head -c 100 /dev/urandom > "$dir/www/small.bin"
# Random bytes (not a sparse file) so nginx serves real page-cache pages to every client alike.
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$dir/www/big.bin"
key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $key -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 1 -subj /CN=bench-ca 2>/dev/null
openssl req $key -keyout "$dir/server.key" -out "$dir/server.csr" -subj /CN=localhost 2>/dev/null
echo "subjectAltName=DNS:localhost" > "$dir/san.cnf"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
  -out "$dir/server.crt" -days 1 -extfile "$dir/san.cnf" 2>/dev/null
cat > "$dir/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; user root;
pid $dir/nginx.pid; error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; default_type application/octet-stream; sendfile on; tcp_nopush on;
  keepalive_timeout 60s; keepalive_requests 100000000;
  client_body_temp_path $dir/temp/cb; proxy_temp_path $dir/temp/p; fastcgi_temp_path $dir/temp/f;
  uwsgi_temp_path $dir/temp/u; scgi_temp_path $dir/temp/s;
  server { listen 127.0.0.1:$port backlog=4096; root $dir/www; }
  server { listen 127.0.0.1:$tls_port ssl backlog=4096; root $dir/www;
           ssl_certificate $dir/server.crt; ssl_certificate_key $dir/server.key; }
}
CONF
$server_cpu nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/small.bin" && break; sleep 0.05; done
# Warm the page cache for the big file so neither peer pays the first read.
cat "$dir/www/big.bin" > /dev/null

value() { sed -n "s/^$1=//p"; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# compare <label> <base-url> [<ca-file>]: prints one summary block for that transport.
compare() {
  local label=$1 base=$2 ca=${3:-}
  local curl_ca=() wrk_runs=() our_runs=() curl_runs=() dl_runs=() rps_rss=0 dl_rss=0 ours rss
  [ -n "$ca" ] && curl_ca=(--cacert "$ca")
  for round in $(seq "$rounds"); do
    wrk_runs+=("$($client_cpu wrk -t1 -c"$connections" -d"${seconds}s" "$base/small.bin" | awk '/Requests\/sec/ {print $2}')")
    ours=$($client_cpu "$driver" rps "$base/small.bin" "$connections" "$seconds" $ca)
    our_runs+=("$(echo "$ours" | value requests_per_sec)")
    rss=$(echo "$ours" | value peak_rss_kib); (( rss > rps_rss )) && rps_rss=$rss

    curl_runs+=("$($client_cpu curl -s "${curl_ca[@]}" -o /dev/null -w '%{speed_download}' "$base/big.bin" | awk '{printf "%.1f", $1 / 1e6}')")
    ours=$($client_cpu "$driver" download "$base/big.bin" $ca)
    dl_runs+=("$(echo "$ours" | value mb_per_sec)")
    rss=$(echo "$ours" | value peak_rss_kib); (( rss > dl_rss )) && dl_rss=$rss
    echo "  $label round $round: wrk ${wrk_runs[-1]} req/s, shiftsync ${our_runs[-1]} req/s; curl ${curl_runs[-1]} MB/s, shiftsync ${dl_runs[-1]} MB/s"
  done
  local wrk_rps our_rps curl_mbs our_mbs
  wrk_rps=$(printf '%s\n' "${wrk_runs[@]}" | median)
  our_rps=$(printf '%s\n' "${our_runs[@]}" | median)
  curl_mbs=$(printf '%s\n' "${curl_runs[@]}" | median)
  our_mbs=$(printf '%s\n' "${dl_runs[@]}" | median)
  summary+=("$label small GETs, $connections connections: shiftsync $our_rps req/s, wrk $wrk_rps req/s, ratio $(ratio "$our_rps" "$wrk_rps") (goal >= 0.80), peak RSS $((rps_rss / 1024)) MiB")
  summary+=("$label one $size_mib MiB GET: shiftsync $our_mbs MB/s, curl $curl_mbs MB/s, ratio $(ratio "$our_mbs" "$curl_mbs") (goal >= 0.90), peak RSS $((dl_rss / 1024)) MiB (goal <= 64)")
}

summary=()
echo "engine bench: nginx on loopback, one client thread each, $rounds alternating rounds"
compare http "http://127.0.0.1:$port"
[ "$with_tls" = 1 ] && compare https "https://localhost:$tls_port" "$dir/ca.crt"
echo "medians:"
printf '  %s\n' "${summary[@]}"

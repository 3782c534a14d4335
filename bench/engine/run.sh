#!/usr/bin/env bash
# shiftsync's HTTP engine vs wrk (requests/s, small GETs, same connection count, one thread each)
# and vs curl (MB/s, one 1 GiB GET), against the same nginx on loopback, in one run. Prints ratios
# and the engine's peak RSS. A benchmark, not a test: it asserts nothing.
# Peers run alternately, ROUNDS times, and the median of each is compared, so a burst of load from
# elsewhere on the machine hits both sides alike. nginx is pinned to the first CPU, the clients to
# the last one (when there are two or more).
# Usage: bench/engine/run.sh [build-dir]   (env: CONNECTIONS=64 SECONDS_PER_RUN=4 SIZE_MIB=1024 ROUNDS=3)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-"$root/build"}
driver="$build/bin/engine_bench_driver"
connections=${CONNECTIONS:-64}
seconds=${SECONDS_PER_RUN:-4}
rounds=${ROUNDS:-3}
last_cpu=$(( $(nproc) - 1 ))
server_cpu="taskset -c 0"
client_cpu="taskset -c $last_cpu"
size_mib=${SIZE_MIB:-1024}
[ -x "$driver" ] || cmake --build "$build" --target engine_bench_driver

dir=$(mktemp -d /tmp/shiftsync-bench-XXXXXX)
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/www" "$dir/logs" "$dir/temp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
head -c 100 /dev/urandom > "$dir/www/small.bin"
# Random bytes (not a sparse file) so nginx serves real page-cache pages to every client alike.
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$dir/www/big.bin"
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
}
CONF
$server_cpu nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/small.bin" && break; sleep 0.05; done
small="http://127.0.0.1:$port/small.bin"
big="http://127.0.0.1:$port/big.bin"
value() { sed -n "s/^$1=//p"; }

# Warm the page cache for the big file so neither peer pays the first read.
cat "$dir/www/big.bin" > /dev/null

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
wrk_runs=() our_runs=() curl_runs=() dl_runs=()
rps_rss=0 dl_rss=0
for round in $(seq "$rounds"); do
  wrk_runs+=("$($client_cpu wrk -t1 -c"$connections" -d"${seconds}s" "$small" | awk '/Requests\/sec/ {print $2}')")
  ours=$($client_cpu "$driver" rps "$small" "$connections" "$seconds")
  our_runs+=("$(echo "$ours" | value requests_per_sec)")
  rps_rss=$(( $(echo "$ours" | value peak_rss_kib) > rps_rss ? $(echo "$ours" | value peak_rss_kib) : rps_rss ))

  curl_runs+=("$($client_cpu curl -s -o /dev/null -w '%{speed_download}' "$big" | awk '{printf "%.1f", $1 / 1e6}')")
  ours=$($client_cpu "$driver" download "$big")
  dl_runs+=("$(echo "$ours" | value mb_per_sec)")
  dl_rss=$(( $(echo "$ours" | value peak_rss_kib) > dl_rss ? $(echo "$ours" | value peak_rss_kib) : dl_rss ))
  echo "round $round: wrk ${wrk_runs[-1]} req/s, shiftsync ${our_runs[-1]} req/s; curl ${curl_runs[-1]} MB/s, shiftsync ${dl_runs[-1]} MB/s"
done
wrk_rps=$(printf '%s\n' "${wrk_runs[@]}" | median)
our_rps=$(printf '%s\n' "${our_runs[@]}" | median)
curl_mbs=$(printf '%s\n' "${curl_runs[@]}" | median)
our_mbs=$(printf '%s\n' "${dl_runs[@]}" | median)

python3 - "$connections" "$wrk_rps" "$our_rps" "$rps_rss" "$size_mib" "$curl_mbs" "$our_mbs" "$dl_rss" <<'PY'
import sys
c, wrk, ours, rps_rss, size, curl, our_mbs, dl_rss = sys.argv[1:]
wrk, ours, curl, our_mbs = float(wrk), float(ours), float(curl), float(our_mbs)
print(f"engine bench (nginx on loopback, one client thread each; medians of the rounds above)")
print(f"  small GETs, {c} connections: shiftsync {ours:,.0f} req/s  wrk {wrk:,.0f} req/s  "
      f"ratio {ours / wrk:.2f}  (goal >= 0.80)  peak RSS {int(rps_rss) / 1024:.1f} MiB")
print(f"  one {size} MiB GET:           shiftsync {our_mbs:,.1f} MB/s  curl {curl:,.1f} MB/s  "
      f"ratio {our_mbs / curl:.2f}  (goal >= 0.90)  peak RSS {int(dl_rss) / 1024:.1f} MiB (goal <= 64)")
PY

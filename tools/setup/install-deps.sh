#!/usr/bin/env bash
# Installs the Debian packages shiftsync builds, tests and benchmarks with.
# Idempotent: when every package is already present it does no apt work at all.
# Runs as root (CI, fresh machines) or through sudo when available.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache make pkg-config
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsimdjson-dev libpugixml-dev zlib1g-dev libzstd-dev libisal-dev
  libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libpq-dev libbz2-dev
  # clang 15: the coroutine-hazard check's libclang (tools/checks/), the libFuzzer build
  # (tests/fuzz/; clang-15 brings its compiler-rt: ASan, UBSan, TSan, libFuzzer), the second
  # compiler's build (build-clang/) and the ThreadSanitizer build (build-tsan/); llvm-15 for
  # llvm-symbolizer, which turns the sanitizers' reports into file:line
  clang-15 libfuzzer-15-dev python3-clang-15 libclang-15-dev llvm-15
  # the sync worker: its config file (YAML) and its embedded state (SQLite)
  libyaml-cpp-dev libsqlite3-dev
  # real peers the tests and benchmarks start on loopback
  postgresql-15 postgresql-client-15 nginx wrk curl openssl rclone
  # /usr/bin/time -v: peak RSS in the transfer CLI memory suite and the extract/load benchmarks
  time
  # the zstd and gzip commands: the extract and load suites read and write .zst and .gz files
  zstd gzip
  # python side: botocore/boto3/awscli are preinstalled on the images; python3 is needed either way
  python3
  # the metrics endpoint test parses /metrics with the Prometheus project's own Python parser
  python3-prometheus-client
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

install_npm_packages() {
  # Third-party servers from the npm registry, pinned by their package-lock.json, installed beside
  # the tests that start them. Skipped when already installed.
  local root dir
  root=$(cd "$(dirname "$0")/../.." && pwd)
  for dir in "$root"/tests/interop/s3; do
    if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ]; then
      echo "install-deps: npm ci in ${dir#$root/}"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
}

# The npm servers need Node.js; a machine that has it from elsewhere keeps its own.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm_packages
# Debian starts a system nginx / PostgreSQL on install; our tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then
  $sudo systemctl disable --now nginx postgresql >/dev/null 2>&1 || true
fi

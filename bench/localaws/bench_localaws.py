#!/usr/bin/env python3
"""localaws benchmark (not a test): how fast localaws serves, beside nginx serving the same bytes
from the same disk in the same run, so that later benchmarks measure clients, not this server.

  1. one 1 GiB object fetched by curl through a presigned URL  -> GB/s (goal >= 1 GB/s)
  2. small signed GETs (1 KiB object, presigned URL) with wrk    -> requests/s (goal >= 20,000)

Usage: bench/localaws/bench_localaws.py [--localaws build/bin/localaws] [--size-mib 1024] [--seconds 5] [--rounds 3]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "localaws"))

import boto3  # noqa: E402
from boto3.s3.transfer import TransferConfig  # noqa: E402
from botocore.config import Config  # noqa: E402

from localaws_fixture import BUCKET, REGION, LocalAWS  # noqa: E402

MiB = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(root, workdir):
    port = free_port()
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off; worker_processes 1; pid {workdir}/nginx.pid; error_log {workdir}/nginx.err;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server {{ listen 127.0.0.1:{port}; root {root}; }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("nginx did not start")


def curl_speed(url, runs=3):
    best = 0.0
    for _ in range(runs):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download} %{http_code}", url],
                             capture_output=True, text=True, check=True).stdout.split()
        if out[1] != "200":
            raise RuntimeError(f"curl got HTTP {out[1]} from {url}")
        best = max(best, float(out[0]))
    return best / 1e9


def wrk_rate(url, seconds, connections=64):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, text=True,
                         check=True).stdout
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    non2xx = [line for line in out.splitlines() if "Non-2xx" in line]
    if non2xx:
        raise RuntimeError("wrk saw errors: " + non2xx[0])
    return float(rate.split()[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--localaws", default=os.path.join(ROOT, "build", "bin", "localaws"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--seconds", type=int, default=5, help="per wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--threads", type=int, default=1, help="localaws network threads")
    args = parser.parse_args()
    os.environ["LOCALAWS_BIN"] = args.localaws
    work = tempfile.mkdtemp(prefix="localaws-bench-")
    os.chmod(work, 0o755)  # nginx's workers run unprivileged
    aws = LocalAWS(data_dir=os.path.join(work, "data"), extra_args=["--threads", str(args.threads)])
    nginx = None
    try:
        os.makedirs(aws.data_dir)
        aws.start()
        creds = aws.assume_role(duration=3600)
        s3 = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"], region_name=REGION).client(
            "s3", endpoint_url=aws.endpoint, config=Config(signature_version="s3v4"))
        peer_root = os.path.join(work, "peer")
        os.makedirs(peer_root, mode=0o755)
        big = os.path.join(peer_root, "big.bin")
        with open(big, "wb") as f:
            chunk = os.urandom(MiB)
            for _ in range(args.size_mib):
                f.write(chunk)
        with open(os.path.join(peer_root, "small.bin"), "wb") as f:
            f.write(os.urandom(1024))
        s3.upload_file(big, BUCKET, "bench/big.bin",
                       Config=TransferConfig(multipart_chunksize=64 * MiB, max_concurrency=4))
        s3.upload_file(os.path.join(peer_root, "small.bin"), BUCKET, "bench/small.bin")
        big_url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "bench/big.bin"}, ExpiresIn=3600)
        small_url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "bench/small.bin"},
                                              ExpiresIn=3600)
        nginx, nginx_url = start_nginx(peer_root, work)

        # Alternate rounds and keep medians: the machine is shared, so load drifts during a run.
        la_gbps, ng_gbps, la_rps, ng_rps = [], [], [], []
        for _ in range(args.rounds):
            la_gbps.append(curl_speed(big_url, runs=1))
            ng_gbps.append(curl_speed(nginx_url + "/big.bin", runs=1))
        for _ in range(args.rounds):
            la_rps.append(wrk_rate(small_url, args.seconds))
            ng_rps.append(wrk_rate(nginx_url + "/small.bin", args.seconds))
        la_gbps, ng_gbps, la_rps, ng_rps = map(statistics.median, (la_gbps, ng_gbps, la_rps, ng_rps))

        print(f"{'scenario':<42}{'localaws':>14}{'nginx':>14}{'ratio':>8}{'goal':>16}")
        print(f"{'%d MiB GET to curl (GB/s)' % args.size_mib:<42}{la_gbps:>14.2f}{ng_gbps:>14.2f}"
              f"{la_gbps / ng_gbps:>8.2f}{'>= 1 GB/s':>16}")
        print(f"{'1 KiB signed GETs, wrk 64 conns (req/s)':<42}{la_rps:>14,.0f}{ng_rps:>14,.0f}"
              f"{la_rps / ng_rps:>8.2f}{'>= 20,000/s':>16}")
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait()
        aws.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

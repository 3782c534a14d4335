#!/usr/bin/env python3
"""Load benchmark (not a test: it asserts nothing), in one run against one localaws (its PostgreSQL and
S3 store on /dev/shm when it exists): 5,000,000 rows x 6 columns (int, bigint, numeric(12,2),
varchar(40), timestamp, boolean) from one local CSV file into a table.

  psql       `COPY t FROM STDIN WITH (FORMAT csv, HEADER)` through psql into an identical table (the
             database's own bulk path, no S3 and no Data API: the physical limit underneath)
  shiftsync  `shiftsync load --mode append`: read + encode + gzip + stage, COPY from S3, merge
  upsert     then `shiftsync load --mode upsert --key i` of 1,000,000 of those rows (changed) into the
             5 M-row table: seconds, no goal yet

Goals (issue #12): >= 0.7x psql's COPY end to end; encode + compress + stage >= 1.5 M rows/s on 2 cores;
peak RSS <= --memory-limit + 40 MiB.

Usage: load_bench.py --build build [--quick] [--rows N]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "localaws"))

from localaws_fixture import BUCKET, EXTERNAL_ID, OPERATOR_KEY, OPERATOR_SECRET, REGION, ROLE_ARN, LocalAWS  # noqa: E402

MEMORY_LIMIT_MIB = 256
DDL = "(i int, b bigint, n numeric(12,2), v varchar(40), ts timestamp, flag boolean)"


def run_sql(rsd, sql, timeout=3600):
    sid = rsd.execute_statement(WorkgroupName="default-workgroup", Database="dev", Sql=sql)["Id"]
    deadline = time.monotonic() + timeout
    while True:
        d = rsd.describe_statement(Id=sid)
        if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{sql[:80]} timed out")
        time.sleep(0.05)
    if d["Status"] != "FINISHED":
        raise RuntimeError(f"{sql[:80]}: {d.get('Error')}")


def write_csv(path, rows, start=1, suffix=""):
    with open(path, "w") as f:
        f.write("i,b,n,v,ts,flag\n")
        batch = []
        for g in range(start, start + rows):
            batch.append(f"{g},{g * 1000003},{(g % 10000000) / 100:.2f},{g:032x}{suffix},"
                         f"2026-01-{1 + g % 28:02d} {g % 24:02d}:{g % 60:02d}:{(g * 7) % 60:02d},"
                         f"{'true' if g % 3 == 0 else 'false'}\n")
            if len(batch) >= 100000:
                f.writelines(batch)
                batch.clear()
        f.writelines(batch)


def shiftsync(build, env, connect, *args):
    argv = ["/usr/bin/time", "-v", os.path.join(build, "bin", "shiftsync"), *args, "--json", *connect]
    start = time.monotonic()
    p = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if p.returncode != 0:
        raise RuntimeError(f"shiftsync failed: {p.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return seconds, json.loads(p.stdout.strip().splitlines()[-1]), int(m.group(1)) if m else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", type=int, default=5_000_000)
    args = ap.parse_args()
    if args.quick:
        args.rows = min(args.rows, 300_000)
    upsert_rows = args.rows // 5
    os.environ.setdefault("LOCALAWS_BIN", os.path.join(args.build, "bin", "localaws"))
    work = tempfile.mkdtemp(prefix="load-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(work, 0o755)  # PostgreSQL runs as its own OS user and must reach its data directory
    aws = LocalAWS(data_dir=os.path.join(work, "localaws"))
    os.makedirs(aws.data_dir)
    aws.start()
    try:
        rsd = aws.role_session().client("redshift-data", endpoint_url=aws.endpoint, region_name=REGION)
        run_sql(rsd, "create table by_psql " + DDL)
        run_sql(rsd, "create table by_shiftsync " + DDL)
        source = os.path.join(work, "rows.csv")
        t0 = time.monotonic()
        write_csv(source, args.rows)
        print(f"source: {args.rows:,} rows x 6 columns, {os.path.getsize(source) / 1e6:.0f} MB of CSV "
              f"(written in {time.monotonic() - t0:.1f} s)")
        socket_dir = os.path.join(aws.data_dir, "postgres", "socket")
        start = time.monotonic()
        with open(source, "rb") as f:
            subprocess.run(["psql", "-X", "-q", "-h", socket_dir, "-U", "postgres", "-d", "dev", "-c",
                            "COPY by_psql FROM STDIN WITH (FORMAT csv, HEADER)"], stdin=f, check=True)
        psql_seconds = time.monotonic() - start
        env = {"PATH": os.environ.get("PATH", ""), "HOME": work, "AWS_ACCESS_KEY_ID": OPERATOR_KEY,
               "AWS_SECRET_ACCESS_KEY": OPERATOR_SECRET, "AWS_EC2_METADATA_DISABLED": "true"}
        connect = ["--region", REGION, "--endpoint-url", aws.endpoint, "--role-arn", ROLE_ARN,
                   "--external-id", EXTERNAL_ID]
        staging = f"s3://{BUCKET}/bench-staging/"
        seconds, s, rss = shiftsync(args.build, env, connect, "load", "--from", source, "--table", "by_shiftsync",
                                    "--staging", staging, "--memory-limit", f"{MEMORY_LIMIT_MIB}MiB")
        rows = s["rows_loaded"]
        print(f"\nappend, {args.rows:,} rows")
        print(f"  psql COPY FROM STDIN     {psql_seconds:7.2f} s  {args.rows / psql_seconds:12,.0f} rows/s")
        print(f"  shiftsync load           {seconds:7.2f} s  {rows / seconds:12,.0f} rows/s  ({s['files']} staged files, "
              f"{s['bytes_staged'] / 1e6:.0f} MB staged)")
        print(f"    phases: read+encode+compress+stage {s['seconds_stage']:.2f} s "
              f"({rows / max(s['seconds_stage'], 1e-9):,.0f} rows/s), COPY {s['seconds_copy']:.2f} s, "
              f"merge {s['seconds_merge']:.2f} s, cleanup {s['seconds_cleanup']:.2f} s")
        print(f"    peak RSS {rss / 1024:.0f} MiB (memory limit {MEMORY_LIMIT_MIB} MiB + 40 = {MEMORY_LIMIT_MIB + 40} MiB)")
        print(f"  ratio end to end: {psql_seconds / seconds:.2f}x psql's COPY (goal >= 0.7); staging "
              f"{rows / max(s['seconds_stage'], 1e-9) / 1e6:.2f} M rows/s (goal >= 1.5)")
        if rows != args.rows:
            print(f"MISMATCH: loaded {rows} of {args.rows}")

        changed = os.path.join(work, "changed.csv")
        write_csv(changed, upsert_rows, start=args.rows // 2, suffix="x")
        seconds, s, rss = shiftsync(args.build, env, connect, "load", "--from", changed, "--table", "by_shiftsync",
                                    "--staging", staging, "--mode", "upsert", "--key", "i")
        print(f"\nupsert, {upsert_rows:,} rows into {args.rows:,}: {seconds:.2f} s (stage {s['seconds_stage']:.2f} s, "
              f"COPY {s['seconds_copy']:.2f} s, merge {s['seconds_merge']:.2f} s; {s['updated']:,} updated, "
              f"{s['inserted']:,} inserted; peak RSS {rss / 1024:.0f} MiB)")
    finally:
        aws.stop()
        aws.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Sync benchmark (not a test: it asserts nothing). One localaws (the warehouse; its PostgreSQL and S3
store on /dev/shm when it exists) and one application PostgreSQL 15 (pg_ctl, loopback), 8 tables of
--rows rows x 5 columns (int, bigint, numeric(12,2), varchar(40), timestamp).

For max_parallel_streams in 1, 2, 4, 8, one `shiftsync sync` pass of 8 streams in each direction:
  up     application PostgreSQL → Redshift (full refresh, replace: PostgreSQL source, stage, COPY)
  down   Redshift → application PostgreSQL (full refresh, replace: UNLOAD, download, PostgreSQL COPY)
and for each: seconds, rows/s, the ratio to one stream, both cores' busy share (/proc/stat sampled over
the pass), CPU per row (user+sys) of shiftsync, of PostgreSQL (every postgres process, both clusters)
and of localaws, and the share of stream time per phase (from the JSON event log). Before every pass
its destination tables are dropped and both databases vacuumed and checkpointed, so every case loads
into the same state (without this, the first case loads into new tables and later ones pay for
deleting the rows an earlier case left, and for autovacuum of them, inside their measurement).
--limits 0,2 (the default) measures the passes of more streams than 2 also with 2 at a time doing their bulk work:
up passes with the warehouse's max_concurrent_loads: 2, down passes with its max_concurrent_unloads: 2
and the application database's max_concurrent_loads: 2. --rounds N repeats every case N times,
alternating, and reports medians.

Goals (issue #13): with 8 streams both cores >= 90% busy, and rows/s >= 1.6x one stream's.

Usage: sync_bench.py --build build [--quick] [--rows N] [--parallel 1,2,4,8] [--directions up,down]
                     [--limits 0,2] [--rounds N] [--timeline]
"""
import argparse
import collections
import glob
import json
import statistics
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
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "extract_cli"))

from localaws_fixture import BUCKET, EXTERNAL_ID, OPERATOR_KEY, OPERATOR_SECRET, REGION, ROLE_ARN, LocalAWS  # noqa: E402
from sink_postgres import SinkPostgres  # noqa: E402

TABLES = 8
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_busy():
    """(busy, total) jiffies of all cores from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_cpu(name_pattern):
    """Seconds of user+sys of every live process whose command matches (children reaped included)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        if not re.fullmatch(name_pattern, comm):
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        total += sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
    return total / TICKS


def phase_shares(events):
    """Share of stream time per phase, from the phase/stream_end events' timestamps."""
    spent = collections.Counter()
    current = {}

    def at(e):
        return time.mktime(time.strptime(e["ts"][:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + e["ts"][20:23])
    for e in events:
        s = e.get("stream")
        if e.get("event") == "phase":
            if s in current:
                spent[current[s][0]] += at(e) - current[s][1]
            current[s] = (e["phase"], at(e))
        elif e.get("event") == "stream_end" and s in current:
            spent[current[s][0]] += at(e) - current[s][1]
            del current[s]
    total = sum(spent.values()) or 1
    return ", ".join(f"{p} {100 * v / total:.0f}%" for p, v in spent.most_common())


def print_timeline(events):
    """Each stream's phases, as seconds from the run's start."""
    def at(e):
        return time.mktime(time.strptime(e["ts"][:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + e["ts"][20:23])
    start = at(events[0]) if events else 0
    lines = collections.defaultdict(list)
    for e in events:
        if e.get("event") in ("phase", "stream_end"):
            lines[e["stream"]].append(f"{e.get('phase', 'end')}@{at(e) - start:.1f}")
    for stream, items in sorted(lines.items()):
        print(f"        {stream}: {' '.join(items)}")


def warehouse_psql(aws, sql):
    """Runs `sql` as the superuser of localaws's PostgreSQL (the warehouse); False when that has not
    started yet (localaws starts it at the first statement)."""
    socket_dir = os.path.join(aws.data_dir, "postgres", "socket")
    sockets = [p for p in glob.glob(os.path.join(socket_dir, ".s.PGSQL.*")) if not p.endswith(".lock")]
    if not sockets:
        return False
    port = sockets[0].rsplit(".", 1)[1]
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-p", port, "-U", "postgres",
                    "-d", "dev", "-c", sql], check=True, capture_output=True, timeout=600)
    return True


def settle(aws, app, direction):
    """Every case starts alike: its destination tables dropped (each run loads them afresh, so no case
    pays for deleting the rows an earlier one left), both databases vacuumed and analysed (no
    autovacuum of an earlier case's tables runs during this one) and checkpointed."""
    for i in range(TABLES):
        if direction == "up":
            warehouse_psql(aws, f"drop table if exists public.t{i}")
        else:
            app.psql(f"drop table if exists public.back_{i}")
    warehouse_psql(aws, "vacuum analyze")
    warehouse_psql(aws, "checkpoint")
    app.psql("vacuum analyze")
    app.psql("checkpoint")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--parallel", default="1,2,4,8", help="max_parallel_streams values, comma separated")
    ap.add_argument("--directions", default="up,down")
    ap.add_argument("--timeline", action="store_true", help="print each stream's phases with their durations")
    ap.add_argument("--limits", default="0,2",
                    help="comma separated values N, each measured (0: no limit; default 0,2; a value at or above "
                         "a pass's streams is skipped): up passes set the warehouse's max_concurrent_loads to N, "
                         "down passes its max_concurrent_unloads and the application database's "
                         "max_concurrent_loads")
    ap.add_argument("--rounds", type=int, default=1, help="measure every case this many times, alternating")
    args = ap.parse_args()
    directions = args.directions.split(",")
    if "down" in directions and (directions[0] != "up"):
        ap.error("--directions: down reads the warehouse tables the up passes write, so give up first (up,down)")
    if args.quick:
        args.rows = min(args.rows, 50_000)
    os.environ.setdefault("LOCALAWS_BIN", os.path.join(args.build, "bin", "localaws"))
    work = tempfile.mkdtemp(prefix="sync-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.chmod(work, 0o755)
    aws = LocalAWS(data_dir=os.path.join(work, "localaws"))
    os.makedirs(aws.data_dir)
    aws.start()
    app = SinkPostgres(user="app", database="appdb")
    try:
        app.start()
        t0 = time.monotonic()
        for i in range(TABLES):
            app.psql(f"create table public.t{i} (i int primary key, b bigint, n numeric(12,2), v varchar(40), ts timestamp); "
                     f"insert into public.t{i} select g, g::bigint * 1000003, (g % 10000000) / 100.0, md5(g::text), "
                     f"timestamp '2026-01-01' + g * interval '1 second' from generate_series(1, {args.rows}) g; "
                     f"grant select on public.t{i} to app")
        limits = [int(v) for v in args.limits.split(",")]
        print(f"source: {TABLES} tables x {args.rows:,} rows x 5 columns in the application PostgreSQL "
              f"(written in {time.monotonic() - t0:.1f} s); 2 cores")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": work, "AWS_ACCESS_KEY_ID": OPERATOR_KEY,
               "AWS_SECRET_ACCESS_KEY": OPERATOR_SECRET, "AWS_EC2_METADATA_DISABLED": "true",
               "APP_DB_PASSWORD": app.password}
        dsn = f"host=127.0.0.1 port={app.port} dbname={app.database} user={app.user} password=${{APP_DB_PASSWORD}}"

        def connections(limit, direction):
            up, down = limit and direction == "up", limit and direction == "down"
            return (f"connections:\n  warehouse:\n    type: redshift\n    workgroup: default-workgroup\n"
                    f"    region: {REGION}\n    endpoint_url: {aws.endpoint}\n    role_arn: {ROLE_ARN}\n"
                    f"    external_id: {EXTERNAL_ID}\n    staging: s3://{BUCKET}/sync-bench/\n"
                    + (f"    max_concurrent_loads: {limit}\n" if up else "")
                    + (f"    max_concurrent_unloads: {limit}\n" if down else "") +
                    f"  app:\n    type: postgres\n    dsn: \"{dsn}\"\n"
                    + (f"    max_concurrent_loads: {limit}\n" if down else ""))

        cases = [(parallel, direction, limit) for parallel in [int(p) for p in args.parallel.split(",")]
                 for direction in args.directions.split(",") for limit in limits
                 if limit == 0 or limit < parallel]
        results = collections.defaultdict(list)
        print(f"\n{'direction':<6}{'streams':>8}{'limit':>6}{'seconds':>9}{'rows/s':>12}{'cores busy':>12}"
              f"{'shiftsync':>11}{'postgres':>10}{'localaws':>10}  (CPU µs per row; limit: see --limits)")
        for round_ in range(args.rounds):
            for parallel, direction, limit in cases:
                body = f"max_parallel_streams: {parallel}\nmemory_limit: 512MiB\nstreams:\n"
                for i in range(TABLES):
                    if direction == "up":
                        body += (f"  - name: up_{i}\n    source: {{connection: app, table: public.t{i}}}\n"
                                 f"    destination: {{connection: warehouse, table: public.t{i}}}\n    write: replace\n")
                    else:
                        body += (f"  - name: down_{i}\n    source: {{connection: warehouse, table: public.t{i}}}\n"
                                 f"    destination: {{connection: app, table: public.back_{i}}}\n    write: replace\n"
                                 f"    via: unload\n")
                config = os.path.join(work, f"{direction}-{parallel}-{limit}.yaml")
                with open(config, "w") as f:
                    f.write(connections(limit, direction) + body)
                argv = ["/usr/bin/time", "-f", "%U %S", os.path.join(args.build, "bin", "shiftsync"), "sync",
                        "--config", config, "--state", os.path.join(work, "state.db"), "--progress", "never",
                        "--log-format", "json"]
                settle(aws, app, direction)
                pg0, aws0, (busy0, total0) = process_cpu("postgres"), process_cpu("localaws"), cpu_busy()
                start = time.monotonic()
                p = subprocess.run(argv, env=env, capture_output=True, text=True)
                seconds = time.monotonic() - start
                busy1, total1 = cpu_busy()
                pg_cpu, aws_cpu = process_cpu("postgres") - pg0, process_cpu("localaws") - aws0
                lines = p.stderr.strip().splitlines()
                user, sys_ = (float(x) for x in lines[-1].split())
                events = [json.loads(line) for line in lines if line.startswith("{")]
                ends = [e for e in events if e.get("event") == "stream_end"]
                rows = sum(int(e.get("rows", 0)) for e in ends)
                failed = [e for e in ends if e.get("status") != "succeeded"]
                if p.returncode != 0 or failed:
                    print(f"{direction} {parallel}: FAILED ({p.returncode}): {failed[:1]} {p.stderr[-1500:]}")
                    continue
                rate = rows / seconds
                results[(direction, parallel, limit)].append(rate)
                per_row = 1e6 / max(rows, 1)
                print(f"{direction:<6}{parallel:>8}{limit or '-':>6}{seconds:>9.1f}{rate:>12,.0f}"
                      f"{100 * (busy1 - busy0) / max(total1 - total0, 1):>11.0f}%"
                      f"{(user + sys_) * per_row:>11.2f}{pg_cpu * per_row:>10.2f}{aws_cpu * per_row:>10.2f}")
                print(f"      time per phase: {phase_shares(events)}")
                if args.timeline:
                    print_timeline(events)
        print(f"\nmedians of {args.rounds} round(s), rows/s and ÷ one stream's:")
        for (direction, parallel, limit), rates in sorted(results.items()):
            base = results.get((direction, 1, 0))
            ratio = f"{statistics.median(rates) / statistics.median(base):.2f}x" if base else "-"
            print(f"  {direction:<5} {parallel} streams, limit {limit or '-':<3} "
                  f"{statistics.median(rates):>10,.0f}  {ratio}")
        for direction in ("up", "down"):
            base = results.get((direction, 1, 0))
            eights = [statistics.median(r) for (d, n, _), r in results.items() if d == direction and n == 8]
            if base and eights:
                print(f"{direction}: 8 streams {max(eights) / statistics.median(base):.2f}x one stream's rows/s "
                      f"(best of the 8-stream cases; goal >= 1.6)")
    finally:
        app.stop()
        aws.stop()
        aws.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

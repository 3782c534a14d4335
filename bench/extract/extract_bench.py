#!/usr/bin/env python3
"""Extract benchmark (not a test: it asserts nothing), everything in one run against one localaws (its
data directory, PostgreSQL's cluster and S3 store on /dev/shm when it exists):

  unload   5,000,000 rows x 6 columns (int, bigint, numeric(12,2), varchar(40), timestamp, boolean) to a
           local CSV file: `shiftsync extract --via unload` beside PostgreSQL's own
           `COPY (SELECT ...) TO STDOUT WITH CSV HEADER` through psql into a file on the same database (the
           physical limit of the database underneath). shiftsync's client phases (download + decode +
           write, its --json seconds_transfer) are reported on their own.
  data-api 200,000 rows of the same table: `shiftsync extract --via data-api` beside a boto3 loop
           (ExecuteStatement, DescribeStatement every 50 ms, GetStatementResult pages, rows written as CSV).

Identity: shiftsync assumes the connector role itself (operator keys + --role-arn/--external-id); boto3 uses
a session of the same role; psql connects as the cluster's superuser over localaws's private socket. Peak
RSS of shiftsync comes from /usr/bin/time -v. Goals (issue #11): UNLOAD path >= 0.6x psql's COPY end to
end, client phases >= 2 M rows/s, Data API path >= 3x boto3, peak RSS <= --memory-limit + 40 MiB.

Usage: extract_bench.py --build build [--quick] [--rows N] [--api-rows N]
"""
import argparse
import csv
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
TABLE_SQL = ("create table bench_rows as select g::int as i, g::bigint * 1000003 as b, "
             "((g % 10000000)::numeric(12,2) / 100)::numeric(12,2) as n, md5(g::text)::varchar(40) as v, "
             "timestamp '2026-01-01' + g * interval '1 second' as ts, g % 3 = 0 as flag "
             "from generate_series(1, {rows}) g")


def run_sql(rsd, sql, timeout=1800):
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
    return sid


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while block := f.read(16 << 20):
            n += block.count(b"\n")
    return n


def peak_rss_kib(stderr_text):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr_text)
    return int(m.group(1)) if m else 0


def shiftsync(build, env, connect, *args):
    """Runs shiftsync under /usr/bin/time -v; returns (seconds, --json summary, peak RSS KiB)."""
    argv = ["/usr/bin/time", "-v", os.path.join(build, "bin", "shiftsync"), *args, "--json", *connect]
    start = time.monotonic()
    p = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if p.returncode != 0:
        raise RuntimeError(f"shiftsync failed: {p.stderr[-2000:]}")
    import json
    return seconds, json.loads(p.stdout.strip().splitlines()[-1]), peak_rss_kib(p.stderr)


def boto3_loop(rsd, sql, out_path):
    """What a user writes with boto3: execute, poll, page, write CSV (booleans and NULLs as shiftsync does)."""
    start = time.monotonic()
    sid = rsd.execute_statement(WorkgroupName="default-workgroup", Database="dev", Sql=sql)["Id"]
    while rsd.describe_statement(Id=sid)["Status"] not in ("FINISHED", "FAILED", "ABORTED"):
        time.sleep(0.05)
    rows = 0
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        token = None
        header = False
        while True:
            page = rsd.get_statement_result(Id=sid, **({"NextToken": token} if token else {}))
            if not header:
                w.writerow([c["name"] for c in page["ColumnMetadata"]])
                header = True
            for record in page["Records"]:
                out = []
                for field in record:
                    if field.get("isNull"):
                        out.append("")
                    elif "booleanValue" in field:
                        out.append("true" if field["booleanValue"] else "false")
                    else:
                        out.append(next(iter(field.values())))
                w.writerow(out)
                rows += 1
            token = page.get("NextToken")
            if not token:
                break
    return time.monotonic() - start, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--api-rows", type=int, default=200_000)
    ap.add_argument("--only", choices=("unload", "data-api"), help="run one of the two cases")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.api_rows = min(args.rows, 300_000), min(args.api_rows, 30_000)
    os.environ.setdefault("LOCALAWS_BIN", os.path.join(args.build, "bin", "localaws"))
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = tempfile.mkdtemp(prefix="extract-bench-", dir=base)
    os.chmod(work, 0o755)  # PostgreSQL runs as its own OS user and must reach its data directory
    aws = LocalAWS(data_dir=os.path.join(work, "localaws"))
    os.makedirs(aws.data_dir)
    aws.start()
    try:
        session = aws.role_session()
        rsd = session.client("redshift-data", endpoint_url=aws.endpoint, region_name=REGION)
        t0 = time.monotonic()
        run_sql(rsd, TABLE_SQL.format(rows=args.rows))
        print(f"table bench_rows: {args.rows:,} rows x 6 columns, built in {time.monotonic() - t0:.1f} s")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": work, "AWS_ACCESS_KEY_ID": OPERATOR_KEY,
               "AWS_SECRET_ACCESS_KEY": OPERATOR_SECRET, "AWS_EC2_METADATA_DISABLED": "true"}
        connect = ["--region", REGION, "--endpoint-url", aws.endpoint, "--role-arn", ROLE_ARN,
                   "--external-id", EXTERNAL_ID]
        if args.only != "data-api":
            bench_unload(args, aws, work, env, connect)
        if args.only != "unload":
            bench_data_api(args, rsd, work, env, connect)
    finally:
        aws.stop()
        aws.cleanup()
        shutil.rmtree(work, ignore_errors=True)


def bench_unload(args, aws, work, env, connect):
    socket_dir = os.path.join(aws.data_dir, "postgres", "socket")
    psql_out = os.path.join(work, "psql.csv")
    start = time.monotonic()
    with open(psql_out, "wb") as f:
        subprocess.run(["psql", "-X", "-q", "-h", socket_dir, "-U", "postgres", "-d", "dev", "-c",
                        "COPY (SELECT * FROM bench_rows) TO STDOUT WITH CSV HEADER"], stdout=f, check=True)
    psql_seconds = time.monotonic() - start
    psql_rows = count_lines(psql_out) - 1
    ours_out = os.path.join(work, "shiftsync.csv")
    seconds, summary, rss = shiftsync(args.build, env, connect, "extract", "--table", "bench_rows", "--to",
                                      ours_out, "--via", "unload", "--staging", f"s3://{BUCKET}/bench-staging/",
                                      "--memory-limit", f"{MEMORY_LIMIT_MIB}MiB")
    ours_rows = count_lines(ours_out) - 1
    client = summary["seconds_transfer"]
    print(f"\nUNLOAD path, {args.rows:,} rows to a CSV file")
    print(f"  psql COPY TO STDOUT      {psql_seconds:7.2f} s  {psql_rows / psql_seconds:12,.0f} rows/s  ({psql_rows:,} rows)")
    print(f"  shiftsync --via unload   {seconds:7.2f} s  {ours_rows / seconds:12,.0f} rows/s  ({ours_rows:,} rows, "
          f"{summary['files']} staged files, {summary['bytes_staged'] / 1e6:.1f} MB staged)")
    print(f"    phases: plan {summary['seconds_plan']:.2f} s, UNLOAD {summary['seconds_statement']:.2f} s, "
          f"download+decode+write {client:.2f} s ({ours_rows / client:,.0f} rows/s), cleanup "
          f"{summary['seconds_cleanup']:.2f} s")
    print(f"    peak RSS {rss / 1024:.0f} MiB (memory limit {MEMORY_LIMIT_MIB} MiB + 40 = {MEMORY_LIMIT_MIB + 40} MiB)")
    print(f"  ratio end to end: {psql_seconds / seconds:.2f}x psql's COPY (goal >= 0.6); client phases "
          f"{ours_rows / client / 1e6:.2f} M rows/s (goal >= 2)")

    if ours_rows != psql_rows:
        print(f"\nMISMATCH: row counts differ (unload {ours_rows} vs psql {psql_rows})")


def bench_data_api(args, rsd, work, env, connect):
    query = f"select * from bench_rows where i <= {args.api_rows}"
    boto_seconds, boto_rows = boto3_loop(rsd, query, os.path.join(work, "boto3.csv"))
    api_out = os.path.join(work, "api.csv")
    api_seconds, api_summary, api_rss = shiftsync(args.build, env, connect, "extract", "--sql", query, "--to",
                                                  api_out, "--via", "data-api")
    api_rows = count_lines(api_out) - 1
    print(f"\nData API path, {args.api_rows:,} rows to a CSV file")
    print(f"  boto3 loop               {boto_seconds:7.2f} s  {boto_rows / boto_seconds:12,.0f} rows/s")
    print(f"  shiftsync --via data-api {api_seconds:7.2f} s  {api_rows / api_seconds:12,.0f} rows/s  "
          f"({api_summary['result_pages']} pages, {api_summary['describe_statement_calls']} DescribeStatement, "
          f"peak RSS {api_rss / 1024:.0f} MiB)")
    print(f"    phases: statement {api_summary['seconds_statement']:.2f} s, pages {api_summary['seconds_transfer']:.2f} s")
    print(f"  ratio: {boto_seconds / api_seconds:.2f}x boto3 (goal >= 3)")
    if api_rows != boto_rows:
        print(f"\nMISMATCH: row counts differ (data-api {api_rows} vs boto3 {boto_rows})")


if __name__ == "__main__":
    main()

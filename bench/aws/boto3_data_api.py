"""The boto3 side of the Data API benchmark: the same statements, the same calls, from a 32-thread
pool, polling DescribeStatement every 100 ms (what a careful boto3 user writes). Prints one JSON line
like data_api_bench."""
import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--statements", type=int, default=2000)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--sleep", type=float, default=0)  # 0: `select :n`, the latency added by localaws
    p.add_argument("--poll", type=float, default=0.1)
    a = p.parse_args()

    sts = boto3.client("sts", endpoint_url=a.endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                       aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    c = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/shiftsync-connector", RoleSessionName="bench",
                        ExternalId="a1efa791-4530-43a0-962d-74e2ccf18309")["Credentials"]
    data = boto3.client("redshift-data", endpoint_url=a.endpoint, region_name="us-east-1",
                        aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"],
                        config=Config(max_pool_connections=a.threads, retries={"mode": "standard"}))
    lock = threading.Lock()
    stats = {"finished": 0, "failed": 0, "polls": 0, "detect": [], "throttled": 0}
    sql = f"select pg_sleep({a.sleep}), :n as n" if a.sleep > 0 else "select :n as n"

    def one(n):
        try:
            sid = data.execute_statement(Sql=sql, Database="dev", WorkgroupName="default-workgroup",
                                         Parameters=[{"name": "n", "value": str(n)}])["Id"]
            polls = 0
            while True:
                d = data.describe_statement(Id=sid)
                polls += 1
                if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
                    break
                time.sleep(a.poll)
            known = time.time()
            data.get_statement_result(Id=sid)
            with lock:
                stats["polls"] += polls
                stats["finished"] += d["Status"] == "FINISHED"
                stats["failed"] += d["Status"] != "FINISHED"
                stats["detect"].append((known - d["UpdatedAt"].timestamp()) * 1000)
        except Exception:  # noqa: BLE001 — counted, the benchmark goes on
            with lock:
                stats["failed"] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(a.threads) as pool:
        list(pool.map(one, range(a.statements)))
    seconds = time.perf_counter() - start
    detect = sorted(stats["detect"]) or [0]
    print(json.dumps({"client": "boto3", "statements": stats["finished"], "failed": stats["failed"],
                      "seconds": seconds, "per_second": stats["finished"] / seconds,
                      "describe_per_statement": stats["polls"] / max(1, stats["finished"]),
                      "detect_p50_ms": detect[len(detect) // 2], "detect_p99_ms": detect[int(0.99 * (len(detect) - 1))]}))


if __name__ == "__main__":
    main()

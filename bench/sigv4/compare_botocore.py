"""Signing throughput, shiftsync vs botocore, on the same requests in one run.

Both sides do the whole signing of a prepared request in the header form: hash the body, build the
canonical request, derive or look up the key, sign, write the Authorization header. Prints
signatures/s for each and the ratio.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "differential"))
import sigv4_requests  # noqa: E402

TOKEN = "T" * 400  # assumed-role session tokens run to several hundred bytes
WHEN = "20261128T120000Z"


def typical(kind, n):
    base = {"access_key": "ASIAEXAMPLEEXAMPLE01", "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "token": TOKEN, "region": "us-east-1", "time": WHEN, "presign": False, "expires": 3600}
    out = []
    for i in range(n):
        if kind == "s3-get":
            out.append(dict(base, method="GET", service="s3", path=f"/run-0001/orders_{i:04d}_part_00.gz", query="",
                            headers=[["Host", "unload-example.s3.us-east-1.amazonaws.com"],
                                     ["Range", "bytes=0-8388607"]], body_hex="", unsigned_payload=True))
        else:
            body = json.dumps({"WorkgroupName": "default-workgroup", "Database": "dev",
                               "Sql": f"select id, name from public.orders where id > {i}"}).encode()
            out.append(dict(base, method="POST", service="redshift-data", path="/", query="",
                            headers=[["Host", "redshift-data.us-east-1.amazonaws.com"],
                                     ["Content-Type", "application/x-amz-json-1.1"],
                                     ["X-Amz-Target", "RedshiftData.ExecuteStatement"]],
                            body_hex=body.hex(), unsigned_payload=False))
    return out


def shiftsync_rate(batch, requests, seconds):
    run = subprocess.run([batch, "--bench", str(seconds)], input=sigv4_requests.to_jsonl(requests).encode(),
                         capture_output=True, check=True)
    return json.loads(run.stdout)["per_second"]


class _S3Config:
    s3 = {"payload_signing_enabled": False}


def botocore_rate(requests, seconds):
    prepared = []
    for req in requests:
        host = req["headers"][0][1]
        url = "http://" + host + req["path"] + ("?" + req["query"] if req["query"] else "")
        r = AWSRequest(method=req["method"], url=url, data=bytes.fromhex(req["body_hex"]))
        for name, value in req["headers"]:
            r.headers[name] = value
        if req["unsigned_payload"]:
            r.context["client_config"] = _S3Config()
        creds = Credentials(req["access_key"], req["secret"], req["token"] or None)
        cls = botocore.auth.S3SigV4Auth if req["service"] == "s3" else botocore.auth.SigV4Auth
        prepared.append((cls(creds, req["service"], req["region"]), r))
    when = datetime.datetime.strptime(WHEN, "%Y%m%dT%H%M%SZ")
    n = 0
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        start = time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            for auth, r in prepared[:200]:
                auth.add_auth(r)  # replaces the previous Authorization: the same work every time
            n += min(200, len(prepared))
            prepared = prepared[200:] + prepared[:200]
        elapsed = time.perf_counter() - start
    return n / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    scenarios = [("S3 GET (UNSIGNED-PAYLOAD, session token)", typical("s3-get", 500)),
                 ("Data API POST (body hashed, session token)", typical("data-api", 500)),
                 ("random mix (differential generator, header form)",
                  [r for r in sigv4_requests.generate(7, 1500) if not r["presign"]])]
    print(f"{'scenario':52} {'shiftsync/s':>12} {'botocore/s':>11} {'ratio':>7}")
    for name, requests in scenarios:
        ours = shiftsync_rate(args.batch, requests, args.seconds)
        theirs = botocore_rate(requests, args.seconds)
        print(f"{name:52} {ours:12,.0f} {theirs:11,.0f} {ours / theirs:6.1f}x", flush=True)


if __name__ == "__main__":
    main()

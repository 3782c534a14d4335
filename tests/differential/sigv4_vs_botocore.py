"""Differential test: shiftsync's signer and botocore's sign the same generated requests and must
produce identical signatures. The seed is printed; replay a failure with --seed."""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_requests  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", required=True, help="path to the sigv4_batch binary")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time() * 1000) % 2**31
    print(f"differential: seed {seed} ({args.count} requests); replay with --seed {seed}", flush=True)

    requests = sigv4_requests.generate(seed, args.count)
    run = subprocess.run([args.batch], input=sigv4_requests.to_jsonl(requests).encode(), capture_output=True,
                         check=True)
    ours = [json.loads(line) for line in run.stdout.decode().splitlines()]
    if len(ours) != len(requests):
        print(f"FAIL: sigv4_batch answered {len(ours)} of {len(requests)} requests")
        return 1

    failures = 0
    kinds = {}
    for i, (req, mine) in enumerate(zip(requests, ours)):
        kind = ("s3" if req["service"] == "s3" else "other") + ("/presigned" if req["presign"] else "/header") + (
            "/token" if req["token"] else "")
        kinds[kind] = kinds.get(kind, 0) + 1
        theirs_sig, theirs_headers = sigv4_requests.botocore_sign(req)
        if mine.get("signature") != theirs_sig or mine.get("signed_headers") != theirs_headers:
            failures += 1
            if failures <= 5:
                print(f"MISMATCH #{i} ({kind}): shiftsync {mine.get('signature')} [{mine.get('signed_headers')}] "
                      f"vs botocore {theirs_sig} [{theirs_headers}]")
                print("  request:", json.dumps({k: req[k] for k in ("method", "path", "query", "headers")},
                                               ensure_ascii=False))
                print("  shiftsync canonical request:\n    " + mine.get("canonical_request", "").replace("\n", "\n    "))
    print("differential: coverage " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    passed = len(requests) - failures
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

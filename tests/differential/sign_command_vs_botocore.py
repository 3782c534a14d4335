"""Differential test through the command line: `shiftsync sign` — the binary, fed a raw HTTP request
on stdin as a user would — and botocore sign the same generated requests, and must agree on the
signature and the signed headers, in the header form and as presigned URLs.

sigv4_vs_botocore.py checks the signer on thousands of requests; this one checks what the command
adds around it (which payload hash it signs, how it reads the request, what it prints), on a
sample with as many S3 and other-service requests, header and presigned, as each other. One process
per request. The seed is printed; replay a failure with --seed. Nothing secret is printed: the
generated keys are random, and a mismatch shows the canonical request with the session token
replaced."""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time
from urllib.parse import quote, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_requests  # noqa: E402


def kind_of(req):
    return ("s3" if req["service"] == "s3" else "other") + ("/presigned" if req["presign"] else "/header")


def stratified_sample(seed, count):
    """`count` generated requests, a quarter of each kind (the generator makes few S3 presigned ones)."""
    pool = sigv4_requests.generate(seed, count * 12)
    per_kind = {}
    for req in pool:
        per_kind.setdefault(kind_of(req), []).append(req)
    sample = []
    for kind in sorted(per_kind):
        sample += per_kind[kind][: count // 4]
    return sample


def raw_http(req):
    target = req["path"] + ("?" + req["query"] if req["query"] else "")
    head = f"{req['method']} {target} HTTP/1.1\n" + "".join(f"{name}:{value}\n" for name, value in req["headers"])
    return head.encode() + b"\n" + bytes.fromhex(req["body_hex"])


def section(output, title):
    start = output.index(f"# {title}\n") + len(title) + 3
    end = output.find("\n\n# ", start)
    return output[start:] if end < 0 else output[start:end]


def sign_with_command(binary, req):
    """(signature, signed headers, canonical request, problem) as `shiftsync sign` prints them."""
    args = [binary, "sign", "--service", req["service"], "--region", req["region"], "--time", req["time"],
            "--show-token"]
    if req["presign"]:
        args += ["--presign", str(req["expires"])]
    if req["unsigned_payload"]:
        args.append("--unsigned-payload")
    env = {"PATH": os.environ.get("PATH", ""), "AWS_ACCESS_KEY_ID": req["access_key"],
           "AWS_SECRET_ACCESS_KEY": req["secret"]}
    if req["token"]:
        env["AWS_SESSION_TOKEN"] = req["token"]
    run = subprocess.run(args, input=raw_http(req), env=env, capture_output=True, timeout=60)
    if run.returncode != 0:
        return None, None, "", f"exit code {run.returncode}: {run.stderr.decode(errors='replace')[:300]}"
    out = run.stdout.decode("utf-8", errors="replace")
    signature = section(out, "Signature").strip()
    signed_request = section(out, "Signed request")
    request_line = signed_request.split("\n", 1)[0]
    if req["presign"]:
        fields = dict(p.split("=", 1) for p in request_line.rsplit(" ", 1)[0].split("?", 1)[1].split("&")
                      if p.startswith("X-Amz-"))
        shown, signed_headers = fields.get("X-Amz-Signature"), unquote(fields.get("X-Amz-SignedHeaders", ""))
    else:
        authorization = re.search(r"^Authorization:.*SignedHeaders=([^,]+), Signature=([0-9a-f]+)$", signed_request,
                                  re.MULTILINE)
        signed_headers, shown = (authorization.group(1), authorization.group(2)) if authorization else ("", None)
    # The printed signature and the one inside the signed request must be the same.
    problem = "" if shown == signature else "the signed request does not carry the printed signature"
    return signature, signed_headers, section(out, "Canonical request"), problem


def redacted(text, req):
    if req["token"]:
        for form in (quote(req["token"], safe="-_.~"), req["token"]):
            text = text.replace(form, "<session token>")
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shiftsync", required=True, help="path to the shiftsync binary")
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time() * 1000) % 2**31
    requests = stratified_sample(seed, args.count)
    print(f"differential: seed {seed} ({len(requests)} requests through `shiftsync sign`); replay with --seed {seed}",
          flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        ours = list(pool.map(lambda r: sign_with_command(args.shiftsync, r), requests))

    failures = 0
    kinds = {}
    for i, (req, (signature, signed_headers, canonical, problem)) in enumerate(zip(requests, ours)):
        kind = kind_of(req) + ("/token" if req["token"] else "")
        kinds[kind] = kinds.get(kind, 0) + 1
        theirs_sig, theirs_headers = sigv4_requests.botocore_sign(req)
        if problem or signature != theirs_sig or signed_headers != theirs_headers:
            failures += 1
            if failures <= 5:
                print(f"MISMATCH #{i} ({kind}): shiftsync {signature} [{signed_headers}] vs botocore {theirs_sig} "
                      f"[{theirs_headers}] {problem}")
                print("  request:", redacted(raw_http(req)[:400].decode(errors="replace"), req).replace("\n", "\\n"))
                print("  shiftsync canonical request:\n    " + redacted(canonical, req).replace("\n", "\n    "))
    print("differential: coverage " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    print(f"{len(requests) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

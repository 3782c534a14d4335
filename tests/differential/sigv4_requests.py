"""Random SigV4 signing requests, and botocore signing them.

Shared by the differential test (sigv4_vs_botocore.py) and the signing benchmark (bench/sigv4).
Requests are generated as real clients put them on the wire: S3 keys percent-encoded the way
botocore's serializer does, other services' paths with raw reserved, percent-encoded, dot-segment and
non-ASCII characters, query strings RFC 3986-encoded.
"""
import datetime
import json
import random
from urllib.parse import quote
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICES = ["s3", "redshift-data", "sts", "redshift-serverless", "execute-api", "service"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"]
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]
UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
RESERVED = "!$&'()*+,;=:@"
NON_ASCII = ["é", "ß", "ሴ", "日本", "🚀", "Ω"]
HEADER_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
# Headers botocore (and shiftsync) set or skip themselves; a Date header makes botocore sign Date
# instead of X-Amz-Date, which shiftsync never does.
AVOID_HEADERS = {"host", "date", "x-amz-date", "authorization", "x-amz-security-token", "x-amz-content-sha256",
                 "content-type"}


def _word(rng, alphabet, lo=1, hi=8):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _raw_text(rng):
    """Text mixing unreserved, reserved, space and non-ASCII characters."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.5:
            parts.append(_word(rng, UNRESERVED))
        elif kind < 0.7:
            parts.append(_word(rng, RESERVED, 1, 3))
        elif kind < 0.85:
            parts.append(rng.choice(NON_ASCII))
        else:
            parts.append(" " * rng.randint(1, 2))
    return "".join(parts)


def _path(rng, service):
    segments = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if service != "s3" and r < 0.1:
            segments.append(rng.choice([".", "..", ""]))  # dot segments and "//"
        elif service != "s3" and r < 0.25:
            segments.append(quote(_raw_text(rng), safe=""))  # percent-encoded on the wire
        else:
            segments.append(_raw_text(rng))
    path = "/" + "/".join(segments)
    if rng.random() < 0.2:
        path += "/"
    if service == "s3":
        # botocore's REST serializer: the key is percent-encoded, '/' and '~' kept.
        return quote(path, safe="/~")
    # Other services: raw reserved and non-ASCII characters as sent (never '?' or '#').
    return path


def _query(rng, allow_repeats):
    params = []
    keys = set()
    for _ in range(rng.randint(0, 5)):
        key = _raw_text(rng) if rng.random() < 0.5 else _word(rng, UNRESERVED)
        if key in keys and not allow_repeats:
            continue
        if params and allow_repeats and rng.random() < 0.2:
            key = params[-1][0]  # a repeated key with another value
        keys.add(key)
        r = rng.random()
        if r < 0.1:
            params.append((key, None))  # "flag" with no '='
        elif r < 0.2:
            params.append((key, ""))
        else:
            params.append((key, _raw_text(rng)))
    out = []
    for key, value in params:
        k = quote(key, safe="-_.~")
        out.append(k if value is None else k + "=" + quote(value, safe="-_.~"))
    return "&".join(out)


def _header_value(rng):
    inner = _word(rng, UNRESERVED + "!#$%&'*+.^_`|~\"(),/:;<=>?@[]{}", 0, 10)
    if rng.random() < 0.4:
        inner = inner + " " * rng.randint(1, 3) + "\t" * rng.randint(0, 1) + _word(rng, UNRESERVED)
    return " " * rng.randint(0, 2) + inner + " " * rng.randint(0, 2)


def _headers(rng, host):
    headers = [["Host", host]]
    for _ in range(rng.randint(0, 6)):
        name = _word(rng, HEADER_NAME_CHARS, 1, 12).strip("-") or "x"
        if name.lower() in AVOID_HEADERS:
            continue
        headers.append([name, _header_value(rng)])
        if rng.random() < 0.2:  # the same header again, other case
            headers.append([name.upper(), _header_value(rng)])
    if rng.random() < 0.2:
        headers.append(["User-Agent", "shiftsync-differential/1.0"])  # never signed
    return headers


def generate(seed, count):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        service = rng.choice(SERVICES)
        region = rng.choice(REGIONS)
        presign = rng.random() < 0.35
        method = "GET" if presign else rng.choice(METHODS)
        host = (f"bucket-{rng.randint(0, 99)}.s3.{region}.amazonaws.com" if service == "s3"
                else f"{service}.{region}.amazonaws.com")
        body = b"" if presign or method in ("GET", "HEAD") else rng.randbytes(rng.randint(0, 300))
        token = "".join(rng.choice(UNRESERVED + "+/=") for _ in range(rng.randint(20, 200))) if rng.random() < 0.5 else ""
        when = datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            seconds=rng.randint(0, 16 * 365 * 86400))
        out.append({
            "method": method,
            "path": _path(rng, service),
            "query": _query(rng, allow_repeats=not presign),
            "headers": _headers(rng, host),
            "body_hex": body.hex(),
            "access_key": "AKIA" + _word(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
            "secret": _word(rng, UNRESERVED + "+/", 40, 40),
            "token": token,
            "region": region,
            "service": service,
            "time": when.strftime("%Y%m%dT%H%M%SZ"),
            "presign": presign,
            "expires": rng.randint(1, 604800),
            "unsigned_payload": service == "s3" and not presign and rng.random() < 0.3,
        })
    return out


class _S3Config:
    def __init__(self, sign_payload):
        self.s3 = {"payload_signing_enabled": sign_payload}


def botocore_sign(req):
    """Sign one generated request with botocore; returns (signature, signed_headers)."""
    host = req["headers"][0][1]
    url = "http://" + host + req["path"] + ("?" + req["query"] if req["query"] else "")
    aws_request = AWSRequest(method=req["method"], url=url, data=bytes.fromhex(req["body_hex"]))
    for name, value in req["headers"]:
        aws_request.headers[name] = value  # appends: repeated headers are kept in order
    if req["unsigned_payload"]:
        aws_request.context["client_config"] = _S3Config(False)
    creds = Credentials(req["access_key"], req["secret"], req["token"] or None)
    s3 = req["service"] == "s3"
    if req["presign"]:
        cls = botocore.auth.S3SigV4QueryAuth if s3 else botocore.auth.SigV4QueryAuth
        auth = cls(creds, req["service"], req["region"], expires=req["expires"])
    else:
        cls = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
        auth = cls(creds, req["service"], req["region"])
    when = datetime.datetime.strptime(req["time"], "%Y%m%dT%H%M%SZ")
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        auth.add_auth(aws_request)
    if req["presign"]:
        query = aws_request.url.split("?", 1)[1]
        fields = dict(p.split("=", 1) for p in query.split("&") if p.startswith("X-Amz-"))
        return fields["X-Amz-Signature"], fields["X-Amz-SignedHeaders"].replace("%3B", ";")
    authz = aws_request.headers["Authorization"]
    parts = dict(p.strip().split("=", 1) for p in authz.split(" ", 1)[1].split(","))
    return parts["Signature"], parts["SignedHeaders"]


def to_jsonl(requests):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)

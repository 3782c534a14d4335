"""Shared pieces of the `shiftsync cp/ls/rm` acceptance suites: data, hashes, AWS's ETag rule, running
shiftsync as a user does, reading its journal, reading localaws's request log for least privilege.

Everything talks to real servers with real clients: shiftsync (SHIFTSYNC_BIN), localaws
(LOCALAWS_BIN), moto_server, boto3 and the AWS CLI v1. No mocks.

The localaws suites run with localaws's default setup (the connector guide's policies on the
connector role, assumed with the ExternalId) plus, beside it and never replacing it:
  - `other-bucket` in the customer's account, which the connector role may not use;
  - `test-inspector`, a role in the customer's account that may do anything in S3: the tests read,
    list and overwrite through it, so that the connector role's requests in the log are shiftsync's
    alone;
  - `shiftsync-connector-abort`: the guide's policies plus s3:AbortMultipartUpload;
  - `shiftsync-connector-abort-list`: that plus s3:ListBucketMultipartUploads.
"""
import copy
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "localaws"))
from localaws_fixture import (BUCKET, aws_cli, EXTERNAL_ID, OPERATOR_KEY, OPERATOR_SECRET, REGION, ROLE_ARN,  # noqa: E402
                              LocalAWS, _die_with_parent, default_config)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

BIN = os.environ["SHIFTSYNC_BIN"]
KiB = 1024
MiB = 1024 * 1024
PART = 5 * MiB  # the part size the suites pass (--part-size 5MiB), S3's minimum
CUSTOMER = "111122223333"
OTHER_BUCKET = "other-bucket"
INSPECTOR_ROLE = f"arn:aws:iam::{CUSTOMER}:role/test-inspector"
ABORT_ROLE = f"arn:aws:iam::{CUSTOMER}:role/shiftsync-connector-abort"
ABORT_LIST_ROLE = f"arn:aws:iam::{CUSTOMER}:role/shiftsync-connector-abort-list"
REFERENCE = os.environ.get("SHIFTSYNC_REFERENCE", os.path.join(ROOT, "..", "shared", "reference"))
CONNECTOR_PRINCIPAL = f"arn:aws:sts::{CUSTOMER}:assumed-role/shiftsync-connector/"


# ---------------------------------------------------------------- data and hashes

def data(size, seed):
    """`size` bytes from a seeded PRNG: the same seed gives the same bytes."""
    return random.Random(seed).randbytes(size)


def write_data(path, size, seed):
    """Writes `size` seeded PRNG bytes to `path` (in 16 MiB steps) and returns their SHA-256."""
    rng = random.Random(seed)
    digest = hashlib.sha256()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = rng.randbytes(min(left, 16 * MiB))
            digest.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def write_big_data(path, size, key_hex="000102030405060708090a0b0c0d0e0f"):
    """`size` bytes of AES-128-CTR keystream (OpenSSL: ~1 GB/s, never periodic) to `path`; returns the SHA-256."""
    digest = hashlib.sha256()
    zeros = subprocess.Popen(["head", "-c", str(size), "/dev/zero"], stdout=subprocess.PIPE)
    enc = subprocess.Popen(["openssl", "enc", "-aes-128-ctr", "-K", key_hex, "-iv", "0" * 32, "-nosalt"],
                           stdin=zeros.stdout, stdout=subprocess.PIPE)
    zeros.stdout.close()
    with open(path, "wb") as f:
        while True:
            chunk = enc.stdout.read(8 * MiB)
            if not chunk:
                break
            digest.update(chunk)
            f.write(chunk)
    enc.wait()
    zeros.wait()
    assert os.path.getsize(path) == size, "openssl wrote the wrong size"
    return digest.hexdigest()


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 * MiB):
            digest.update(chunk)
    return digest.hexdigest()


def single_etag(b):
    return '"' + hashlib.md5(b).hexdigest() + '"'


def multipart_etag(b, part_size):
    """AWS's multipart ETag: MD5 of the concatenated binary part MD5s, '-', the part count."""
    parts = [b[i:i + part_size] for i in range(0, len(b), part_size)] or [b""]
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(parts)}"'


def multipart_etag_file(path, part_size):
    md5s = []
    with open(path, "rb") as f:
        while chunk := f.read(part_size):
            md5s.append(hashlib.md5(chunk).digest())
    return f'"{hashlib.md5(b"".join(md5s)).hexdigest()}-{len(md5s)}"'


# ---------------------------------------------------------------- the shiftsync process

class Result:
    def __init__(self, args, returncode, stdout, stderr, seconds):
        self.args, self.returncode, self.stdout, self.stderr, self.seconds = args, returncode, stdout, stderr, seconds

    def text(self):
        return self.stdout.decode(errors="replace")

    def err(self):
        return self.stderr.decode(errors="replace")

    def json(self):
        """--json: exactly one JSON object on stdout."""
        return json.loads(self.stdout)

    def json_from_stderr(self):
        """--json with the data on stdout: the object is stderr's last line."""
        lines = [line for line in self.err().splitlines() if line.strip()]
        assert lines, "nothing on stderr"
        return json.loads(lines[-1])

    def __str__(self):
        return (f"shiftsync {' '.join(self.args)}\n  exit {self.returncode} after {self.seconds:.1f} s\n"
                f"  stderr: {self.err()[-3000:]!r}\n  stdout: {self.stdout[:500]!r}")


class Shiftsync:
    """Runs the shiftsync binary as a user would: a temp HOME (no stray ~/.aws), XDG_STATE_HOME in it,
    the operator's keys in the environment, and connection flags after the command's own."""

    def __init__(self, connect, credentials_env):
        self.home = tempfile.mkdtemp(prefix="shiftsync-cp-home-")
        self.state_home = os.path.join(self.home, "state")
        self.connect = list(connect)
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": self.home, "XDG_STATE_HOME": self.state_home,
                    "AWS_EC2_METADATA_DISABLED": "true", "LANG": "C.UTF-8", **credentials_env}

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)

    @property
    def default_journal(self):
        return os.path.join(self.state_home, "shiftsync", "incomplete-uploads.jsonl")

    def argv(self, args, connect):
        return [BIN, *args, *(self.connect if connect is None else connect)]

    def run(self, *args, input=None, stdin=None, connect=None, timeout=300, env=None):
        argv = self.argv(args, connect)
        start = time.monotonic()
        p = subprocess.run(argv, env=env or self.env, input=input, stdin=stdin, capture_output=True, timeout=timeout,
                           preexec_fn=_die_with_parent)
        return Result(list(args), p.returncode, p.stdout, p.stderr, time.monotonic() - start)

    def start(self, *args, connect=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=None):
        return subprocess.Popen(self.argv(args, connect), env=env or self.env, stdin=stdin, stdout=stdout,
                                stderr=subprocess.PIPE, preexec_fn=_die_with_parent)


def read_journal(path):
    """The journal's entries as parsed JSON lines ([] when there is no journal)."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def strings_in(value):
    """Every string anywhere inside a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def journal_open_uploads(path):
    """{upload id: key} the journal names as still open. Its format (transfer/s3/upload_journal.hpp): JSON
    lines {"event": "started"|"finished", "bucket", "key", "upload_id", "time"}."""
    open_uploads = {}
    for entry in read_journal(path):
        if entry["event"] == "started":
            open_uploads[entry["upload_id"]] = entry["key"]
        elif entry["event"] == "finished":
            open_uploads.pop(entry["upload_id"], None)
        else:
            raise AssertionError(f"unknown journal event {entry['event']!r}")
    return open_uploads


def listxattrs(path):
    try:
        return os.listxattr(path)
    except OSError:
        return []


# ---------------------------------------------------------------- the AWS CLI, anywhere

# aws_cli(endpoint, credentials, *args) comes from localaws_fixture.


# ---------------------------------------------------------------- localaws with the documented setup

def _role(name, trust, policies):
    return {"name": name, "trust_policy": copy.deepcopy(trust), "policies": policies, "max_session_duration": 3600}


def _allow(actions, resources, name):
    return {"name": name, "document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resources}]}}


def transfer_config():
    """localaws's default config (the connector role exactly as documented) plus the extra roles and
    bucket named in this module's docstring."""
    config = default_config()
    customer = next(a for a in config["accounts"] if a["id"] == CUSTOMER)
    connector = customer["roles"][0]
    assert connector["name"] == "shiftsync-connector"
    trust = connector["trust_policy"]
    staging = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    customer["buckets"] = list(customer.get("buckets", [])) + [OTHER_BUCKET]
    customer["roles"].append(_role("test-inspector", trust, [_allow("s3:*", "*", "everything-in-s3")]))
    customer["roles"].append(_role("shiftsync-connector-abort", trust, copy.deepcopy(connector["policies"]) + [
        _allow(["s3:AbortMultipartUpload"], staging, "abort")]))
    customer["roles"].append(_role("shiftsync-connector-abort-list", trust, copy.deepcopy(connector["policies"]) + [
        _allow(["s3:AbortMultipartUpload", "s3:ListBucketMultipartUploads"], staging, "abort-and-list")]))
    return config


def documented_actions():
    """Every action the connector guide's identity policies grant, read from the reference at test time."""
    granted = set()
    for name in ("data-api-role-policy.json", "s3-staging-policy.json"):
        with open(os.path.join(REFERENCE, "iam", name)) as f:
            doc = json.load(f)
        for statement in doc["Statement"]:
            if statement.get("Effect") != "Allow":
                continue
            actions = statement["Action"]
            granted.update([actions] if isinstance(actions, str) else actions)
    return granted


class LocalAwsTransferCase(unittest.TestCase):
    """One localaws (transfer_config()) per test class, a Shiftsync as the connector role, an inspector
    (boto3 + AWS CLI credentials of test-inspector), and at the end of the class the least-privilege
    check over every request the connector role made: each IAM action it was authorised for, or refused,
    is one the guide grants, except a refused s3:AbortMultipartUpload (the documented degradation)."""

    # Actions the connector role may be refused without failing the least-privilege check.
    tolerated_refusals = {"s3:AbortMultipartUpload"}

    @classmethod
    def localaws_config(cls):
        """The config localaws starts with; a suite may add roles (never change the documented ones)."""
        return transfer_config()

    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAWS(config=cls.localaws_config())
        cls.aws.start()
        cls.addClassCleanup(cls.aws.cleanup)
        cls.tmp = tempfile.mkdtemp(prefix="shiftsync-cp-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.connect = ["--region", REGION, "--endpoint-url", cls.aws.endpoint, "--role-arn", ROLE_ARN,
                       "--external-id", EXTERNAL_ID]
        cls.ss = Shiftsync(cls.connect, {"AWS_ACCESS_KEY_ID": OPERATOR_KEY, "AWS_SECRET_ACCESS_KEY": OPERATOR_SECRET})
        cls.addClassCleanup(cls.ss.cleanup)
        cls.inspector_credentials = cls.aws.assume_role(role_arn=INSPECTOR_ROLE, session_name="inspector")
        c = cls.inspector_credentials
        cls.s3 = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                               aws_session_token=c["SessionToken"], region_name=REGION).client(
            "s3", endpoint_url=cls.aws.endpoint, config=Config(retries={"max_attempts": 10, "mode": "standard"}))

    @classmethod
    def tearDownClass(cls):
        try:
            cls.assert_least_privilege()
        finally:
            super().tearDownClass()

    @classmethod
    def connector_actions(cls, principal_prefix=CONNECTOR_PRINCIPAL, since=0):
        """(granted, refused) IAM actions of every request the connector role made (from the log's entry
        number `since` on)."""
        granted, refused = set(), set()
        for entry in cls.aws.request_log()[since:]:
            if not entry.get("principal", "").startswith(principal_prefix):
                continue
            for action in entry.get("actions", []):
                (refused.add(action[1:]) if action.startswith("!") else granted.add(action))
        return granted, refused

    @classmethod
    def assert_least_privilege(cls):
        granted, refused = cls.connector_actions()
        allowed = documented_actions()
        if not granted | refused:
            raise AssertionError("least privilege: the connector role made no request at all; did shiftsync assume it?")
        outside = sorted((granted | (refused - cls.tolerated_refusals)) - allowed)
        if outside:
            raise AssertionError(f"least privilege: shiftsync used IAM actions the connector guide does not grant: "
                                 f"{outside} (granted {sorted(granted)}, refused {sorted(refused)})")

    # ---- helpers for tests
    def folder(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def file(self, name, size, seed):
        """A file of `size` seeded bytes under the class's temp folder: (path, sha256)."""
        p = self.path(name)
        return p, write_data(p, size, seed)

    def failure_lines(self, text, needle="s3:AbortMultipartUpload"):
        return [line for line in text.splitlines() if needle in line]

    def error_code(self, caught):
        return caught.exception.response["Error"]["Code"]

    def inspector_cli(self, *args, **kwargs):
        return aws_cli(self.aws.endpoint, self.inspector_credentials, *args, **kwargs)

    def get(self, key, bucket=BUCKET):
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def assert_no_object(self, key, bucket=BUCKET):
        with self.assertRaises(ClientError) as caught:
            self.s3.head_object(Bucket=bucket, Key=key)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404,
                         f"{key} should not exist")

    def open_uploads(self, prefix=""):
        """(key, upload id) of every multipart upload in progress in the bucket, as localaws lists them."""
        out = self.s3.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix)
        return [(u["Key"], u["UploadId"]) for u in out.get("Uploads", [])]

    def abort_all(self, prefix=""):
        for key, upload_id in self.open_uploads(prefix):
            self.s3.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)

    def part_sizes(self, key):
        attrs = self.s3.get_object_attributes(Bucket=BUCKET, Key=key, ObjectAttributes=["ObjectParts", "Checksum"])
        return [p["Size"] for p in attrs.get("ObjectParts", {}).get("Parts", [])], attrs

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, str(r))

    def assert_no_local(self, dest):
        """Neither the destination nor its partial file exists."""
        self.assertFalse(os.path.exists(dest), f"{dest} exists after a failed download")
        self.assertFalse(os.path.exists(dest + ".shiftsync-partial"), f"{dest}.shiftsync-partial was left behind")
        leftovers = [n for n in os.listdir(os.path.dirname(dest)) if os.path.basename(dest) in n]
        self.assertEqual(leftovers, [], "a failed download left files beside the destination")

    def wait_for(self, what, predicate, timeout=30, process=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if process is not None and process.poll() is not None:
                self.fail(f"shiftsync ended (exit {process.returncode}) before {what}: "
                          f"{process.stderr.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)
        self.fail(f"timed out after {timeout} s waiting for {what}")


def kill9(process):
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe:
            pipe.close()

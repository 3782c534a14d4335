"""Start and drive a localaws process from a unittest test, through boto3 and the AWS CLI only.

    class MyTest(LocalAWSTestCase):           # one localaws per test class, on a free port
        def test_x(self):
            s3 = self.role_session().client("s3", endpoint_url=self.aws.endpoint)

The binary comes from $LOCALAWS_BIN (ctest sets it); $LOCALAWS_EXTRA_ARGS adds arguments. Every server gets a fresh temp data dir; the
AWS CLI gets its own temp config and credentials files (never ~/.aws).
"""
import ctypes
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest
import urllib.request

import boto3
from botocore.config import Config

OPERATOR_KEY = "AKIAIOSFODNN7EXAMPLE"
OPERATOR_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ROLE_ARN = "arn:aws:iam::111122223333:role/shiftsync-connector"
EXTERNAL_ID = "a1efa791-4530-43a0-962d-74e2ccf18309"
BUCKET = "unload-example"
REGION = "us-east-1"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CONFIG = os.path.join(HERE, "..", "..", "..", "tools", "localaws", "config", "default.json")

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def _die_with_parent():
    """In the child before exec: SIGKILL it if the test process dies (a ctest timeout, a crash)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def default_config():
    with open(DEFAULT_CONFIG) as f:
        return json.load(f)


def with_connector_account_role(name, policies):
    """The default config plus a role `name` in the connector's account (111122223333), trusted like
    the documented connector role, with its own `policies`."""
    config = default_config()
    customer = next(a for a in config["accounts"] if a["id"] == "111122223333")
    customer["roles"].append({"name": name, "trust_policy": customer["roles"][0]["trust_policy"], "policies": policies})
    return config


def aws_cli(endpoint, credentials, *args, check=True, timeout=300, s3_sigv4=True, stdin_text=""):
    """`aws --endpoint-url ENDPOINT ...` with its own config and credentials files (never ~/.aws),
    and no AWS_* variable of the caller's. `check`: a non-zero exit fails with the CLI's stderr."""
    home = tempfile.mkdtemp(prefix="localaws-cli-")
    try:
        config_file = os.path.join(home, "config")
        creds_file = os.path.join(home, "credentials")
        with open(config_file, "w") as f:
            f.write(f"[default]\nregion = {REGION}\n")
            if s3_sigv4:
                f.write("s3 =\n    signature_version = s3v4\n")
        with open(creds_file, "w") as f:
            f.write(f"[default]\naws_access_key_id = {credentials['AccessKeyId']}\n"
                    f"aws_secret_access_key = {credentials['SecretAccessKey']}\n")
            if credentials.get("SessionToken"):
                f.write(f"aws_session_token = {credentials['SessionToken']}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=config_file, AWS_SHARED_CREDENTIALS_FILE=creds_file, HOME=home)
        p = subprocess.run(["aws", "--endpoint-url", endpoint, *args], env=env, input=stdin_text,
                           capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} exited {p.returncode}: {p.stderr[-2000:]}")
        return p
    finally:
        shutil.rmtree(home, ignore_errors=True)


class LocalAWS:
    """One localaws process. start() blocks until it printed its ready line."""

    def __init__(self, data_dir=None, config=None, extra_args=()):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="localaws-test-")
        self.config = config
        self.extra_args = list(extra_args)
        self.process = None
        self.endpoint = None
        self.port = None
        # The workgroup endpoint from localaws's second line, "postgres HOST:PORT ca=PATH":
        # {"address", "port", "ca"}, as the admin call /_localaws/postgres says too.
        self.postgres = None
        # localaws's stderr goes to an unlinked temporary file, never a pipe nobody reads: a full
        # pipe would block localaws at its next log line (it logs the cause of every 5xx).
        # stderr_text() reads it; it disappears with this object.
        self.stderr_file = tempfile.TemporaryFile()

    def start(self, port=0):
        binary = os.environ.get("LOCALAWS_BIN", "localaws")
        # LOCALAWS_EXTRA_ARGS (e.g. "--threads 2") runs a whole suite against another server setup.
        args = [binary, "--port", str(port), "--data-dir", self.data_dir] + self.extra_args
        args += os.environ.get("LOCALAWS_EXTRA_ARGS", "").split()
        if self.config is not None:
            path = os.path.join(self.data_dir, "config.json")
            with open(path, "w") as f:
                json.dump(self.config, f)
            args += ["--config", path]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr_file, text=True,
                                        preexec_fn=_die_with_parent)
        line = self._read_ready_line(timeout=30)
        if not line.startswith("ready http://127.0.0.1:"):
            if self.process.poll() is None:
                self.kill()
            raise RuntimeError(f"localaws did not start: {line!r} {self.stderr_text()}")
        self.endpoint = line.split(" ", 1)[1].strip()
        self.port = int(self.endpoint.rsplit(":", 1)[1])
        # Printed right after "ready": "postgres 127.0.0.1:PORT ca=PATH" (the path is the rest).
        second = self._read_ready_line(timeout=30).rstrip("\n")
        if second.startswith("postgres "):
            address, ca = second[len("postgres "):].split(" ca=", 1)
            host, port = address.rsplit(":", 1)
            self.postgres = {"address": host, "port": int(port), "ca": ca}
        return self

    def stderr_text(self):
        """Everything localaws wrote to stderr so far (all its runs on this object)."""
        if self.stderr_file.closed:
            return ""
        fd = self.stderr_file.fileno()
        # pread: the file offset is shared with localaws's descriptor and must stay at the end.
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def _read_ready_line(self, timeout):
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0] if result else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_pipes()

    def kill(self):
        """kill -9: no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self):
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def cleanup(self):
        # SIGTERM first: localaws then stops its PostgreSQL (kill -9 would leave the postmaster
        # running until it notices its data dir is gone).
        self.stop()
        self.kill()
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        self.stderr_file.close()

    def __del__(self):
        # An object only ever kill()ed (a crash test's restart) closes its stderr file here.
        stderr_file = getattr(self, "stderr_file", None)
        if stderr_file is not None:
            stderr_file.close()

    # ---- admin endpoint
    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + "/_localaws/" + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def set_faults(self, rules):
        return self.admin("PUT", "faults", rules)

    def clear_faults(self):
        return self.admin("DELETE", "faults")

    def counters(self):
        return self.admin("GET", "counters")

    def set_clock_offset(self, seconds):
        return self.admin("PUT", "clock", {"offset_seconds": seconds})

    def request_log(self):
        with open(os.path.join(self.data_dir, "requests.jsonl")) as f:
            return [json.loads(line) for line in f if line.strip()]

    # ---- clients
    def operator_session(self):
        return boto3.Session(aws_access_key_id=OPERATOR_KEY, aws_secret_access_key=OPERATOR_SECRET, region_name=REGION)

    def assume_role(self, external_id=EXTERNAL_ID, duration=3600, role_arn=ROLE_ARN, session_name="test"):
        sts = self.operator_session().client("sts", endpoint_url=self.endpoint, config=NO_RETRIES)
        args = dict(RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=duration)
        if external_id is not None:
            args["ExternalId"] = external_id
        return sts.assume_role(**args)["Credentials"]

    def role_session(self, **kwargs):
        c = self.assume_role(**kwargs)
        return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                             aws_session_token=c["SessionToken"], region_name=REGION)

    def cli(self, *args, credentials=None, check=True, timeout=300, s3_sigv4=True, stdin_text=""):
        """Runs `aws --endpoint-url <localaws> ...` with its own config and credentials files (the
        operator's keys unless `credentials` is given). s3_sigv4=False leaves the CLI v1's default,
        which presigns S3 URLs with SigV2."""
        c = credentials or {"AccessKeyId": OPERATOR_KEY, "SecretAccessKey": OPERATOR_SECRET}
        return aws_cli(self.endpoint, c, *args, check=check, timeout=timeout, s3_sigv4=s3_sigv4,
                       stdin_text=stdin_text)

class LocalAWSTestCase(unittest.TestCase):
    """One localaws per test class. Override `config()` for a custom setup."""

    @classmethod
    def config(cls):
        return None

    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAWS(config=cls.config())
        cls.addClassCleanup(cls.aws.cleanup)
        cls.aws.start()

    def error_code(self, exc):
        return exc.exception.response["Error"]["Code"]

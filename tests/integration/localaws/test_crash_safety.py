"""kill -9 of localaws during 20 concurrent uploads (single PUTs and multipart), then a restart on
the same data dir: every upload that completed before the kill is intact, no object is partial, and
the STS session issued before the kill still works."""
import hashlib
import io
import os
import threading
import time
import unittest

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from localaws_fixture import BUCKET, REGION, LocalAWS

MiB = 1024 * 1024
WRITERS = 20


class CrashSafetyTest(unittest.TestCase):
    def setUp(self):
        self.aws = LocalAWS().start()
        self.addCleanup(self.aws.cleanup)

    def client(self, aws, creds):
        session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"], region_name=REGION)
        return session.client("s3", endpoint_url=aws.endpoint, config=Config(
            retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=20,
            max_pool_connections=WRITERS))

    def test_kill_during_concurrent_uploads(self):
        creds = self.aws.assume_role()
        s3 = self.client(self.aws, creds)
        expected = {}      # key -> md5 of the body we tried to write
        completed = set()  # keys whose upload returned success before the kill
        lock = threading.Lock()
        stop = threading.Event()
        multipart = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=2)

        def writer(n):
            round_ = 0
            while not stop.is_set():
                key = f"crash/w{n:02d}/r{round_:03d}"
                size = 11 * MiB if n % 2 == 0 else 3 * MiB + n
                body = os.urandom(size)
                with lock:
                    expected[key] = hashlib.md5(body).hexdigest()
                try:
                    if n % 2 == 0:
                        s3.upload_fileobj(io.BytesIO(body), BUCKET, key, Config=multipart)
                    else:
                        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
                except Exception:
                    return  # the server is gone
                with lock:
                    completed.add(key)
                round_ += 1

        threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with lock:
                if len(completed) >= WRITERS:
                    break
            time.sleep(0.05)
        self.aws.kill()  # SIGKILL, mid-flight for most writers
        stop.set()
        for t in threads:
            t.join(timeout=30)
        with lock:
            done_before_kill = set(completed)
        self.assertGreaterEqual(len(done_before_kill), WRITERS)
        self.assertGreater(len(expected), len(done_before_kill), "some uploads should have been in flight")

        restarted = LocalAWS(data_dir=self.aws.data_dir).start()
        self.addCleanup(restarted.kill)
        # The session issued before the kill is still honoured after the restart, as in AWS.
        s3 = self.client(restarted, creds)
        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="crash/"):
            listed += [o["Key"] for o in page.get("Contents", [])]
        for key in done_before_kill:
            self.assertIn(key, listed)
        for key in listed:  # whatever is visible is whole: its bytes are exactly what was sent
            body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            self.assertEqual(hashlib.md5(body).hexdigest(), expected[key], key)
        leftovers = os.listdir(os.path.join(self.aws.data_dir, "s3", "tmp"))
        self.assertEqual(leftovers, [], "temp files of interrupted writes are swept at start")


if __name__ == "__main__":
    unittest.main()

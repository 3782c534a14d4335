"""SIGTERM while clients page through a large Data API result and upload objects: localaws's
blocking pool is busy (GetStatementResult builds each ~1 MB page there; PutObject writes and
fsyncs there), and its workers hand their results back to the network thread. localaws must exit
0, not touch a freed context on the way out, and keep what it acknowledged (the objects, read
after a restart).

make test also runs this against the ThreadSanitizer build's localaws (label `threads`): there a
race on the way out is a report in build-tsan/tsan-reports/ and exit status 66."""
import hashlib
import os
import signal
import subprocess
import threading
import time
import unittest

from botocore.config import Config

from data_api_helpers import BUCKET, DATABASE, EXTERNAL_ID, ROLE_ARN, WORKGROUP, LocalAWS

PAGERS = 6
UPLOADERS = 4
# About 10 MB of JSON: ten pages of GetStatementResult, each built on the blocking pool.
BIG_RESULT = "select g, repeat('x', 500) as pad from generate_series(1, 20000) g"


class ShutdownTest(unittest.TestCase):
    def setUp(self):
        self.aws = LocalAWS().start()
        self.addCleanup(self.aws.cleanup)

    def test_sigterm_while_the_blocking_pool_works_exits_cleanly(self):
        session = self.aws.role_session(external_id=EXTERNAL_ID, role_arn=ROLE_ARN)
        config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=60,
                        max_pool_connections=PAGERS + UPLOADERS)
        rsd = session.client("redshift-data", endpoint_url=self.aws.endpoint, config=config)
        s3 = session.client("s3", endpoint_url=self.aws.endpoint, config=config)
        statement = rsd.execute_statement(WorkgroupName=WORKGROUP, Database=DATABASE, Sql=BIG_RESULT)["Id"]
        while (status := rsd.describe_statement(Id=statement)["Status"]) not in ("FINISHED", "FAILED", "ABORTED"):
            time.sleep(0.05)
        self.assertEqual(status, "FINISHED")

        pages = [0]
        acknowledged = {}  # key -> md5 of a body localaws answered 200 to
        lock = threading.Lock()
        stop = threading.Event()

        def pager():
            while not stop.is_set():
                token = None
                try:
                    while True:
                        args = {"Id": statement, **({"NextToken": token} if token else {})}
                        token = rsd.get_statement_result(**args).get("NextToken")
                        with lock:
                            pages[0] += 1
                        if not token:
                            break
                except Exception:
                    return  # the server is going or gone

        def uploader(n):
            round_ = 0
            while not stop.is_set():
                key = f"shutdown/u{n}/r{round_:04d}"
                body = os.urandom(512 * 1024 + n)
                try:
                    s3.put_object(Bucket=BUCKET, Key=key, Body=body)
                except Exception:
                    return
                with lock:
                    acknowledged[key] = hashlib.md5(body).hexdigest()
                round_ += 1

        threads = [threading.Thread(target=pager, daemon=True) for _ in range(PAGERS)]
        threads += [threading.Thread(target=uploader, args=(n,), daemon=True) for n in range(UPLOADERS)]
        for t in threads:
            t.start()
        # Until the traffic is in full swing (pages and uploads answered), not for a time.
        while True:
            with lock:
                if pages[0] >= 2 * PAGERS and len(acknowledged) >= UPLOADERS:
                    break
            self.assertTrue(all(t.is_alive() for t in threads), "a client stopped before the signal")
            time.sleep(0.02)
        self.aws.process.send_signal(signal.SIGTERM)
        try:
            exit_status = self.aws.process.wait(timeout=120)  # a hang, not a speed limit
        except subprocess.TimeoutExpired:
            self.fail("localaws did not exit after SIGTERM")
        stop.set()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(exit_status, 0, "localaws's exit status after SIGTERM")

        with lock:
            done = dict(acknowledged)
        restarted = LocalAWS(data_dir=self.aws.data_dir).start()
        self.addCleanup(restarted.stop)
        s3 = restarted.role_session().client("s3", endpoint_url=restarted.endpoint)
        for key, md5 in done.items():
            self.assertEqual(hashlib.md5(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()).hexdigest(), md5, key)


if __name__ == "__main__":
    unittest.main()

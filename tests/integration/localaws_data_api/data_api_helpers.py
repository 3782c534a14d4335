"""Shared helpers for the Data API acceptance tests: boto3 clients on the documented role, and
statement polling / result paging exactly as a Data API client does it."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws"))

from localaws_fixture import (BUCKET, EXTERNAL_ID, NO_RETRIES, ROLE_ARN, LocalAWS,  # noqa: E402,F401
                              LocalAWSTestCase, default_config)

WORKGROUP = "default-workgroup"
DATABASE = "dev"
TERMINAL = ("FINISHED", "FAILED", "ABORTED")


class DataApiTestCase(LocalAWSTestCase):
    """One localaws per class; `self.rsd` / `self.s3` are clients of the connector role, assumed with
    its ExternalId (the documented flow)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Runs before the fixture's kill -9 cleanup (class cleanups run last-in first-out): SIGTERM lets
        # localaws stop its PostgreSQL (pg_ctl stop); kill -9 would leave the postmaster running.
        cls.addClassCleanup(cls.aws.stop)
        session = cls.aws.role_session(external_id=EXTERNAL_ID, role_arn=ROLE_ARN)
        cls.rsd = session.client("redshift-data", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)
        cls.s3 = session.client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    # ---- the cluster's superuser, for what only an admin may do (localaws has no admin SQL path)
    def superuser_sql(self, sql):
        """Runs `sql` as the private cluster's superuser over its Unix socket, as a Redshift admin would
        in a superuser session. PostgreSQL must be running (after any Data API call)."""
        socket_dir = os.path.join(self.aws.data_dir, "postgres", "socket")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U", "postgres", "-d", DATABASE,
                        "-c", sql], check=True, capture_output=True, text=True, timeout=60)

    # ---- statements
    @classmethod
    def submit(cls, sql, **extra):
        return cls.rsd.execute_statement(WorkgroupName=WORKGROUP, Database=DATABASE, Sql=sql, **extra)["Id"]

    @classmethod
    def wait(cls, statement_id, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            d = cls.rsd.describe_statement(Id=statement_id)
            if d["Status"] in TERMINAL:
                return d
            if time.monotonic() > deadline:
                raise AssertionError(f"statement {statement_id} still {d['Status']} after {timeout}s")
            time.sleep(0.05)

    def wait_until_running(self, statement_id, sql, timeout=30):
        """Until DescribeStatement says STARTED and PostgreSQL shows `sql` active (pg_stat_activity):
        for tests about a query PostgreSQL is running. localaws reports STARTED just before it sends
        the query; a cancel in that window is covered by test_statement_lifecycle."""
        deadline = time.monotonic() + timeout
        while self.rsd.describe_statement(Id=statement_id)["Status"] != "STARTED":
            self.assertLess(time.monotonic(), deadline, f"statement {statement_id} never STARTED")
            time.sleep(0.05)
        literal = sql.replace("'", "''")
        while self.scalar(f"select count(*) from pg_stat_activity where state = 'active' and query = '{literal}'") != 1:
            self.assertLess(time.monotonic(), deadline, f"{sql!r} never ran in PostgreSQL")
            time.sleep(0.05)

    def run_ok(self, sql, **extra):
        """Runs one statement and asserts it FINISHED; returns DescribeStatement's answer."""
        d = self.wait(self.submit(sql, **extra))
        self.assertEqual(d["Status"], "FINISHED", f"{sql[:200]!r} failed: {d.get('Error')}")
        return d

    def run_failed(self, sql, **extra):
        """Runs one statement and asserts it FAILED; returns its Error text."""
        d = self.wait(self.submit(sql, **extra))
        self.assertEqual(d["Status"], "FAILED", f"{sql[:200]!r} unexpectedly {d['Status']}")
        self.assertTrue(d.get("Error"), "a FAILED statement carries an Error")
        return d["Error"]

    def pages(self, statement_id):
        """Every GetStatementResult page, following NextToken as the server chose it."""
        token = None
        while True:
            args = {"Id": statement_id}
            if token:
                args["NextToken"] = token
            page = self.rsd.get_statement_result(**args)
            yield page
            token = page.get("NextToken")
            if not token:
                return

    def query(self, sql):
        """Runs a query; returns (column metadata, records of all pages)."""
        d = self.run_ok(sql)
        self.assertTrue(d["HasResultSet"])
        meta, records = None, []
        for page in self.pages(d["Id"]):
            meta = meta or page["ColumnMetadata"]
            records.extend(page["Records"])
        return meta, records

    def scalar(self, sql):
        _, records = self.query(sql)
        self.assertEqual(len(records), 1)
        field = records[0][0]
        return None if field.get("isNull") else next(iter(field.values()))

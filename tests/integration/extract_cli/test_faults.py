"""Faults and failures during an extract: GetObject resets and SlowDown while staged files download
(exact output), a staged file deleted between UNLOAD and download (an error naming it, exit 1, the
staging prefix empty), SIGINT while the UNLOAD runs (CancelStatement sent, exit 130, nothing left),
kill -9 mid-download and then `shiftsync sweep` (that run's prefix gone, a live run's untouched), SQL
that fails, and a role Redshift may not assume."""
import json
import os
import signal
import time
import unittest

from extract_fixture import BUCKET, CONNECTOR_PRINCIPAL, STAGING, UNTRUSTED_ROLE, ExtractCase, kill9

ROWS = 300_000
QUERY = "select * from facts"


def rule(operation, **kwargs):
    return {"service": "s3", "operation": operation, **kwargs}


class ExtractFaults(ExtractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table facts as select g as id, md5(g::text) as h, g % 7 = 0 as flag "
                f"from generate_series(1, {ROWS}) g")

    def reference(self):
        """The Data API's output of QUERY, sorted (UNLOAD PARALLEL ON has no order)."""
        if not hasattr(type(self), "_reference"):
            out = self.path("faults/reference.csv")
            self.extract_ok("--sql", QUERY, "--to", out, "--via", "data-api")
            type(self)._reference = sorted(self.read(out).split(b"\n"))
        return type(self)._reference

    def test_resets_and_slowdown_while_downloading_give_exact_output(self):
        expected = self.reference()
        for name, faults in (("resets", [rule("GetObject", reset_rate=1, count=1), rule("GetObject", reset_rate=0.1)]),
                             ("slowdown", [rule("GetObject", error_rate=1, error="SlowDown", count=3)])):
            out = self.path(f"faults/{name}.csv")
            self.aws.set_faults(faults)
            r = self.extract("--sql", QUERY, "--to", out, "--via", "unload", "--json")
            self.aws.clear_faults()
            self.assert_ok(r)
            self.assertGreater(r.json()["retries"], 0, f"{name}: the faults were retried")
            self.assertEqual(sorted(self.read(out).split(b"\n")), expected, name)
            self.assert_staging_empty()

    def test_a_staged_file_deleted_before_its_download_is_an_error_naming_it(self):
        # The manifest's GET is held 2 s: time to delete a data file it lists.
        self.aws.set_faults([{"service": "s3", "operation": "GetObject", "latency_ms": 2000}])
        out = self.path("faults/deleted.csv")
        p = self.ss.start("extract", "--sql", QUERY, "--to", out, "--via", "unload", "--staging", STAGING)
        manifests = []

        def manifest_written():
            manifests[:] = [k for k in self.staged_keys() if k.endswith("/manifest")]
            return bool(manifests)
        self.wait_for("the UNLOAD manifest", manifest_written, timeout=60, process=p)
        manifest = json.loads(self.get(manifests[0]))
        victim = manifest["entries"][0]["url"]
        self.s3.delete_object(Bucket=BUCKET, Key=victim.split("/", 3)[3])
        _, err = p.communicate(timeout=120)
        self.aws.clear_faults()
        self.assertEqual(p.returncode, 1, err)
        self.assertIn(victim, err.decode(), "the error names the missing staged file")
        self.assert_no_local(out)
        self.assert_staging_empty()

    def start_slow_unload(self, out, seconds):
        """An extract whose UNLOAD runs `seconds` (pg_sleep in its one row: the LIMIT 0 column run does not
        sleep), returned once PostgreSQL runs that UNLOAD's COPY."""
        p = self.ss.start("extract", "--sql", f"select id, pg_sleep({seconds}) is null as slept from facts where id = 1",
                          "--to", out, "--via", "unload", "--staging", STAGING)
        self.wait_for("the UNLOAD to run", lambda: self.active_copies() > 0, timeout=60, process=p)
        return p

    def active_copies(self):
        return int(self.psql_scalar("select count(*) from pg_stat_activity where state = 'active' "
                                    "and query like 'COPY (%pg_sleep%'"))

    def test_sigint_while_unload_runs_cancels_it_and_cleans_up(self):
        out = self.path("faults/interrupted.csv")
        since = len(self.aws.request_log())
        p = self.start_slow_unload(out, 60)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 130, err)
        operations = [e.get("operation") for e in self.aws.request_log()[since:]]
        self.assertIn("CancelStatement", operations, "SIGINT cancels the running UNLOAD")
        self.wait_for("PostgreSQL to stop the cancelled UNLOAD", lambda: self.active_copies() == 0, timeout=30)
        self.assert_no_local(out)
        self.assert_staging_empty()

    def test_kill9_mid_download_then_sweep_removes_only_the_dead_run(self):
        # The data files' GETs are held 1.5 s: the process dies while it downloads them.
        self.aws.set_faults([{"service": "s3", "operation": "GetObject", "latency_ms": 1500}])
        killed_out = self.path("faults/killed.csv")
        victim = self.ss.start("extract", "--sql", QUERY, "--to", killed_out, "--via", "unload", "--staging", STAGING)
        self.wait_for("the killed run's manifest", lambda: any(k.endswith("/manifest") for k in self.staged_keys()),
                      timeout=60, process=victim)
        time.sleep(2)
        kill9(victim)
        self.aws.clear_faults()
        dead_runs = {k.split("/")[1] for k in self.staged_keys()}
        self.assertEqual(len(dead_runs), 1)
        # A live run beside it, in its UNLOAD while the sweep runs.
        alive = self.start_slow_unload(self.path("faults/alive.csv"), 60)
        live_runs = {k.split("/")[1] for k in self.staged_keys()} - dead_runs
        self.assertEqual(len(live_runs), 1)
        r = self.ss.run("sweep", STAGING, "--json")
        self.assert_ok(r)
        remaining = {k.split("/")[1] for k in self.staged_keys()}
        self.assertEqual(remaining & dead_runs, set(), "the dead run's prefix is swept")
        self.assertEqual(remaining, live_runs, "the live run's prefix is untouched")
        alive.send_signal(signal.SIGINT)
        alive.communicate(timeout=120)
        self.assert_staging_empty()
        self.assertFalse(os.path.exists(killed_out))

    def test_failing_sql_says_what_redshift_said(self):
        out = self.path("faults/bad-sql.csv")
        for via in ("data-api", "unload"):
            r = self.extract("--sql", "select no_such_column from facts", "--to", out, "--via", via)
            self.assertEqual(r.returncode, 1, str(r))
            self.assertIn("no_such_column", r.err())
            self.assert_no_local(out)
        self.assert_staging_empty()

    def test_an_unload_role_redshift_may_not_assume_is_explained(self):
        role = UNTRUSTED_ROLE
        out = self.path("faults/untrusted.csv")
        r = self.extract("--sql", QUERY, "--to", out, "--via", "unload", "--unload-role", role)
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("redshift.amazonaws.com", r.err())
        self.assertIn("sts:AssumeRole", r.err())
        self.assert_no_local(out)
        self.assert_staging_empty()

    def test_the_data_api_cap_says_to_unload_instead(self):
        r = self.extract("--sql", "select repeat('x', 10000) as wide from generate_series(1, 11000)", "--to",
                         self.path("faults/too-big.csv"), "--via", "data-api")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("100 MB", r.err())
        self.assertIn("--via unload", r.err())
        self.assert_no_local(self.path("faults/too-big.csv"))

    def test_a_full_disk_is_an_error_and_cleans_up(self):
        with open("/dev/full", "wb") as full:
            p = self.ss.start("extract", "--sql", QUERY, "--to", "-", "--via", "unload", "--staging", STAGING,
                              stdout=full)
            _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 1, err)
        self.assertIn("No space left", err.decode())
        self.assert_staging_empty()

    def test_usage_errors_exit_2_before_anything_runs(self):
        since = len(self.aws.request_log())
        for args in (["--sql", QUERY, "--table", "facts"], ["--sql", QUERY, "--via", "unload", "--staging", "nope"],
                     ["--table", "a.b.c"], ["--sql", QUERY, "--where", "x"]):
            r = self.ss.run("extract", "--to", self.path("faults/usage.csv"), *args)
            self.assertEqual(r.returncode, 2, str(r))
        self.assertEqual([e for e in self.aws.request_log()[since:]
                          if e.get("principal", "").startswith(CONNECTOR_PRINCIPAL)], [], "nothing was sent")


if __name__ == "__main__":
    unittest.main()

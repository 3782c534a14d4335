"""Failures during a load: a row COPY refuses (exit 1, the source record named, the target unchanged,
staging empty), the same with --max-errors 1 (loaded, the skipped row reported), PutObject resets
while staging (retried, exact), SIGINT during COPY (CancelStatement, ROLLBACK, exit 130), kill -9 during
COPY (never committed; `sweep` removes the prefix), malformed CSV, and usage errors found before
anything is staged (exit 2)."""
import copy
import json
import os
import signal
import unittest

from load_fixture import STAGING, LoadCase, kill9

BIG = 300_000
HOLD_SECONDS = 8  # a statement trigger holds each COPY into f_slow this long: time to interrupt it


NO_PUT_ROLE = "arn:aws:iam::111122223333:role/shiftsync-connector-no-put"


class LoadFaults(LoadCase):
    @classmethod
    def localaws_config(cls):
        """The extract suites' config plus a role like the connector's that may not PutObject."""
        config = super().localaws_config()
        customer = next(a for a in config["accounts"] if a["id"] == "111122223333")
        connector = customer["roles"][0]
        policies = copy.deepcopy(connector["policies"])
        for policy in policies:
            for statement in policy["document"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                statement["Action"] = [a for a in actions if a != "s3:PutObject"]
        customer["roles"].append({"name": "shiftsync-connector-no-put", "trust_policy": connector["trust_policy"],
                                  "policies": policies, "max_session_duration": 3600})
        return config

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # varchar(200): wide enough that no test here widens it (a load widens a VARCHAR its data
        # does not fit, before the transaction).
        cls.sql("create table f_target (id int, v varchar(200))")
        cls.sql("insert into f_target values (-1, 'keep')")

    def big_csv(self):
        path = self.path("load", "faults-big.csv")
        if os.path.exists(path):
            return path
        with open(path, "w") as f:
            f.write("id,v\n")
            f.writelines(f"{i},v{i % 1000}\n" for i in range(BIG))
        return path

    def assert_target_unchanged(self):
        self.assertEqual(self.values("f_target"), [("-1", "keep")])

    def bad_rows(self):
        """20,000 rows, one of which (record 12345) COPY refuses: an integer out of int4's range (shiftsync
        checks the digits, Redshift the range)."""
        rows = [(i, f"ok{i % 10}") for i in range(1, 20001)]
        rows[12344] = (99999999999, "big")
        return self.write_csv("bad.csv", ["id", "v"], rows)

    def test_a_row_copy_refuses_fails_the_load_naming_its_source_record(self):
        r = self.load("--from", self.bad_rows(), "--table", "f_target", "--file-size", "1MiB")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("source record 12345", r.err())
        self.assertIn("column \"id\"", r.err())
        self.assertIn("the table is unchanged", r.err())
        self.assert_target_unchanged()
        self.assert_load_staging_empty()

    def test_a_refused_row_is_named_by_its_file_and_physical_line(self):
        """Two files in a directory, records spanning several lines (quoted line breaks, CRLF) before the
        bad one in the second file: the error names that file and the line its record starts on."""
        folder = self.folder("load", "located")
        with open(os.path.join(folder, "a.csv"), "w", newline="") as f:
            f.write("id,v\n" + "".join(f'{i},"two\nlines"\n' for i in range(1, 51)))
        lines = ["id,v"]
        for i in range(51, 60):
            lines.append(f'{i},"three\r\nline\nrecord"' if i % 3 == 0 else f"{i},plain")
        lines.append("99999999999,bad")  # out of int4's range: COPY refuses it
        lines.append("61,after")
        text = "\n".join(lines) + "\n"
        bad_line = text[: text.index("99999999999")].count("\n") + 1
        with open(os.path.join(folder, "b.csv"), "w", newline="") as f:
            f.write(text)
        r = self.load("--from", folder, "--table", "f_target", "--json")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn(f"b.csv line {bad_line} (source record 60)", r.err())
        errors = r.json()["load_errors"]
        self.assertEqual([(os.path.basename(e["source_file"]), e["source_line"]) for e in errors], [("b.csv", bad_line)])
        self.assert_target_unchanged()
        self.assert_load_staging_empty()

    def test_max_errors_loads_the_rest_and_reports_the_skipped_row(self):
        self.sql("create table f_skip (id int, v varchar(5))")
        r = self.load_ok("--from", self.bad_rows(), "--table", "f_skip", "--max-errors", "1")
        summary = r.json()
        self.assertEqual(summary["rows_loaded"], 19999)
        self.assertEqual([e["source_record"] for e in summary["load_errors"]], [12345])
        self.assertEqual(self.psql_scalar("select count(*) from f_skip where v = 'big'"), "0")
        self.assert_load_staging_empty()

    def test_put_object_resets_are_retried(self):
        self.sql("create table f_resets (id int, v varchar(5))")
        self.aws.set_faults([{"service": "s3", "operation": "PutObject", "reset_rate": 1, "count": 2},
                             {"service": "s3", "operation": "PutObject", "reset_rate": 0.2}])
        r = self.load("--from", self.big_csv(), "--table", "f_resets", "--file-size", "1MiB", "--json")
        self.aws.clear_faults()
        self.assert_ok(r)
        self.assertGreater(r.json()["retries"], 0)
        self.assertEqual(self.psql_scalar("select count(*), sum(id) from f_resets"), f"{BIG}|{BIG * (BIG - 1) // 2}")
        self.assert_load_staging_empty()

    def copy_running(self):
        return int(self.psql_scalar("select count(*) from pg_stat_activity where state = 'active' "
                                    "and query like 'COPY %FROM STDIN%'")) > 0

    def slow_table(self, name):
        """f_slow: one row, and a trigger (created as the cluster's superuser) that makes every COPY into it
        wait HOLD_SECONDS in PostgreSQL, so a test can interrupt a COPY that is surely running."""
        self.sql(f"create table {name} (id int, v varchar(5))")
        self.sql(f"insert into {name} values (-1, 'keep')")
        self.psql_scalar("create or replace function public.hold_copy() returns trigger language plpgsql as "
                         f"$$ begin perform pg_sleep({HOLD_SECONDS}); return null; end $$")
        self.psql_scalar(f"create trigger hold_copy before insert on {name} for each statement "
                         "execute function public.hold_copy()")
        return name

    def assert_slow_unchanged(self, name):
        self.assertEqual(self.values(name), [("-1", "keep")])

    def test_sigint_during_copy_cancels_and_rolls_back(self):
        table = self.slow_table("f_slow_sigint")
        since = len(self.aws.request_log())
        p = self.ss.start("load", "--from", self.big_csv(), "--table", table, "--staging", STAGING)
        self.wait_for("the COPY to run", self.copy_running, timeout=120, process=p)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("CancelStatement", [e.get("operation") for e in self.aws.request_log()[since:]])
        self.assert_slow_unchanged(table)
        self.assert_load_staging_empty()

    def test_a_statement_that_times_out_is_cancelled_and_rolled_back(self):
        table = self.slow_table("f_slow_timeout")
        since = len(self.aws.request_log())
        r = self.load("--from", self.big_csv(), "--table", table, "--statement-timeout", "2")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("when the wait timed out", r.err())
        self.assertIn("the table is unchanged", r.err())
        self.assertIn("CancelStatement", [e.get("operation") for e in self.aws.request_log()[since:]])
        self.wait_for("PostgreSQL to end the cancelled COPY", lambda: not self.copy_running(), timeout=120)
        self.assert_slow_unchanged(table)
        self.assert_load_staging_empty()

    def test_a_staging_bucket_that_refuses_put_object(self):
        connect = [NO_PUT_ROLE if arg == self.connect[self.connect.index("--role-arn") + 1] else arg
                   for arg in self.connect]
        # The role's database user gets the connector's database role (as the guide sets it up), so only
        # the staging bucket says no.
        first = self.ss.run("query", "select 1", "--workgroup", "default-workgroup", "--database", "dev",
                            connect=connect)
        self.assert_ok(first)  # (the first statement creates the role's database user)
        self.psql_scalar('grant rss_admin to "IAMR:shiftsync-connector-no-put"')
        created = self.ss.run("query", "create table f_noput (id int, v varchar(5))", "--workgroup",
                              "default-workgroup", "--database", "dev", connect=connect)
        self.assert_ok(created)
        r = self.ss.run("load", "--workgroup", "default-workgroup", "--database", "dev", "--staging", STAGING,
                        "--from", self.write_csv("no-put.csv", ["id", "v"], [(1, "a")]), "--table", "f_noput",
                        connect=connect)
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("AccessDenied", r.err())
        self.assertIn("s3:PutObject", r.err())
        self.assertEqual(self.psql_scalar("select count(*) from f_noput"), "0")
        self.assert_load_staging_empty()

    def test_kill9_during_copy_commits_nothing_and_sweep_cleans_up(self):
        table = self.slow_table("f_slow_kill9")
        p = self.ss.start("load", "--from", self.big_csv(), "--table", table, "--staging", STAGING)
        self.wait_for("the COPY to run", self.copy_running, timeout=120, process=p)
        kill9(p)
        self.wait_for("PostgreSQL to end the orphaned COPY", lambda: not self.copy_running(), timeout=120)
        self.assert_slow_unchanged(table)
        self.assertNotEqual(self.load_staging_keys(), [], "kill -9 left the run's prefix")
        r = self.ss.run("sweep", STAGING, "--json")
        self.assert_ok(r)
        self.assert_load_staging_empty()

    def test_malformed_csv_names_file_and_line(self):
        path = self.path("load", "malformed.csv")
        with open(path, "w") as f:
            f.write('id,v\n1,a\n2,"b\n3,c\n')
        r = self.load("--from", path, "--table", "f_target")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("malformed.csv", r.err())
        self.assertIn("line 3", r.err())
        self.assert_target_unchanged()
        self.assert_load_staging_empty()

    def test_a_value_of_the_wrong_type_fails_while_reading(self):
        path = self.write_csv("wrong-type.csv", ["id", "v"], [(1, "a"), ("two", "b")])
        r = self.load("--from", path, "--table", "f_target")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("'two' is not a valid integer", r.err())
        self.assert_target_unchanged()
        self.assert_load_staging_empty()

    def test_usage_errors_exit_2_before_anything_is_staged(self):
        ok = self.write_csv("usage.csv", ["id", "v"], [(1, "a")])
        dup = self.write_csv("dup.csv", ["id", "ID"], [(1, 2)])
        extra = self.write_csv("extra.csv", ["id", "nope"], [(1, 2)])
        cases = [(["--from", ok, "--table", "f_target", "--mode", "upsert", "--key", "missing"], "missing"),
                 (["--from", dup, "--table", "f_target"], "twice"),
                 (["--from", extra, "--table", "f_target"], "\"nope\""),
                 (["--from", ok, "--table", "no_such_table"], "--create-table"),
                 (["--from", ok, "--table", "f_target", "--mode", "upsert"], "--key")]
        for args, needle in cases:
            r = self.load(*args)
            self.assertEqual(r.returncode, 2, str(r))
            self.assertIn(needle, r.err())
        self.assert_target_unchanged()
        self.assert_load_staging_empty()


if __name__ == "__main__":
    unittest.main()

"""Edges of a statement's life, through boto3: a cancel that arrives after STARTED but before the SQL
reached PostgreSQL is honoured (it used to be lost: PostgreSQL cancels nothing while it waits for a
query), and errors of a connection PostgreSQL ends carry one severity prefix, PostgreSQL's own."""
import time
import unittest

from data_api_helpers import WORKGROUP, DataApiTestCase

# localaws's test-only fault rule: each statement waits up to latency_ms between STARTED and sending
# its SQL, and a cancel ends the wait at once. So the cancel lands in the window every time.
HOLD_AFTER_STARTED = {"service": "redshift-data", "operation": "StatementStarted", "latency_ms": 30000}


class StatementLifecycleTest(DataApiTestCase):
    def wait_for_status(self, statement_id, wanted, timeout=30):
        deadline = time.monotonic() + timeout
        while (status := self.rsd.describe_statement(Id=statement_id)["Status"]) != wanted:
            self.assertLess(time.monotonic(), deadline, f"statement {statement_id} still {status}, never {wanted}")
            time.sleep(0.02)

    def test_cancel_between_started_and_send_aborts_and_has_no_effect(self):
        self.run_ok("create table cancel_effects (id int4)")
        self.aws.set_faults([HOLD_AFTER_STARTED])
        self.addCleanup(self.aws.clear_faults)
        statement_id = self.submit("select pg_sleep(2); insert into cancel_effects values (1)")
        self.wait_for_status(statement_id, "STARTED")
        self.assertTrue(self.rsd.cancel_statement(Id=statement_id)["Status"])
        d = self.wait(statement_id)
        self.aws.clear_faults()
        self.assertEqual(d["Status"], "ABORTED", d.get("Error"))
        self.assertEqual(self.scalar("select count(*) from cancel_effects"), 0, "the cancelled insert ran")

    def test_unknown_database_is_one_fatal(self):
        out = self.rsd.execute_statement(WorkgroupName=WORKGROUP, Database="no_such_db", Sql="select 1")
        d = self.wait(out["Id"])
        self.assertEqual(d["Status"], "FAILED")
        self.assertEqual(d["Error"], 'FATAL: database "no_such_db" does not exist')

    def test_terminated_backend_is_one_fatal(self):
        sql = "select pg_sleep(60)"
        statement_id = self.submit(sql)
        self.wait_until_running(statement_id, sql)
        # A user may end its own backends, as in Redshift (pg_terminate_backend on its own pid).
        self.assertEqual(self.scalar("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                                     f"where state = 'active' and query = '{sql}'"), 1)
        d = self.wait(statement_id)
        self.assertEqual(d["Status"], "FAILED")
        self.assertEqual(d["Error"], "FATAL: terminating connection due to administrator command")
        self.assertEqual(self.scalar("select 41 + 1"), 42, "the pool drops the dead connection")


if __name__ == "__main__":
    unittest.main()

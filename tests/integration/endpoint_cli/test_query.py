"""`shiftsync query` on the endpoint path: the same output as on the Data API path (every type, both
formats, parameters, DML), errors with their SQLSTATE, a --timeout that cancels the statement on the
server, and failures explained (wrong CA, unreachable endpoint)."""
import os
import socket
import sys
import time
import unittest

from endpoint_fixture import EndpointCase, HERE

sys.path.insert(0, os.path.join(HERE, "..", "extract_cli"))
from test_values import COLUMNS, ROWS  # noqa: E402


class QueryOnTheEndpoint(EndpointCase):
    # --discover-endpoint asks GetWorkgroup, which the connector guide's role may not call: refused, as tested.
    tolerated_refusals = EndpointCase.tolerated_refusals | {"redshift-serverless:GetWorkgroup"}
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table every_type (" + ", ".join(f"{n} {t}" for n, t, _ in COLUMNS) + ")")
        cls.sql("insert into every_type values " + ", ".join(ROWS))
        cls.sql("insert into every_type (id) values (100)")  # NULL in every other column

    def both(self, *args):
        via_api = self.on_data_api(*args)
        via_endpoint = self.on_endpoint(*args)
        self.assertEqual(via_api.returncode, 0, via_api.err())
        self.assertEqual(via_endpoint.returncode, 0, via_endpoint.err())
        return via_api, via_endpoint

    def test_every_type_is_the_same_on_both_paths(self):
        for fmt in ("csv", "ndjson", "table"):
            with self.subTest(format=fmt):
                api, endpoint = self.both("query", "select * from every_type order by id", "--format", fmt)
                self.assertGreater(len(api.stdout.splitlines()), len(ROWS))
                self.assertEqual(endpoint.stdout, api.stdout)

    def test_parameters_and_an_empty_result(self):
        api, endpoint = self.both("query", "select id, v from every_type where id >= :low and v <> :skip order by id",
                                  "--param", "low=2", "--param", "skip=plain")
        self.assertIn(b"line one", endpoint.stdout)
        self.assertEqual(endpoint.stdout, api.stdout)
        api, endpoint = self.both("query", "select id, v from every_type where id < 0")
        self.assertEqual(endpoint.stdout, api.stdout)
        self.assertEqual(endpoint.stdout.strip(), b"id,v")
        refused = self.on_endpoint("query", "select :nope")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("nope", refused.err())

    def test_dml_reports_rows_affected(self):
        self.sql("create table counted (k int)")
        r = self.on_endpoint("query", "insert into counted values (1), (2), (3)")
        self.assertEqual(r.returncode, 0, r.err())
        self.assertIn("3 rows affected", r.err())
        r = self.on_endpoint("query", "select count(*) from counted")
        self.assertEqual(r.stdout.splitlines()[-1], b"3")

    def test_invalid_sql_names_the_sqlstate_and_the_endpoint(self):
        r = self.on_endpoint("query", "select * from no_such_table")
        self.assertEqual(r.returncode, 1)
        self.assertIn("42P01", r.err())
        self.assertIn("no_such_table", r.err())
        self.assertIn(str(self.aws.postgres["port"]), r.err())

    def test_timeout_cancels_the_statement_on_the_server(self):
        marker = f"shiftsync-timeout-{time.monotonic_ns()}"
        started = time.monotonic()
        r = self.on_endpoint("query", f"select pg_sleep(60) /* {marker} */", "--timeout", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cancelled", r.err())
        self.assertLess(time.monotonic() - started, 30)
        # No backend still runs it (the CLI has exited; its cancel reached the server).
        for _ in range(100):
            d = self.sql(f"select count(*) from pg_stat_activity where query like '%{marker}%' "
                         f"and query not like '%pg_stat_activity%'")
            got = self.rsd.get_statement_result(Id=d["Id"])["Records"][0][0]["longValue"]
            if got == 0:
                break
            time.sleep(0.1)
        self.assertEqual(got, 0)

    def test_a_wrong_ca_is_a_tls_verification_error(self):
        other_ca = os.path.join(self.tmp, "other-ca.pem")
        with open(other_ca, "w") as f, open("/etc/ssl/certs/ca-certificates.crt") as system:
            f.write(system.read())
        pg = self.aws.postgres
        r = self.ss.run("query", "select 1", "--connection-method", "endpoint", "--db-endpoint",
                        f"{pg['address']}:{pg['port']}", "--db-ca", other_ca)
        self.assertEqual(r.returncode, 1)
        self.assertIn("TLS verification failed", r.err())
        self.assertIn("--db-ca", r.err())

    def test_an_unreachable_endpoint_suggests_the_data_api(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        r = self.ss.run("query", "select 1", "--connection-method", "endpoint", "--db-endpoint",
                        f"127.0.0.1:{closed_port}", "--db-ca", self.aws.postgres["ca"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot be reached", r.err())
        self.assertIn("--connection-method data-api", r.err())

    def test_without_db_endpoint_the_name_aws_gives_it_is_used(self):
        r = self.ss.run("query", "select 1", "--connection-method", "endpoint", "--db-ca", self.aws.postgres["ca"],
                        timeout=120)
        self.assertEqual(r.returncode, 1, str(r))
        # The account from --role-arn, the region from --region: the name AWS gives the endpoint.
        self.assertIn("default-workgroup.111122223333.us-east-1.redshift-serverless.amazonaws.com:5439", r.err())
        self.assertIn("--db-endpoint", r.err())

    def test_discover_endpoint_refused_by_the_guides_policy_says_what_to_do(self):
        r = self.ss.run("query", "select 1", "--connection-method", "endpoint", "--discover-endpoint")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("GetWorkgroup", r.err())
        self.assertIn("AccessDenied", r.err())
        self.assertIn("--db-endpoint", r.err())

    def test_a_bad_endpoint_flag_is_a_usage_error(self):
        r = self.on_data_api("query", "select 1", "--connection-method", "endpoint", "--db-endpoint", "host:99999")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--db-endpoint", r.err())


if __name__ == "__main__":
    unittest.main()

"""`shiftsync extract` and `shiftsync load` on the endpoint path: the same bytes as on the Data API
path for the every-type table (the query's rows by a cursor, and by UNLOAD issued on the connection),
a result larger than one FETCH, loads (append, upsert) giving equal tables, and a row COPY refuses
named on both paths the same way. Staging is empty after each run."""
import os
import sys
import unittest

from endpoint_fixture import EndpointCase, HERE

sys.path.insert(0, os.path.join(HERE, "..", "load_cli"))
from extract_fixture import BUCKET, DATABASE, STAGING, STAGING_PREFIX, WORKGROUP  # noqa: E402
from load_fixture import STAGING as LOAD_STAGING, csv_text  # noqa: E402
from test_values import COLUMNS, QUERY, ROWS  # noqa: E402

LOAD_COLUMNS = ["id", "n", "d", "v", "ts"]
LOAD_ROWS = [(i, i * 7, f"{i}.{i % 100:02d}", f"value, \"{i}\"" if i % 5 else "", f"2026-12-0{1 + i % 9} 10:00:00")
             for i in range(1, 301)]


class TransfersOnTheEndpoint(EndpointCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table every_type (" + ", ".join(f"{n} {t}" for n, t, _ in COLUMNS) + ")")
        cls.sql("insert into every_type values " + ", ".join(ROWS))
        cls.sql("create table many as select g as id, md5(g::text) as h from generate_series(1, 25000) g")

    def extract(self, endpoint, *args):
        flags = self.endpoint_flags if endpoint else []
        r = self.ss.run("extract", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging", STAGING, "--json",
                        *args, *flags)
        self.assertEqual(r.returncode, 0, str(r))
        return r

    def staged(self, prefix):
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return [o["Key"] for o in out.get("Contents", [])]

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def test_extract_gives_the_same_bytes_on_both_paths_by_either_read(self):
        for suffix in (".csv", ".ndjson"):
            outputs = {}
            for endpoint in (False, True):
                for via in ("data-api", "unload"):
                    name = self.path(f"every-{'endpoint' if endpoint else 'api'}-{via}{suffix}")
                    r = self.extract(endpoint, "--sql", QUERY, "--to", name, "--via", via)
                    self.assertEqual(r.json()["path"], via)
                    self.assertEqual(r.json()["rows"], len(ROWS))
                    outputs[(endpoint, via)] = self.read(name)
                    self.assertEqual(self.staged(STAGING_PREFIX), [], "the run left objects in the staging prefix")
            with self.subTest(format=suffix):
                reference = outputs[(False, "data-api")]
                self.assertGreater(len(reference), 200)
                for key, got in outputs.items():
                    self.assertEqual(got, reference, f"{key} differs from the Data API's")

    def test_a_result_larger_than_a_fetch_pages_through_the_cursor(self):
        by_endpoint = self.path("many-endpoint.csv")
        since = len(self.aws.request_log())
        r = self.extract(True, "--sql", "select * from many order by id", "--to", by_endpoint, "--via", "data-api")
        granted, _ = self.connector_actions(since=since)
        self.assertIn("redshift-serverless:GetCredentials", granted)
        self.assertNotIn("redshift-data:ExecuteStatement", granted, "a statement went through the Data API")
        self.assertEqual(r.json()["rows"], 25000)
        self.assertGreaterEqual(r.json()["result_pages"], 3)
        by_api = self.path("many-api.csv")
        self.extract(False, "--sql", "select * from many order by id", "--to", by_api, "--via", "data-api")
        self.assertEqual(self.read(by_endpoint), self.read(by_api))

    def load(self, endpoint, *args):
        flags = self.endpoint_flags if endpoint else []
        return self.ss.run("load", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging", LOAD_STAGING, "--json",
                           *args, *flags)

    def write_csv(self, name, header, rows):
        path = self.path(name)
        with open(path, "w", newline="") as f:
            f.write(csv_text(header, rows))
        return path

    def table_text(self, table):
        return self.psql_copy(f"select * from {table} order by 1")

    def test_loads_give_equal_tables_on_both_paths(self):
        first = self.write_csv("load-first.csv", LOAD_COLUMNS, LOAD_ROWS)
        changes = [(i, -i, "0.50", f"changed {i}", "2027-01-01 00:00:00") for i in range(250, 351)]
        second = self.write_csv("load-second.csv", LOAD_COLUMNS, changes)
        summaries = {}
        for endpoint, table in ((False, "loaded_api"), (True, "loaded_endpoint")):
            appended = self.load(endpoint, "--from", first, "--table", table, "--create-table")
            self.assertEqual(appended.returncode, 0, str(appended))
            upserted = self.load(endpoint, "--from", second, "--table", table, "--mode", "upsert", "--key", "id")
            self.assertEqual(upserted.returncode, 0, str(upserted))
            summaries[endpoint] = (appended.json()["inserted"], upserted.json()["updated"], upserted.json()["inserted"])
            self.assertEqual(self.staged("load-staging/"), [], "the load left objects in the staging prefix")
        self.assertEqual(summaries[True], summaries[False])
        self.assertEqual(summaries[True], (300, 51, 50))
        self.assertEqual(self.table_text("loaded_endpoint"), self.table_text("loaded_api"))

    def test_a_refused_row_is_named_alike_on_both_paths(self):
        bad = self.write_csv("refused.csv", ["id", "v"], [(1, "ok"), (2, "fine"), (99999999999, "bad"), (4, "after")])
        reports = {}
        for endpoint, table in ((False, "refused_api"), (True, "refused_endpoint")):
            self.sql(f"create table {table} (id int, v varchar(10))")
            r = self.load(endpoint, "--from", bad, "--table", table)
            self.assertEqual(r.returncode, 1, str(r))
            errors = r.json()["load_errors"]
            reports[endpoint] = [(os.path.basename(e["source_file"]), e["source_line"], e["column"]) for e in errors]
            self.assertEqual(self.psql_scalar(f"select count(*) from {table}"), "0", "nothing was committed")
            self.assertEqual(self.staged("load-staging/"), [])
        self.assertEqual(reports[True], reports[False])
        self.assertEqual(reports[True], [("refused.csv", 4, "id")])


if __name__ == "__main__":
    unittest.main()

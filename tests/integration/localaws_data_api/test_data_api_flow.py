"""The documented Data API flow end to end, through boto3 on the connector role (assumed with its
ExternalId): catalog calls, a 250,000-row typed result paged with NextToken and checked value by
value against Python's own computation, CancelStatement on a running pg_sleep, and the AWS CLI."""
import csv
import datetime
import gzip
import io
import json
import re
import time
import unittest
from decimal import Decimal

from botocore.exceptions import ClientError

from data_api_helpers import BUCKET, DATABASE, WORKGROUP, DataApiTestCase

ROWS = 250_000

CREATE_TYPED = """
CREATE TABLE typed_rows (
  id int8 NOT NULL, c_int2 int2, c_int4 int4, c_int8 int8, c_num numeric(12,3), c_f4 float4, c_f8 float8,
  c_bool bool, c_char char(6), c_varchar varchar(64), c_date date, c_ts timestamp, c_tstz timestamptz, c_time time)
"""

FILL_TYPED = f"""
INSERT INTO typed_rows SELECT i,
  CASE WHEN i % 13 = 0 THEN NULL ELSE ((i % 65535) - 32767)::int2 END,
  (i::int8 * 8191 - 1000000000)::int4,
  i::int8 * 36028797018963 * (1 - 2 * (i % 2)),
  (((i - 125000) * 37)::numeric / 1000)::numeric(12,3),
  i::float4 / 4,
  CASE WHEN i % 17 = 0 THEN NULL ELSE i::float8 / 3 END,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END,
  ('c' || (i % 100))::char(6),
  CASE WHEN i % 11 = 0 THEN NULL ELSE 'zażółć ' || i || ' 日本語 ü€' END,
  date '1999-12-31' + (i % 20000),
  timestamp '2020-02-28 23:59:00' + i * interval '37 seconds' + (i % 1000) * interval '1 millisecond',
  CASE WHEN i % 5 = 0 THEN NULL ELSE timestamptz '2021-06-30 12:00:00+00' + i * interval '61 seconds' END,
  time '00:00:00' + ((i * 7) % 86400) * interval '1 second'
FROM generate_series(1, {ROWS}) AS i
"""

NULL = {"isNull": True}


def _timestamp_text(dt):
    """PostgreSQL's / Redshift's text form: fractional seconds only when present, trailing zeros cut."""
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    if dt.microsecond:
        text += (".%06d" % dt.microsecond).rstrip("0")
    return text


def expected_record(i):
    """The Field unions Redshift's Data API returns for row i (DECIMAL, dates and times as strings)."""
    ts = datetime.datetime(2020, 2, 28, 23, 59) + datetime.timedelta(seconds=37 * i, milliseconds=i % 1000)
    tstz = datetime.datetime(2021, 6, 30, 12, 0) + datetime.timedelta(seconds=61 * i)
    return [
        {"longValue": i},
        NULL if i % 13 == 0 else {"longValue": (i % 65535) - 32767},
        {"longValue": i * 8191 - 1000000000},
        {"longValue": i * 36028797018963 * (1 - 2 * (i % 2))},
        {"stringValue": format(Decimal((i - 125000) * 37) / 1000, ".3f")},
        {"doubleValue": i / 4},
        NULL if i % 17 == 0 else {"doubleValue": i / 3},
        NULL if i % 7 == 0 else {"booleanValue": i % 2 == 0},
        {"stringValue": f"c{i % 100}".ljust(6)},
        NULL if i % 11 == 0 else {"stringValue": f"zażółć {i} 日本語 ü€"},
        {"stringValue": (datetime.date(1999, 12, 31) + datetime.timedelta(days=i % 20000)).isoformat()},
        {"stringValue": _timestamp_text(ts)},
        NULL if i % 5 == 0 else {"stringValue": _timestamp_text(tstz) + "+00"},
        {"stringValue": str(datetime.timedelta(seconds=(i * 7) % 86400)).rjust(8, "0")},
    ]


class DataApiFlowTest(DataApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for sql in (CREATE_TYPED, FILL_TYPED, "CREATE VIEW typed_view AS SELECT id, c_varchar FROM typed_rows"):
            d = cls.wait(cls.submit(sql), timeout=300)
            if d["Status"] != "FINISHED":
                raise RuntimeError(f"setup failed: {d.get('Error')}")

    def test_catalog_lists_databases_schemas_tables_and_columns(self):
        self.assertIn("dev", self.rsd.list_databases(WorkgroupName=WORKGROUP, Database=DATABASE)["Databases"])
        schemas = self.rsd.list_schemas(WorkgroupName=WORKGROUP, Database=DATABASE)["Schemas"]
        self.assertIn("public", schemas)
        self.assertEqual(self.rsd.list_schemas(WorkgroupName=WORKGROUP, Database=DATABASE,
                                               SchemaPattern="pub%")["Schemas"], ["public"])
        tables = self.rsd.list_tables(WorkgroupName=WORKGROUP, Database=DATABASE, SchemaPattern="public",
                                      TablePattern="typed%")["Tables"]
        by_name = {t["name"]: t for t in tables}
        self.assertEqual(set(by_name), {"typed_rows", "typed_view"})
        self.assertEqual(by_name["typed_rows"]["type"], "TABLE")
        self.assertEqual(by_name["typed_view"]["type"], "VIEW")
        self.assertEqual(by_name["typed_rows"]["schema"], "public")

        columns = []
        args = dict(WorkgroupName=WORKGROUP, Database=DATABASE, Schema="public", Table="typed_rows")
        while True:
            page = self.rsd.describe_table(**args)
            columns += page["ColumnList"]
            if not page.get("NextToken"):
                break
            args["NextToken"] = page["NextToken"]
        self.assertEqual([(c["name"], c["typeName"]) for c in columns], [
            ("id", "bigint"), ("c_int2", "smallint"), ("c_int4", "integer"), ("c_int8", "bigint"),
            ("c_num", "numeric"), ("c_f4", "real"), ("c_f8", "double precision"), ("c_bool", "boolean"),
            ("c_char", "character"), ("c_varchar", "character varying"), ("c_date", "date"),
            ("c_ts", "timestamp without time zone"), ("c_tstz", "timestamp with time zone"),
            ("c_time", "time without time zone")])
        by_column = {c["name"]: c for c in columns}
        self.assertEqual((by_column["c_num"]["precision"], by_column["c_num"]["scale"]), (12, 3))
        self.assertEqual(by_column["c_varchar"]["length"], 64)
        self.assertEqual(by_column["id"]["nullable"], 0)
        self.assertEqual(by_column["c_int4"]["nullable"], 1)

    def test_paging_250000_typed_rows_matches_python(self):
        d = self.run_ok("SELECT * FROM typed_rows ORDER BY id")
        self.assertTrue(d["HasResultSet"])
        self.assertEqual(d["ResultRows"], ROWS)
        next_id, page_count = 1, 0
        for page in self.pages(d["Id"]):
            page_count += 1
            if page_count == 1:
                self.assertEqual(page["TotalNumRows"], ROWS)
                meta = page["ColumnMetadata"]
                self.assertEqual([m["typeName"] for m in meta], [
                    "int8", "int2", "int4", "int8", "numeric", "float4", "float8", "bool", "bpchar", "varchar",
                    "date", "timestamp", "timestamptz", "time"])
                self.assertEqual([m["name"] for m in meta][:3], ["id", "c_int2", "c_int4"])
                self.assertEqual((meta[4]["precision"], meta[4]["scale"]), (12, 3))
            self.assertTrue(page["Records"], "no empty pages")
            for record in page["Records"]:
                expected = expected_record(next_id)
                if record != expected:
                    self.fail(f"row {next_id}: got {record}, expected {expected}")
                next_id += 1
        self.assertEqual(next_id - 1, ROWS)
        self.assertGreater(page_count, 1, "250,000 rows need several pages")

    def test_unload_gzip_csv_manifest_then_copy_back_is_identical(self):
        prefix = "flow/typed_"
        d = self.run_ok(f"UNLOAD ('SELECT * FROM typed_rows') TO 's3://{BUCKET}/{prefix}' "
                        "IAM_ROLE default FORMAT AS CSV GZIP MANIFEST")
        self.assertEqual(d["ResultRows"], ROWS)
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        sizes = {o["Key"]: o["Size"] for o in listed["Contents"]}
        self.assertIn(prefix + "manifest", sizes)
        data_keys = sorted(k for k in sizes if k != prefix + "manifest")
        self.assertTrue(data_keys)
        for key in data_keys:
            self.assertRegex(key, r"^flow/typed_\d{4}_part_\d{2}\.gz$")

        manifest = json.loads(self.s3.get_object(Bucket=BUCKET, Key=prefix + "manifest")["Body"].read())
        self.assertEqual(sorted(e["url"] for e in manifest["entries"]), [f"s3://{BUCKET}/{k}" for k in data_keys])
        for entry in manifest["entries"]:
            self.assertEqual(entry["meta"]["content_length"], sizes[entry["url"][len(f"s3://{BUCKET}/"):]])
        if "meta" in manifest:
            self.assertEqual(manifest["meta"]["content_length"], sum(sizes[k] for k in data_keys))
            if "record_count" in manifest["meta"]:
                self.assertEqual(manifest["meta"]["record_count"], ROWS)

        seen = set()
        for key in data_keys:
            body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            self.assertEqual(body[:2], b"\x1f\x8b", f"{key} is gzip")
            for row in csv.reader(io.StringIO(gzip.decompress(body).decode("utf-8"), newline="")):
                i = int(row[0])
                self.assertNotIn(i, seen)
                seen.add(i)
                self.assertEqual(row, self._csv_row(i, row), f"{key}: row {i}")
        self.assertEqual(len(seen), ROWS)
        self.assertEqual(min(seen), 1)
        self.assertEqual(max(seen), ROWS)

        self.run_ok("CREATE TABLE typed_copy (LIKE typed_rows)")
        d = self.run_ok(f"COPY typed_copy FROM 's3://{BUCKET}/{prefix}manifest' IAM_ROLE default "
                        "FORMAT AS CSV GZIP MANIFEST EMPTYASNULL")
        self.assertEqual(d["ResultRows"], ROWS)
        self.assertEqual(self.scalar("SELECT count(*) FROM typed_copy"), ROWS)
        self.assertEqual(self.scalar("SELECT count(*) FROM (SELECT * FROM typed_rows EXCEPT SELECT * FROM typed_copy) x"), 0)
        self.assertEqual(self.scalar("SELECT count(*) FROM (SELECT * FROM typed_copy EXCEPT SELECT * FROM typed_rows) x"), 0)

    @staticmethod
    def _csv_row(i, actual):
        """Row i as UNLOAD's CSV writes it: NULL as an empty field, booleans t/f; floats compared by value."""
        out = []
        for column, field in enumerate(expected_record(i)):
            if field.get("isNull"):
                out.append("")
            elif "booleanValue" in field:
                out.append("t" if field["booleanValue"] else "f")
            elif "doubleValue" in field:
                out.append(actual[column] if float(actual[column]) == field["doubleValue"] else repr(field["doubleValue"]))
            else:
                out.append(str(next(iter(field.values()))))
        return out

    def test_cancel_running_pg_sleep_is_aborted(self):
        statement_id = self.submit("select pg_sleep(60)")
        self.wait_until_running(statement_id, "select pg_sleep(60)")
        started = time.monotonic()
        self.assertTrue(self.rsd.cancel_statement(Id=statement_id)["Status"])
        d = self.wait(statement_id, timeout=30)
        self.assertEqual(d["Status"], "ABORTED")
        self.assertLess(time.monotonic() - started, 30, "the backend was really cancelled, not waited out")
        # The pooled connection stays usable after the cancel.
        self.assertEqual(self.scalar("select 41 + 1"), 42)

    def test_parameters_idempotency_and_statement_fields(self):
        params = [{"name": "a", "value": "41"}, {"name": "b", "value": "héllo"}]
        d = self.run_ok("select :a::int + 1 as x, :b as y", Parameters=params)
        self.assertEqual(self.rsd.get_statement_result(Id=d["Id"])["Records"],
                         [[{"longValue": 42}, {"stringValue": "héllo"}]])
        self.assertEqual(d["QueryParameters"], params)
        self.assertEqual(d["QueryString"], "select :a::int + 1 as x, :b as y")
        self.assertEqual((d["DbUser"], d["Database"], d["WorkgroupName"]), ("IAMR:shiftsync-connector", DATABASE, WORKGROUP))
        self.assertEqual((d["ResultRows"], d["HasResultSet"]), (1, True))
        self.assertGreater(d["Duration"], 0)
        self.assertGreater(d["RedshiftQueryId"], 0)
        self.assertLessEqual(d["CreatedAt"], d["UpdatedAt"])

        first = self.submit("select 1", ClientToken="same-token-twice")
        self.assertEqual(self.submit("select 1", ClientToken="same-token-twice"), first)
        self.assertNotEqual(self.submit("select 1", ClientToken="another-token"), first)

        self.assertEqual(self.run_failed("select 1/0"), "ERROR: division by zero")
        with self.assertRaises(ClientError) as caught:
            self.rsd.describe_statement(Id="00000000-0000-0000-0000-000000000000")
        self.assertEqual(self.error_code(caught), "ResourceNotFoundException")
        sleeper = self.submit("select pg_sleep(30)")
        with self.assertRaises(ClientError) as caught:
            self.rsd.get_statement_result(Id=sleeper)
        self.assertEqual(self.error_code(caught), "ValidationException")
        self.rsd.cancel_statement(Id=sleeper)

    def test_loader_staging_pattern_in_one_session(self):
        """The loaders' usual upsert: COPY into a temp table (LIKE target) in a session, DELETE ... USING,
        INSERT, then MERGE; with VARCHAR(MAX), SUPER, GETDATE() and ALTER TABLE ... ADD COLUMN."""
        self.run_ok("CREATE TABLE loader_target (id int4, v varchar(max), doc super, loaded_at timestamp DEFAULT getdate())")
        self.run_ok("""INSERT INTO loader_target (id, v, doc) VALUES (1, 'old', '{"k": 1}'), (2, 'old', NULL)""")
        self.s3.put_object(Bucket=BUCKET, Key="loader/batch.csv", Body="2,new two\n3,new three\n".encode())
        first = self.rsd.execute_statement(WorkgroupName=WORKGROUP, Database=DATABASE, SessionKeepAliveSeconds=60,
                                           Sql="CREATE TEMP TABLE stage (LIKE loader_target)")
        self.assertEqual(self.wait(first["Id"])["Status"], "FINISHED")

        def in_session(sql):
            d = self.wait(self.rsd.execute_statement(Sql=sql, SessionId=first["SessionId"])["Id"])
            self.assertEqual(d["Status"], "FINISHED", f"{sql}: {d.get('Error')}")
            return d

        self.assertEqual(in_session(f"COPY stage (id, v) FROM 's3://{BUCKET}/loader/batch.csv' IAM_ROLE default "
                                    "FORMAT AS CSV")["ResultRows"], 2)
        self.assertEqual(in_session("DELETE FROM loader_target USING stage WHERE loader_target.id = stage.id")["ResultRows"], 1)
        in_session("INSERT INTO loader_target (id, v) SELECT id, v FROM stage")
        in_session("MERGE INTO loader_target USING stage ON loader_target.id = stage.id "
                   "WHEN MATCHED THEN UPDATE SET v = stage.v || '!' WHEN NOT MATCHED THEN INSERT (id, v) VALUES (stage.id, stage.v)")
        in_session("ALTER TABLE loader_target ADD COLUMN extra int8")
        _, records = self.query("SELECT id, v, doc IS NULL, loaded_at IS NOT NULL, extra FROM loader_target ORDER BY id")
        self.assertEqual(records, [
            [{"longValue": 1}, {"stringValue": "old"}, {"booleanValue": False}, {"booleanValue": True}, {"isNull": True}],
            [{"longValue": 2}, {"stringValue": "new two!"}, {"booleanValue": True}, {"booleanValue": True}, {"isNull": True}],
            [{"longValue": 3}, {"stringValue": "new three!"}, {"booleanValue": True}, {"booleanValue": True}, {"isNull": True}]])
        columns = self.rsd.describe_table(WorkgroupName=WORKGROUP, Database=DATABASE, Schema="public",
                                          Table="loader_target")["ColumnList"]
        self.assertEqual([c["typeName"] for c in columns],
                         ["integer", "character varying", "super", "timestamp without time zone", "bigint"])

    def test_aws_cli_execute_describe_get_result(self):
        creds = self.aws.assume_role()
        out = self.aws.cli("redshift-data", "execute-statement", "--workgroup-name", WORKGROUP, "--database",
                           DATABASE, "--sql", "select 7 as n, 'grüße' as s, null::int as z, 2.50::numeric(4,2) as d",
                           credentials=creds)
        statement_id = json.loads(out.stdout)["Id"]
        deadline = time.monotonic() + 60
        while True:
            described = json.loads(self.aws.cli("redshift-data", "describe-statement", "--id", statement_id,
                                                credentials=creds).stdout)
            if described["Status"] in ("FINISHED", "FAILED", "ABORTED"):
                break
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        self.assertEqual(described["Status"], "FINISHED", described.get("Error"))
        self.assertEqual(described["ResultRows"], 1)
        result = json.loads(self.aws.cli("redshift-data", "get-statement-result", "--id", statement_id,
                                         credentials=creds).stdout)
        self.assertEqual(result["Records"], [[{"longValue": 7}, {"stringValue": "grüße"}, {"isNull": True},
                                              {"stringValue": "2.50"}]])
        self.assertEqual([c["name"] for c in result["ColumnMetadata"]], ["n", "s", "z", "d"])
        self.assertEqual(result["TotalNumRows"], 1)


if __name__ == "__main__":
    unittest.main()

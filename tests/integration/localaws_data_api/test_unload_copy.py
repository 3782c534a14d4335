"""Bad input never half-loads: malformed UNLOAD / COPY, unknown options, a missing bucket, a role
Redshift may not assume, a file with a bad row — each statement FAILS with a Redshift-style error
(in DescribeStatement's Error) and the target table keeps exactly its rows. All through boto3."""
import copy
import gzip
import json
import unittest

from data_api_helpers import BUCKET, DataApiTestCase, default_config

GOOD_ROWS = "".join(f"{i},name {i},2024-01-{(i % 28) + 1:02d}\n" for i in range(100, 140))
ORIGINAL = [(1, "one", "2020-01-01"), (2, "two", None), (3, None, "2020-01-03")]


class TargetTableTestCase(DataApiTestCase):
    """A small table `target` whose rows every failing statement must leave exactly as they were."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for sql in ("CREATE TABLE target (id int4 NOT NULL, name varchar(20), day date)",
                    "INSERT INTO target VALUES (1, 'one', '2020-01-01'), (2, 'two', NULL), (3, NULL, '2020-01-03')"):
            if cls.wait(cls.submit(sql))["Status"] != "FINISHED":
                raise RuntimeError("setup failed: " + sql)
        cls.s3.put_object(Bucket=BUCKET, Key="good/rows.csv", Body=GOOD_ROWS.encode())

    def target_rows(self):
        _, records = self.query("SELECT id, name, day FROM target ORDER BY id")
        return [tuple(None if f.get("isNull") else next(iter(f.values())) for f in r) for r in records]

    def assert_fails_unchanged(self, sql, *needles):
        error = self.run_failed(sql)
        self.assertTrue(error.startswith("ERROR:"), f"Redshift-style error: {error!r}")
        for needle in needles:
            self.assertIn(needle.lower(), error.lower(), f"error for {sql!r}")
        self.assertEqual(self.target_rows(), ORIGINAL, f"target changed by {sql!r}")
        return error

    def objects(self, prefix):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


class BadInputNeverHalfLoadsTest(TargetTableTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two files under one prefix: the first is fine, the second has a bad row near its end.
        cls.s3.put_object(Bucket=BUCKET, Key="mixed/part_a.csv", Body=GOOD_ROWS.encode())
        bad = GOOD_ROWS + "999,bad row,not-a-date\n" + "1000,after,2024-02-02\n"
        cls.s3.put_object(Bucket=BUCKET, Key="mixed/part_b.csv.gz", Body=gzip.compress(bad.encode()))
        cls.s3.put_object(Bucket=BUCKET, Key="badint/rows.csv", Body=(GOOD_ROWS + "twelve,x,2024-01-01\n").encode())

    def test_malformed_copy_fails(self):
        self.assert_fails_unchanged("COPY target FROM IAM_ROLE default FORMAT AS CSV")
        self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/good/rows.csv' FORMAT AS CSV IAM_ROLE")

    def test_copy_unknown_option_fails(self):
        self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/good/rows.csv' IAM_ROLE default "
                                    "FORMAT AS CSV FROBNICATE", "FROBNICATE")

    def test_copy_from_missing_bucket_fails(self):
        self.assert_fails_unchanged("COPY target FROM 's3://no-such-bucket-here/rows.csv' IAM_ROLE default FORMAT AS CSV",
                                    "bucket")

    def test_copy_with_role_redshift_may_not_assume_fails(self):
        self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/good/rows.csv' "
                                    "IAM_ROLE 'arn:aws:iam::111122223333:role/not-a-role' FORMAT AS CSV",
                                    "not-a-role")

    def test_copy_file_with_bad_row_loads_nothing(self):
        error = self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/badint/' IAM_ROLE default FORMAT AS CSV",
                                            "Load into table 'target' failed", "sys_load_error_detail")
        _, records = self.query("SELECT file_name, line_number, column_name, trim(raw_field_value) "
                                "FROM sys_load_error_detail WHERE file_name LIKE '%badint/rows.csv' ORDER BY start_time")
        self.assertTrue(records, error)
        file_name, line, column, raw = (next(iter(f.values())) for f in records[-1])
        self.assertEqual(file_name, f"s3://{BUCKET}/badint/rows.csv")
        self.assertEqual((line, column.strip(), raw), (41, "id", "twelve"))

    def test_copy_prefix_good_file_then_bad_file_loads_nothing(self):
        self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/mixed/part_' IAM_ROLE default FORMAT AS CSV",
                                    "Load into table 'target' failed")

    def test_malformed_unload_fails_and_writes_nothing(self):
        self.assert_fails_unchanged(f"UNLOAD ('SELECT * FROM target' TO 's3://{BUCKET}/bad/a_' IAM_ROLE default")
        self.assert_fails_unchanged(f"UNLOAD ('SELECT * FROM target') TO 's3://{BUCKET}/bad/b_' "
                                    "IAM_ROLE default FORMAT AS CSV FROBNICATE", "FROBNICATE")
        self.assert_fails_unchanged(f"UNLOAD ('SELECT * FROM no_such_table') TO 's3://{BUCKET}/bad/c_' "
                                    "IAM_ROLE default FORMAT AS CSV", "no_such_table")
        self.assertEqual(self.objects("bad/"), [])

    def test_unload_to_missing_bucket_fails(self):
        self.assert_fails_unchanged("UNLOAD ('SELECT * FROM target') TO 's3://no-such-bucket-here/x_' "
                                    "IAM_ROLE default FORMAT AS CSV", "bucket")

    def test_unload_refuses_overwrite_without_allowoverwrite(self):
        sql = f"UNLOAD ('SELECT * FROM target') TO 's3://{BUCKET}/once/t_' IAM_ROLE default FORMAT AS CSV PARALLEL OFF"
        self.run_ok(sql)
        before = {k: self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in self.objects("once/")}
        self.assertTrue(before)
        self.assert_fails_unchanged(sql.replace("SELECT * FROM target", "SELECT 42"), "ALLOWOVERWRITE")
        after = {k: self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in self.objects("once/")}
        self.assertEqual(after, before)
        self.run_ok(sql.replace("SELECT * FROM target", "SELECT 42") + " ALLOWOVERWRITE")

    def test_unload_parquet_is_refused_clearly(self):
        self.assert_fails_unchanged(f"UNLOAD ('SELECT * FROM target') TO 's3://{BUCKET}/pq/t_' "
                                    "IAM_ROLE default FORMAT AS PARQUET", "not supported")

    def test_unload_manifest_verbose_with_header_then_copy_back(self):
        """A second round trip with other options: HEADER, MANIFEST VERBOSE (row counts, schema, totals),
        and COPY ... IGNOREHEADER 1 from that manifest."""
        self.run_ok(f"UNLOAD ('SELECT * FROM target') TO 's3://{BUCKET}/verbose/t_' IAM_ROLE default "
                    "FORMAT AS CSV HEADER MANIFEST VERBOSE")
        sizes = {o["Key"]: o["Size"] for o in self.s3.list_objects_v2(Bucket=BUCKET, Prefix="verbose/")["Contents"]}
        manifest = json.loads(self.s3.get_object(Bucket=BUCKET, Key="verbose/t_manifest")["Body"].read())
        data_keys = sorted(k for k in sizes if k != "verbose/t_manifest")
        self.assertEqual(sorted(e["url"] for e in manifest["entries"]), [f"s3://{BUCKET}/{k}" for k in data_keys])
        for entry in manifest["entries"]:
            key = entry["url"][len(f"s3://{BUCKET}/"):]
            self.assertRegex(key, r"^verbose/t_\d{4}_part_\d{2}$")
            lines = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode().splitlines()
            self.assertEqual(lines[0], "id,name,day")
            self.assertEqual(entry["meta"], {"content_length": sizes[key], "record_count": len(lines) - 1})
        self.assertEqual(manifest["meta"], {"content_length": sum(sizes[k] for k in data_keys), "record_count": 3})
        self.assertEqual([(e["name"], e["type"]["base"]) for e in manifest["schema"]["elements"]],
                         [("id", "integer"), ("name", "character varying"), ("day", "date")])
        self.assertEqual(manifest["author"]["name"], "Amazon Redshift")

        self.run_ok("CREATE TABLE target_verbose (LIKE target)")
        d = self.run_ok(f"COPY target_verbose FROM 's3://{BUCKET}/verbose/t_manifest' IAM_ROLE default "
                        "FORMAT AS CSV IGNOREHEADER 1 MANIFEST EMPTYASNULL")
        self.assertEqual(d["ResultRows"], 3)
        for a, b in (("target", "target_verbose"), ("target_verbose", "target")):
            self.assertEqual(self.scalar(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT SELECT * FROM {b}) x"), 0)

    def test_zz_good_copy_loads_into_a_copy_of_target(self):
        """The positive control: the same good file does load, so the failures above are the input's fault."""
        self.run_ok("CREATE TABLE target_ok (LIKE target)")
        d = self.run_ok(f"COPY target_ok FROM 's3://{BUCKET}/good/rows.csv' IAM_ROLE default FORMAT AS CSV")
        self.assertEqual(d["ResultRows"], 40)
        self.assertEqual(self.scalar("SELECT count(*) FROM target_ok"), 40)


def config_with_extra_roles():
    """The default setup plus two roles in the customer account: one Redshift may not assume (it trusts
    only the operator account), one Redshift may assume but that may only read the bucket."""
    config = copy.deepcopy(default_config())
    customer = next(a for a in config["accounts"] if a["id"] == "111122223333")
    connector = next(r for r in customer["roles"] if r["name"] == "shiftsync-connector")
    untrusted = copy.deepcopy(connector)
    untrusted["name"] = "no-redshift-trust"
    untrusted["trust_policy"]["Statement"] = [s for s in untrusted["trust_policy"]["Statement"]
                                              if "Service" not in s["Principal"]]
    read_only = copy.deepcopy(connector)
    read_only["name"] = "s3-read-only"
    for policy in read_only["policies"]:
        for statement in policy["document"]["Statement"]:
            if isinstance(statement["Action"], list):
                statement["Action"] = [a for a in statement["Action"] if a not in ("s3:PutObject", "s3:DeleteObject")]
    customer["roles"] += [untrusted, read_only]
    return config


class BulkRoleChecksTest(TargetTableTestCase):
    """IAM_ROLE names a real role: Redshift must be trusted by it, and it must allow the S3 action."""

    @classmethod
    def config(cls):
        return config_with_extra_roles()

    def test_copy_with_a_role_that_does_not_trust_redshift_fails(self):
        self.assert_fails_unchanged(f"COPY target FROM 's3://{BUCKET}/good/rows.csv' "
                                    "IAM_ROLE 'arn:aws:iam::111122223333:role/no-redshift-trust' FORMAT AS CSV",
                                    "not authorized to assume IAM Role", "no-redshift-trust")

    def test_unload_with_a_role_that_may_not_write_fails_and_writes_nothing(self):
        self.assert_fails_unchanged(f"UNLOAD ('SELECT * FROM target') TO 's3://{BUCKET}/ro/t_' "
                                    "IAM_ROLE 'arn:aws:iam::111122223333:role/s3-read-only' FORMAT AS CSV",
                                    "s3:PutObject")
        self.assertEqual(self.objects("ro/"), [])

    def test_copy_with_a_read_only_role_works(self):
        self.run_ok("CREATE TABLE target_ro (LIKE target)")
        d = self.run_ok(f"COPY target_ro FROM 's3://{BUCKET}/good/rows.csv' "
                        "IAM_ROLE 'arn:aws:iam::111122223333:role/s3-read-only' FORMAT AS CSV")
        self.assertEqual(d["ResultRows"], 40)


class UnloadQueryLiteralTest(DataApiTestCase):
    """UNLOAD ('<query>') takes the query as a Redshift string literal ('' or \\' for a quote, \\\\ for
    a backslash), and string literals inside the query take backslash escapes too, as in Redshift:
    the file holds exactly what the same SELECT returns through GetStatementResult."""

    SELECT = r"select 'it''s' as a, 'a\\b' as b, 'q\'s' as c"

    @staticmethod
    def as_unload_literal(query):
        return "'" + query.replace("\\", "\\\\").replace("'", "''") + "'"

    def test_unload_writes_what_the_select_returns(self):
        _, records = self.query(self.SELECT)
        returned = [f["stringValue"] for f in records[0]]
        self.assertEqual(returned, ["it's", "a\\b", "q's"])
        self.run_ok(f"UNLOAD ({self.as_unload_literal(self.SELECT)}) TO 's3://{BUCKET}/literal/q_' "
                    "IAM_ROLE default CSV PARALLEL OFF")
        body = self.s3.get_object(Bucket=BUCKET, Key="literal/q_000")["Body"].read().decode()
        self.assertEqual(body, ",".join(returned) + "\n")


if __name__ == "__main__":
    unittest.main()

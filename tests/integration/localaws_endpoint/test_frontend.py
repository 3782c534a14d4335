"""The workgroup endpoint is localaws's own PostgreSQL front end (tools/localaws/pg_frontend/), so
statements there get Redshift's dialect as on the Data API: UNLOAD to S3 (the same files and
manifest the Data API's UNLOAD writes), COPY from S3 inside BEGIN…COMMIT into a temp table,
GETDATE()/SUPER rewrites, VARBYTE as hex, errors with their SQLSTATE; the extended protocol pipelined
by pgbench (with and without \\startpipeline) with no failed transaction; a CancelRequest (psql on
SIGINT) stops a pg_sleep. Real clients (psql, pgbench, boto3) against a real localaws."""
import gzip
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from endpoint_helpers import (ROLE_ARN, LocalAWSTestCase, cli_credentials, conninfo, psql)  # noqa: F401

from localaws_fixture import NO_RETRIES  # noqa: E402

BUCKET = "unload-example"


class FrontEndTest(LocalAWSTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role = cls.aws.assume_role()
        cls.session = cls.aws.role_session()
        cls.creds = cli_credentials(cls.aws, cls.role, "--duration-seconds", "3600")
        cls.s3 = cls.session.client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)
        cls.data = cls.session.client("redshift-data", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    def info(self):
        return conninfo(self.aws.postgres, self.creds["dbUser"])

    def sql(self, sql):
        r = psql(self.info(), self.creds["dbPassword"], sql)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def env(self):
        ep = self.aws.postgres
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGPASSWORD": self.creds["dbPassword"],
                "PGSSLMODE": "verify-full", "PGSSLROOTCERT": ep["ca"], "PGHOST": ep["address"],
                "PGPORT": str(ep["port"]), "PGUSER": self.creds["dbUser"], "PGDATABASE": "dev",
                "PGPASSFILE": os.devnull, "HOME": os.devnull, "PGCONNECT_TIMEOUT": "10"}

    def data_api(self, sql):
        sid = self.data.execute_statement(WorkgroupName="default-workgroup", Database="dev", Sql=sql)["Id"]
        for _ in range(600):
            d = self.data.describe_statement(Id=sid)
            if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
                self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
                return d
            time.sleep(0.05)
        self.fail("the Data API statement did not finish")

    def objects(self, prefix):
        listed = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
        return {o["Key"][len(prefix):]: self.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}

    def test_unload_over_the_endpoint_writes_what_the_data_api_writes(self):
        query = ("select g as id, 'row ' || g as name, g * 1.5 as amount from generate_series(1, 500) g "
                 "order by g")
        template = ("UNLOAD ('" + query.replace("'", "''") + "') TO 's3://" + BUCKET + "/{prefix}/part_' "
                    "IAM_ROLE '" + ROLE_ARN + "' FORMAT CSV GZIP MANIFEST ALLOWOVERWRITE PARALLEL OFF")
        r = self.sql(template.format(prefix="endpoint"))
        self.assertIn("500 record(s) unloaded", r.stderr + r.stdout)
        self.data_api(template.format(prefix="dataapi"))
        over_endpoint, over_data_api = self.objects("endpoint/"), self.objects("dataapi/")
        self.assertIn("part_manifest", over_endpoint)
        self.assertEqual(sorted(over_endpoint), sorted(over_data_api))
        for name, body in over_endpoint.items():
            if name == "part_manifest":  # names its own prefix's files
                self.assertEqual(body.replace(b"/endpoint/", b"/dataapi/"), over_data_api[name])
            else:
                self.assertEqual(gzip.decompress(body), gzip.decompress(over_data_api[name]), name)
        rows = b"".join(gzip.decompress(b) for n, b in over_endpoint.items() if n != "part_manifest").splitlines()
        self.assertEqual(len(rows), 500)
        self.assertEqual(rows[0], b"1,row 1,1.5")

    def test_copy_from_s3_into_a_temp_table_inside_a_transaction(self):
        self.s3.put_object(Bucket=BUCKET, Key="load/input.csv.gz", Body=gzip.compress(b"1,one\n2,two\n3,three\n"))
        r = self.sql("BEGIN;\n"
                     "CREATE TEMP TABLE staged (id int, name varchar(max));\n"
                     "COPY staged FROM 's3://" + BUCKET + "/load/input.csv.gz' IAM_ROLE '" + ROLE_ARN + "' CSV GZIP;\n"
                     "SELECT count(*) || ':' || string_agg(name, ',' order by id) FROM staged;\n"
                     "SELECT pg_last_copy_count();\n"
                     "COMMIT;")
        # (psql prints each statement's command tag: COPY's is Redshift's, without a count.)
        self.assertEqual(r.stdout.splitlines(), ["BEGIN", "CREATE TABLE", "COPY", "3:one,two,three", "3", "COMMIT"])
        # Each statement by itself (psql sends them one by one): the temp table lives in the session.
        script = ("BEGIN;\nCREATE TEMP TABLE t2 (id int, name text);\n"
                  "COPY t2 FROM 's3://" + BUCKET + "/load/input.csv.gz' IAM_ROLE '" + ROLE_ARN + "' CSV GZIP;\n"
                  "SELECT sum(id) FROM t2;\nCOMMIT;\n")
        r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=script, env=self.env(),
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), ["BEGIN", "CREATE TABLE", "COPY", "6", "COMMIT"])

    def test_copy_with_a_role_redshift_may_not_use_fails_with_the_s3_error(self):
        r = psql(self.info(), self.creds["dbPassword"],
                 "COPY nothing FROM 's3://" + BUCKET + "/load/x' IAM_ROLE 'arn:aws:iam::111122223333:role/nope' CSV")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ERROR", r.stderr)

    def test_redshift_syntax_is_rewritten(self):
        r = self.sql("select getdate() <= now()::timestamp + interval '1 second', "
                     "pg_typeof(getdate())::text;"
                     "create temp table s (doc super, v varchar(max), b varbyte(8));"
                     "insert into s values (json_parse('{\"a\": 1}'), 'x', 'ab'::varbyte);"
                     "select doc::text, v, b from s")
        lines = r.stdout.split()
        self.assertEqual(lines[0], "t|timestamp")
        self.assertIn('{"a": 1}|x|6162', r.stdout)  # VARBYTE: lowercase hex without \x, as Redshift prints it

    def test_an_invalid_statement_gives_its_sqlstate(self):
        env = dict(self.env(), PGOPTIONS="")
        r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "VERBOSITY=verbose", "-c", "selec 1"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("42601", r.stderr)
        r = subprocess.run(["psql", "-X", "-A", "-t", "-v", "VERBOSITY=verbose", "-c", "select * from no_such_table"],
                           env=env, capture_output=True, text=True, timeout=60)
        self.assertIn("42P01", r.stderr)
        self.assertIn("no_such_table", r.stderr)

    def pgbench(self, script, clients=1, transactions=100):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
            f.write(script)
        self.addCleanup(os.unlink, f.name)
        r = subprocess.run(["pgbench", "-n", "-M", "extended", "-c", str(clients), "-j", str(min(clients, 2)),
                            "-t", str(transactions), "-f", f.name], env=self.env(), capture_output=True, text=True,
                           timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        processed = re.search(r"number of transactions actually processed: (\d+)", r.stdout)
        self.assertIsNotNone(processed, r.stdout)
        self.assertEqual(int(processed.group(1)), clients * transactions, r.stdout)
        failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
        if failed:
            self.assertEqual(int(failed.group(1)), 0, r.stdout)
        return r

    def test_pgbench_extended_protocol(self):
        self.pgbench("\\set x random(1, 1000)\nselect :x::int;\nselect getdate(), :x + 1;\n", clients=2)

    def test_pgbench_pipelined(self):
        body = "".join("select %d::int;\n" % i for i in range(50))
        self.pgbench("\\startpipeline\n" + body + "\\endpipeline\n", clients=1, transactions=20)
        self.pgbench("\\startpipeline\n" + body + "\\endpipeline\n", clients=4, transactions=10)

    def test_a_large_result_streams_through(self):
        r = self.sql("select count(*) from (select repeat('x', 1000) from generate_series(1, 1)) s;"
                     "select md5(string_agg(v, '')) from (select repeat('y', 100) v from generate_series(1, 100)) s")
        self.assertEqual(len(r.stdout.split()), 2)
        r = subprocess.run(["psql", "-X", "-A", "-t", "-c", "select repeat('z', 200) from generate_series(1, 50000)"],
                           env=self.env(), capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 50000)

    def test_a_cancel_request_stops_the_statement(self):
        marker = "frontend_cancel_%d" % os.getpid()
        p = subprocess.Popen(["psql", "-X", "-A", "-t", "-c", "select pg_sleep(60) /* %s */" % marker],
                             env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(p.kill)
        watch = "select count(*) from pg_stat_activity where query like '%%%s%%' and pid <> pg_backend_pid()" % marker
        for _ in range(100):
            if self.sql(watch).stdout.strip() == "1":
                break
            time.sleep(0.1)
        else:
            self.fail("the statement never showed up in pg_stat_activity")
        p.send_signal(signal.SIGINT)  # psql sends a CancelRequest (PQcancel) with the session's key
        _, err = p.communicate(timeout=30)
        self.assertIn("canceling statement due to user request", err)
        self.assertEqual(self.sql(watch).stdout.strip(), "0")


if __name__ == "__main__":
    unittest.main()

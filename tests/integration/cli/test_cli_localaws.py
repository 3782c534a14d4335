"""shiftsync query and discover against localaws's Data API (PostgreSQL behind it), as a user who
followed the connector guide runs them: the operator's keys, the customer's role and ExternalId."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws"))
from localaws_fixture import LocalAWS  # noqa: E402

BIN = os.environ["SHIFTSYNC_BIN"]
ROLE = "arn:aws:iam::111122223333:role/shiftsync-connector"
EXTERNAL_ID = "a1efa791-4530-43a0-962d-74e2ccf18309"


class CliAgainstLocalAws(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.aws = LocalAWS().start()
        cls.home = tempfile.TemporaryDirectory(prefix="shiftsync-cli-")
        cls.env = {"PATH": os.environ.get("PATH", ""), "HOME": cls.home.name, "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                   "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
        cls.connect = ["--region", "us-east-1", "--endpoint-url", cls.aws.endpoint, "--role-arn", ROLE,
                       "--external-id", EXTERNAL_ID]
        r = cls.shiftsync("query", "create table public.cli_orders (id int primary key, who varchar(20), "
                          "amount numeric(8,2), at date)", *cls.connect)
        assert r.returncode == 0, r.stderr
        r = cls.shiftsync("query", "insert into public.cli_orders values (1, 'ann', 10.50, '2026-11-01'), "
                          "(2, 'b,o\"b', null, '2026-11-02'), (3, '', 0, null)", *cls.connect)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.aws.cleanup()
        cls.home.cleanup()

    @classmethod
    def shiftsync(cls, *args):
        return subprocess.run([BIN, *args], env=cls.env, capture_output=True, text=True, timeout=120)

    def test_csv_keeps_null_apart_from_empty_and_quotes(self):
        r = self.shiftsync("query", "select * from public.cli_orders order by id", "--format", "csv", *self.connect)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, 'id,who,amount,at\n1,ann,10.50,2026-11-01\n2,"b,o""b",,2026-11-02\n3,"",0.00,\n')
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[2][1], 'b,o"b')

    def test_ndjson_with_a_parameter(self):
        r = self.shiftsync("query", "select id, who, amount from public.cli_orders where id = :id", "--param", "id=2",
                           "--format", "ndjson", *self.connect)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"id": 2, "who": 'b,o"b', "amount": None})

    def test_discover_json(self):
        r = self.shiftsync("discover", "--json", "--schema-pattern", "public", "--table-pattern", "cli_%", *self.connect)
        self.assertEqual(r.returncode, 0, r.stderr)
        tree = json.loads(r.stdout)
        table = tree[0]["schemas"][0]["tables"][0]
        self.assertEqual(table["name"], "cli_orders")
        self.assertEqual([c["name"] for c in table["columns"]], ["id", "who", "amount", "at"])
        self.assertEqual(table["columns"][2]["type"], "numeric")

    def test_failing_sql_shows_redshifts_error_and_the_statement(self):
        r = self.shiftsync("query", "select nope from public.cli_orders", *self.connect)
        self.assertEqual(r.returncode, 1)
        self.assertIn('column "nope" does not exist', r.stderr)
        self.assertRegex(r.stderr, r"statement [0-9a-f-]{36}")

    def test_wrong_external_id_is_access_denied_naming_the_role(self):
        connect = list(self.connect)
        connect[connect.index(EXTERNAL_ID)] = "not-the-external-id"
        r = self.shiftsync("query", "select 1", *connect)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AccessDenied", r.stderr)
        self.assertIn(ROLE, r.stderr)
        self.assertIn("with an ExternalId", r.stderr)

    def test_unknown_workgroup_is_named(self):
        r = self.shiftsync("query", "select 1", "--workgroup", "no-such-workgroup", *self.connect)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no-such-workgroup", r.stderr)


if __name__ == "__main__":
    unittest.main()

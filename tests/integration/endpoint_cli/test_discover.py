"""`shiftsync discover` on the endpoint path: the same tree and --json as on the Data API path, byte for
byte (tables and views of every type in two schemas, schema and table patterns, --all-databases with a
second database), what those outputs say (types, precision, scale, length, nullability), and a schema
name with LIKE's wildcards in it listing its own tables only."""
import json
import os
import subprocess
import unittest

from endpoint_fixture import EndpointCase
from extract_fixture import WORKGROUP, extract_config

OTHER_DATABASE = "analytics"

COLUMNS = [  # name, DDL
    ("id", "int NOT NULL"), ("small", "int2"), ("big", "int8 NOT NULL DEFAULT 7"), ("flag", "bool DEFAULT true"),
    ("price", "numeric(12,2)"), ("amount", "decimal(38,10) NOT NULL"), ("plain_decimal", "numeric"),
    ("r", "real"), ("d", "double precision"), ("code", "char(3)"), ("label", "varchar(40) DEFAULT 'none'"),
    ("day", "date"), ("at", "time"), ("at_tz", "timetz"), ("ts", "timestamp DEFAULT '2026-01-01'"),
    ("ts_tz", "timestamptz"), ("doc", "super"), ("bytes", "varbyte(64)"),
]


class DiscoverOnTheEndpoint(EndpointCase):
    @classmethod
    def localaws_config(cls):
        config = extract_config()
        for account in config["accounts"]:
            for workgroup in account.get("workgroups", []):
                if workgroup["name"] == WORKGROUP:
                    workgroup["databases"] = list(workgroup.get("databases", [])) + [OTHER_DATABASE]
        return config

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create schema sales")
        cls.sql("create schema staging")
        cls.sql("create table sales.orders (" + ", ".join(f"{n} {t}" for n, t in COLUMNS) + ")")
        cls.sql("create table sales.customers (id int8 not null, name varchar(100) not null, since date)")
        cls.sql("create view sales.order_totals as select id, price * 2 as doubled, label from sales.orders")
        cls.sql("create table staging.raw_orders (line varchar(65535), loaded timestamptz default sysdate)")
        cls.sql("create table staging.other (n int)")
        # LIKE's '_' in a schema name: "s_x" must not list the tables of "sax".
        cls.sql("create schema s_x")
        cls.sql("create schema sax")
        cls.sql("create table s_x.mine (a int)")
        cls.sql("create table sax.not_mine (b int)")
        # A second database, made by the cluster's superuser (the connector may not CREATE DATABASE).
        cls.superuser_sql("postgres", f"CREATE DATABASE {OTHER_DATABASE}")
        cls.superuser_sql(OTHER_DATABASE, "CREATE SCHEMA marketing; "
                          "CREATE TABLE marketing.campaigns (id bigint NOT NULL, name varchar(64), budget numeric(10,2));"
                          "CREATE VIEW marketing.active AS SELECT id, name FROM marketing.campaigns")

    @classmethod
    def superuser_sql(cls, database, statement):
        socket_dir = os.path.join(cls.aws.data_dir, "postgres", "socket")
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U", "postgres", "-d",
                            database, "-c", statement], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr

    def both(self, *args):
        via_api = self.on_data_api("discover", *args)
        via_endpoint = self.on_endpoint("discover", *args)
        self.assertEqual(via_api.returncode, 0, via_api.err())
        self.assertEqual(via_endpoint.returncode, 0, via_endpoint.err())
        return via_api, via_endpoint

    def test_tree_and_json_are_the_same_on_both_paths(self):
        for patterns in ([], ["--schema-pattern", "sales"], ["--schema-pattern", "s%", "--table-pattern", "%orders%"],
                         ["--table-pattern", "o%"], ["--schema-pattern", "no_such_schema%"]):
            for output in ([], ["--json"]):
                with self.subTest(patterns=patterns, output=output):
                    api, endpoint = self.both(*patterns, *output)
                    self.assertTrue(api.stdout.startswith(b"[" if output else b"dev\n"), api.text())
                    self.assertEqual(endpoint.text(), api.text())

    def test_the_tree_names_types_and_not_null(self):
        api, endpoint = self.both("--schema-pattern", "sales")
        self.assertEqual(endpoint.stdout, api.stdout)
        tree = endpoint.text()
        for line in ("  sales\n", "    orders (TABLE)\n", "    order_totals (VIEW)\n", "      id integer not null\n",
                     "      bytes varbyte\n", "      doc super\n", "      label character varying\n",
                     "      amount numeric not null\n", "      at_tz time with time zone\n"):
            self.assertIn(line, tree)
        self.assertLess(tree.index("    customers (TABLE)"), tree.index("    order_totals (VIEW)"))
        self.assertLess(tree.index("    order_totals (VIEW)"), tree.index("    orders (TABLE)"))
        self.assertNotIn("localaws_sys", self.on_endpoint("discover").text())
        self.assertNotIn("pg_toast", self.on_endpoint("discover").text())

    def test_json_has_precision_scale_length_and_nullable(self):
        api, endpoint = self.both("--json", "--schema-pattern", "sales", "--table-pattern", "orders")
        self.assertEqual(endpoint.stdout, api.stdout)
        [db] = json.loads(endpoint.stdout)
        self.assertEqual(db["database"], "dev")
        [schema] = db["schemas"]
        [table] = schema["tables"]
        columns = {c["name"]: c for c in table["columns"]}
        self.assertEqual([c["name"] for c in table["columns"]], [n for n, _ in COLUMNS])

        def shape(name):
            c = columns[name]
            return c["type"], c["precision"], c["scale"], c["length"], c["nullable"]

        self.assertEqual(shape("id"), ("integer", 10, 0, 0, False))
        self.assertEqual(shape("small"), ("smallint", 5, 0, 0, True))
        self.assertEqual(shape("big"), ("bigint", 19, 0, 0, False))
        self.assertEqual(shape("flag"), ("boolean", 1, 0, 0, True))
        self.assertEqual(shape("price"), ("numeric", 12, 2, 0, True))
        self.assertEqual(shape("amount"), ("numeric", 38, 10, 0, False))
        self.assertEqual(shape("plain_decimal")[1:3], (18, 0))
        self.assertEqual(shape("r"), ("real", 8, 8, 0, True))
        self.assertEqual(shape("d"), ("double precision", 17, 17, 0, True))
        self.assertEqual(shape("code"), ("character", 3, 0, 3, True))
        self.assertEqual(shape("label"), ("character varying", 40, 0, 40, True))
        self.assertEqual(shape("day"), ("date", 13, 0, 0, True))
        self.assertEqual(shape("at"), ("time without time zone", 15, 6, 0, True))
        self.assertEqual(shape("at_tz"), ("time with time zone", 21, 6, 0, True))
        self.assertEqual(shape("ts"), ("timestamp without time zone", 29, 6, 0, True))
        self.assertEqual(shape("ts_tz"), ("timestamp with time zone", 35, 6, 0, True))
        self.assertEqual(shape("doc"), ("super", 65535, 0, 0, True))
        self.assertEqual(shape("bytes"), ("varbyte", 0, 0, 0, True))

    def test_a_schema_named_with_like_wildcards_lists_its_own_tables(self):
        for output in ([], ["--json"]):
            with self.subTest(output=output):
                api, endpoint = self.both("--schema-pattern", "s_x", *output)
                self.assertEqual(endpoint.stdout, api.stdout)
        [db] = json.loads(endpoint.stdout)
        tables = {s["name"]: [t["name"] for t in s["tables"]] for s in db["schemas"]}
        self.assertEqual(tables, {"s_x": ["mine"], "sax": ["not_mine"]})

    def test_all_databases(self):
        for args in (["--all-databases"], ["--all-databases", "--json"],
                     ["--all-databases", "--json", "--schema-pattern", "marketing"]):
            with self.subTest(args=args):
                api, endpoint = self.both(*args)
                self.assertEqual(endpoint.text(), api.text())
        tree = json.loads(endpoint.stdout)
        self.assertEqual([d["database"] for d in tree], [OTHER_DATABASE, "dev"])
        self.assertEqual(tree[1]["schemas"], [])
        [marketing] = tree[0]["schemas"]
        self.assertEqual([(t["name"], t["type"]) for t in marketing["tables"]], [("active", "VIEW"), ("campaigns", "TABLE")])
        self.assertEqual(marketing["tables"][1]["columns"][2],
                         {"name": "budget", "type": "numeric", "nullable": True, "precision": 10, "scale": 2, "length": 0})

    def test_an_unreachable_endpoint_is_a_connection_failure(self):
        r = self.ss.run("discover", "--connection-method", "endpoint", "--db-endpoint", "127.0.0.1:1",
                        "--db-ca", self.aws.postgres["ca"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("connecting to dev", r.err())
        self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    unittest.main()

"""Each write mode over a table of every type (NULLs, empty strings, quotes, newlines, multi-byte
UTF-8, exact decimals), checked through psql; upsert's dedupe and --order-by rules; a round trip
(extract by UNLOAD, load into a new table: EXCEPT both ways empty); a column added between two
loads; --create-table; 2,000,000 rows."""
import decimal
import os
import subprocess
import unittest

from load_fixture import LoadCase, csv_text

TYPES = [("id", "int"), ("i8", "bigint"), ("d", "numeric(38,10)"), ("r", "real"), ("f", "double precision"),
         ("b", "boolean"), ("c", "char(8)"), ("v", "varchar(200)"), ("dt", "date"), ("ts", "timestamp"),
         ("tstz", "timestamptz"), ("s", "super"), ("vb", "varbyte(32)")]
NAMES = [n for n, _ in TYPES]
ROWS = [
    (1, 9223372036854775807, "-1234567890123456789012345678.0123456789", "1.1", "0.1", "true", "plain",
     'comma, "quote" and \'apostrophe\'', "2026-12-02", "2026-12-02 13:45:00.123456", "2026-12-02 13:45:00+00",
     '{"a":[1,2,{"b":null}]}', "616263"),
    (2, -9223372036854775808, "0.0000000001", "-1e-30", "1.7976931348623157e+308", "false", "", "line one\nline two",
     "0001-01-01", "1970-01-01 00:00:00", "1999-12-31 23:59:59.5+00", '"just a string"', "00"),
    (3, 0, "0", "0", "0", "true", "x", "crlf\r\nend and tab\there", "2024-02-29", "2024-02-29 12:00:00.1",
     "2024-02-29 12:00:00.12+00", "12.5", "00ff10"),
    (4, 4, "4.5", "4", "4", "false", "y", "multi-byte: ünïcödé 日本語 🎉", "2026-01-01", "2026-01-01 01:02:03",
     "2026-01-01 01:02:03+00", "[]", "7a"),
    (5, None, None, None, None, None, None, None, None, None, None, None, None),
    (6, 6, "6", "6", "6", "true", "z", "", "2026-01-01", "2026-01-01 01:02:03", "2026-01-01 01:02:03+00",
     '{"k":"v"}', "21"),
]


class LoadModes(LoadCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddl = ", ".join(f"{n} {t}" for n, t in TYPES)

    def fresh_table(self, name):
        self.sql(f"drop table if exists {name}")
        self.sql(f"create table {name} ({self.ddl})")

    def expected(self, rows):
        """What psql prints for `rows` once loaded (psql's own forms: t/f, \\x hex)."""
        out = []
        for row in rows:
            values = []
            for (name, _), v in zip(TYPES, row):
                if v is None:
                    values.append(None)
                elif name == "b":
                    values.append("t" if v == "true" else "f")
                elif name == "vb":
                    values.append("\\x" + v)
                elif name == "c":
                    values.append(str(v).ljust(8))
                else:
                    values.append(str(v))
            out.append(tuple(values))
        return out

    def normalise(self, rows):
        """Floats and timestamps as PostgreSQL prints them may differ in form from the CSV: compare those as values."""
        out = []
        for row in rows:
            fixed = list(row)
            for i, (name, _) in enumerate(TYPES):
                if fixed[i] is None:
                    continue
                if name in ("r", "f"):
                    fixed[i] = float(fixed[i])
                elif name == "d":
                    fixed[i] = decimal.Decimal(fixed[i])
                elif name == "ts":
                    fixed[i] = fixed[i].rstrip("0").rstrip(".") if "." in fixed[i] else fixed[i]
                elif name == "tstz":
                    head, zone = fixed[i][:-3], fixed[i][-3:]
                    fixed[i] = (head.rstrip("0").rstrip(".") if "." in head else head) + zone
                elif name == "s":
                    fixed[i] = fixed[i].replace(" ", "")
            out.append(tuple(fixed))
        return out

    def assert_table(self, table, rows):
        self.assertEqual(self.normalise(self.values(table)), self.normalise(self.expected(rows)))

    def test_append_loads_every_value_exactly(self):
        self.fresh_table("m_append")
        src = self.write_csv("append.csv", NAMES, ROWS)
        r = self.load_ok("--from", src, "--table", "public.m_append")
        self.assertEqual(r.json()["rows_loaded"], len(ROWS))
        self.assertEqual(r.json()["inserted"], len(ROWS))
        self.assertEqual(r.json()["files"] % 4, 0, "the staged file count is a multiple of 4")
        self.assert_table("m_append", ROWS)
        self.load_ok("--from", src, "--table", "public.m_append")
        self.assertEqual(len(self.values("m_append")), 2 * len(ROWS), "append adds")
        self.assert_load_staging_empty()

    def test_replace_leaves_exactly_the_new_rows(self):
        self.fresh_table("m_replace")
        self.load_ok("--from", self.write_csv("replace1.csv", NAMES, ROWS), "--table", "m_replace")
        r = self.load_ok("--from", self.write_csv("replace2.csv", NAMES, ROWS[:2]), "--table", "m_replace",
                         "--mode", "replace")
        self.assertEqual(r.json()["deleted"], len(ROWS))
        self.assert_table("m_replace", ROWS[:2])
        self.assert_load_staging_empty()

    def test_upsert_keeps_the_latest_of_each_key(self):
        self.sql("drop table if exists m_upsert")
        self.sql("create table m_upsert (id int, version int, v varchar(40))")
        self.load_ok("--from", self.write_csv("up0.csv", ["id", "version", "v"], [(1, 5, "target 1"), (2, 5, "target 2"),
                                                                                 (3, 5, "target 3")]),
                     "--table", "m_upsert")
        batch = [(1, 9, "old of 1"), (1, 10, "new of 1"), (1, 10, "tie: later in source wins"),
                 (2, 4, "older than target"), (3, 5, "tie with target: batch wins"), (4, 1, "new row")]
        r = self.load_ok("--from", self.write_csv("up1.csv", ["id", "version", "v"], batch), "--table", "m_upsert",
                         "--mode", "upsert", "--key", "id", "--order-by", "version")
        self.assertEqual(self.values("m_upsert"), [("1", "10", "tie: later in source wins"), ("2", "5", "target 2"),
                                                   ("3", "5", "tie with target: batch wins"), ("4", "1", "new row")])
        self.assertEqual((r.json()["updated"], r.json()["inserted"]), (2, 1))
        # Without --order-by: the last row of each key in source order wins, whatever the target holds.
        r = self.load_ok("--from", self.write_csv("up2.csv", ["id", "version", "v"], [(2, 1, "a"), (2, 0, "b")]),
                         "--table", "m_upsert", "--mode", "upsert", "--key", "id")
        self.assertIn(("2", "0", "b"), self.values("m_upsert"))
        self.assertEqual(len(self.values("m_upsert")), 4)
        self.assert_load_staging_empty()

    def test_round_trip_extract_then_load_gives_an_equal_table(self):
        self.fresh_table("rt_source")
        self.load_ok("--from", self.write_csv("rt.csv", NAMES, ROWS), "--table", "rt_source")
        out = self.path("load", "rt-extract.csv")
        r = self.ss.run("extract", "--table", "rt_source", "--to", out, "--via", "unload", "--staging", STAGING_EXTRACT)
        self.assert_ok(r)
        self.sql("drop table if exists rt_copy")
        self.sql("create table rt_copy (like rt_source)")
        self.load_ok("--from", out, "--table", "rt_copy")
        for a, b in (("rt_source", "rt_copy"), ("rt_copy", "rt_source")):
            self.assertEqual(self.psql_scalar(f"select count(*) from (select * from {a} except select * from {b}) q"), "0")
        self.assertEqual(self.psql_scalar("select count(*) from rt_copy"), str(len(ROWS)))
        self.assert_load_staging_empty()

    def test_redshift_to_redshift_through_the_extract_source(self):
        """--from-redshift-table: the extract feeds the load directly (both read paths); --create-table takes
        the source's column types."""
        self.fresh_table("r2r_source")
        self.load_ok("--from", self.write_csv("r2r.csv", NAMES, ROWS), "--table", "r2r_source")
        for via in ("data-api", "unload"):
            with self.subTest(via=via):
                target = f"r2r_{via.replace('-', '_')}"
                self.sql(f"drop table if exists {target}")
                self.load_ok("--from-redshift-table", "r2r_source", "--via", via, "--table", target, "--create-table")
                for a, b in (("r2r_source", target), (target, "r2r_source")):
                    self.assertEqual(self.psql_scalar(f"select count(*) from (select * from {a} except select * from {b}) q"),
                                     "0")
                self.assertEqual(self.psql_scalar(
                    "select string_agg(format_type(atttypid, atttypmod), ',' order by attnum) from pg_attribute "
                    f"where attrelid = '{target}'::regclass and attnum > 0"),
                    self.psql_scalar("select string_agg(format_type(atttypid, atttypmod), ',' order by attnum) "
                                     "from pg_attribute where attrelid = 'r2r_source'::regclass and attnum > 0"))
        r = self.load("--from-redshift-sql", "select * from no_such_table", "--table", "r2r_never", "--create-table")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("no_such_table", r.err())
        self.assert_load_staging_empty()

    def test_round_trip_through_ndjson(self):
        self.fresh_table("nd_source")
        self.load_ok("--from", self.write_csv("nd.csv", NAMES, ROWS), "--table", "nd_source")
        out = self.path("load", "nd-extract.ndjson.gz")
        self.assert_ok(self.ss.run("extract", "--table", "nd_source", "--to", out, "--via", "data-api"))
        self.sql("drop table if exists nd_copy")
        self.sql("create table nd_copy (like nd_source)")
        self.load_ok("--from", out, "--table", "nd_copy", "--format", "ndjson")
        for a, b in (("nd_source", "nd_copy"), ("nd_copy", "nd_source")):
            self.assertEqual(self.psql_scalar(f"select count(*) from (select * from {a} except select * from {b}) q"), "0")
        self.assertEqual(self.psql_scalar("select count(*) from nd_copy"), str(len(ROWS)))

    def test_a_column_added_between_two_loads(self):
        self.sql("drop table if exists m_grow")
        self.sql("create table m_grow (id int, a varchar(10))")
        self.load_ok("--from", self.write_csv("grow1.csv", ["id", "a"], [(1, "x")]), "--table", "m_grow")
        self.sql("alter table m_grow add column b bigint")
        self.load_ok("--from", self.write_csv("grow2.csv", ["id", "a", "b"], [(2, "y", 7)]), "--table", "m_grow")
        self.assertEqual(self.values("m_grow"), [("1", "x", None), ("2", "y", "7")])

    def test_a_varchar_too_narrow_in_bytes_is_widened(self):
        self.sql("drop table if exists m_wide")
        self.sql("create table m_wide (id int, v varchar(12))")
        wide = "日" * 10  # 10 characters, 30 bytes: too long for varchar(12) as Redshift counts
        r = self.load_ok("--from", self.write_csv("wide.csv", ["id", "v"], [(1, "short"), (2, wide)]), "--table", "m_wide")
        self.assertEqual(r.json()["table_changes"], ['ALTER TABLE "m_wide" ALTER COLUMN "v" TYPE VARCHAR(256)'])
        self.assertEqual(self.values("m_wide"), [("1", "short"), ("2", wide)])
        self.assertEqual(self.psql_scalar("select format_type(atttypid, atttypmod) from pg_attribute where "
                                          "attrelid = 'm_wide'::regclass and attname = 'v'"), "character varying(256)")

    def test_values_longer_than_any_varchar(self):
        self.sql("drop table if exists m_huge")
        self.sql("create table m_huge (id int, v varchar(12))")
        src = self.write_csv("huge.csv", ["id", "v"], [(1, "ok"), (2, "x" * 70000)])
        r = self.load("--from", src, "--table", "m_huge")
        self.assertEqual(r.returncode, 2, str(r))
        self.assertIn("record 2 holds 70000 bytes", r.err())
        self.assertEqual(self.values("m_huge"), [])
        r = self.load_ok("--from", src, "--table", "m_huge", "--truncate-columns")
        self.assertEqual(self.values("m_huge"), [("1", "ok"), ("2", "x" * 12)])

    def test_add_columns_adds_what_the_table_lacks(self):
        self.sql("drop table if exists m_add")
        self.sql("create table m_add (id int)")
        src = self.write_csv("add.csv", ["id", "note", "score"], [(1, "hello", 5)])
        r = self.load("--from", src, "--table", "m_add")
        self.assertEqual(r.returncode, 2, str(r))
        self.assertIn("--add-columns", r.err())
        r = self.load_ok("--from", src, "--table", "m_add", "--add-columns", "--column-type", "score=BIGINT")
        self.assertEqual(r.json()["table_changes"], ['ALTER TABLE "m_add" ADD COLUMN "note" VARCHAR(256)',
                                                     'ALTER TABLE "m_add" ADD COLUMN "score" BIGINT'])
        self.assertEqual(self.values("m_add"), [("1", "hello", "5")])

    def test_create_table_with_column_types(self):
        self.sql("drop table if exists m_created")
        src = self.write_csv("created.csv", ["id", "name", "amount"], [(1, "a", "1.50"), (2, None, "2.25")])
        r = self.load_ok("--from", src, "--table", "m_created", "--create-table", "--column-type", "id=BIGINT",
                         "--column-type", "amount=NUMERIC(12,2)")
        self.assertTrue(r.json()["created_table"])
        self.assertEqual(self.values("m_created"), [("1", "a", "1.50"), ("2", None, "2.25")])
        types = self.psql_scalar("select string_agg(format_type(atttypid, atttypmod), ',' order by attnum) from "
                                 "pg_attribute where attrelid = 'm_created'::regclass and attnum > 0")
        self.assertEqual(types, "bigint,character varying(65535),numeric(12,2)")

    def test_create_table_infers_types_from_a_sample(self):
        """Without --column-type, --create-table types each column from the first 1,000 records; a later
        value the inferred type does not hold fails before anything is committed, naming file and line."""
        self.sql("drop table if exists m_inferred")
        header = ["id", "big", "amount", "ok", "day", "at", "name"]
        rows = [(i, 3_000_000_000 + i, f"{i}.25", "true" if i % 2 else "false", "2026-12-02",
                 "2026-12-02 10:00:00.5", None if i % 7 == 0 else f"n{i}") for i in range(1, 1201)]
        src = self.write_csv("inferred.csv", header, rows)
        r = self.load_ok("--from", src, "--table", "m_inferred", "--create-table")
        self.assertTrue(r.json()["created_table"])
        types = self.psql_scalar("select string_agg(format_type(atttypid, atttypmod), ',' order by attnum) from "
                                 "pg_attribute where attrelid = 'm_inferred'::regclass and attnum > 0")
        self.assertEqual(types, "integer,bigint,numeric(20,2),boolean,date,timestamp without time zone,"
                                "character varying(65535)")
        self.assertEqual(self.psql_scalar("select count(*), sum(big), sum(amount) from m_inferred"),
                         f"1200|{sum(3_000_000_000 + i for i in range(1, 1201))}|{sum(i + 0.25 for i in range(1, 1201)):.2f}")
        self.sql("drop table if exists m_inferred_bad")
        rows[1100] = ("oops",) + rows[1100][1:]  # past the sample: text where an integer was inferred
        bad = self.write_csv("inferred-bad.csv", header, rows)
        r = self.load("--from", bad, "--table", "m_inferred_bad", "--create-table")
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("inferred-bad.csv", r.err())
        self.assertIn("line 1102", r.err())
        self.assertEqual(self.psql_scalar("select count(*) from pg_class where relname = 'm_inferred_bad'"), "0")
        self.assert_load_staging_empty()

    def test_stdin_gzip_and_a_directory(self):
        self.sql("drop table if exists m_inputs")
        self.sql("create table m_inputs (id int, v varchar(10))")
        text = csv_text(["id", "v"], [(i, f"v{i}") for i in range(100)]).encode()
        p = subprocess.run(["gzip", "-c"], input=text, capture_output=True, check=True)
        r = self.load("--from", "-", "--table", "m_inputs", "--json", input=p.stdout)
        self.assert_ok(r)
        folder = self.folder("load", "dir")
        for i in range(3):
            with open(os.path.join(folder, f"part{i}.csv"), "w") as f:
                f.write(csv_text(["id", "v"], [(1000 + i, "d")]))
        self.load_ok("--from", folder, "--table", "m_inputs")
        self.assertEqual(self.psql_scalar("select count(*) from m_inputs"), "103")

    def test_two_million_rows(self):
        self.sql("drop table if exists m_big")
        self.sql("create table m_big (id bigint, name varchar(40), amount numeric(12,2), flag boolean)")
        path = self.path("load", "big.csv")
        with open(path, "w") as f:
            f.write("id,name,amount,flag\n")
            f.writelines(f"{i},name {i},{i % 100000}.25,{'true' if i % 3 else 'false'}\n" for i in range(1, 2_000_001))
        r = self.load_ok("--from", path, "--table", "m_big", "--file-size", "2MiB", "--progress", "always")
        self.assertEqual(r.json()["rows_loaded"], 2_000_000)
        self.assertRegex(r.err(), r"(staging|copy): \d+ rows read", "the live line: phase and rows read")
        self.assertGreater(r.json()["files"], 4)
        self.assertEqual(self.psql_scalar("select count(*), sum(id), count(distinct name) from m_big"),
                         "2000000|2000001000000|2000000")
        self.assert_load_staging_empty()


STAGING_EXTRACT = "s3://unload-example/extract-staging/"

if __name__ == "__main__":
    unittest.main()

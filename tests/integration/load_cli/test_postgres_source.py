"""`shiftsync load --from postgresql://… --from-sql SQL | --from-table T` into localaws, from a PostgreSQL 15 of the
test's own (extract_cli/sink_postgres.py: a free loopback port, a password login whose role prints dates as
'SQL, DMY' in Asia/Kolkata, so the source's session settings are tested too).

- every type PostgreSQL → Redshift with --create-table: the created columns typed as
  transfer/postgres/redshift_types.hpp documents, the rows (NULL in every column, '' apart from NULL,
  multi-byte UTF-8, quotes and line breaks, 38-digit numerics, timestamptz, bytea, jsonb) equal to the
  source's when both are printed by psql in UTC;
- --from-table into an existing table (names matched, values normalised to its kinds);
- errors: a wrong password (exit 1, authentication named, the password nowhere in the output), a query the
  server refuses at once and one it fails mid-way (exit 1, the server's words, target untouched), a type Redshift
  cannot hold (exit 2, column and type named), unconstrained numeric into --create-table (exit 2, says to cast).
"""
import os
import sys
import unittest
from urllib.parse import quote

from load_fixture import LoadCase

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "extract_cli"))
from sink_postgres import SinkPostgres  # noqa: E402

# name, PostgreSQL type, the type the created Redshift column has on localaws (format_type)
COLUMNS = [
    ("id", "integer", "integer"), ("i2", "smallint", "smallint"), ("i8", "bigint", "bigint"),
    ("d", "numeric(38,10)", "numeric(38,10)"), ("d38", "numeric(38,0)", "numeric(38,0)"), ("r", "real", "real"),
    ("f", "double precision", "double precision"), ("b", "boolean", "boolean"),
    ("c", "char(8)", "character varying(32)"), ("v", "varchar(200)", "character varying(800)"),
    ("t", "text", "character varying(65535)"), ("dt", "date", "date"), ("tm", "time", "time without time zone"),
    ("ttz", "timetz", "time with time zone"), ("ts", "timestamp", "timestamp without time zone"),
    ("tstz", "timestamptz", "timestamp with time zone"), ("j", "jsonb", None), ("vb", "bytea", None),
    ("u", "uuid", "character varying(36)"),
]
NAMES = [n for n, _, _ in COLUMNS]
ROWS = [
    "(1, 32767, 9223372036854775807, -1234567890123456789012345678.0123456789, "
    "99999999999999999999999999999999999999, 1.1, 0.1, true, 'ab', 'comma, \"quote\" and ''apostrophe''', "
    "'line one' || chr(10) || 'line two' || chr(13) || chr(10) || 'end', '2026-12-02', '13:45:00.123456', "
    "'13:45:00+05:30', '2026-12-02 13:45:00.123456', '2026-12-02 13:45:00.5+05:30', "
    "'{\"a\":[1,2,{\"b\":null}]}', '\\x00ff10'::bytea, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')",
    "(2, -32768, -9223372036854775808, 0.0000000001, -99999999999999999999999999999999999999, -1e-30, "
    "1.7976931348623157e+308, false, '', '', '', '0001-01-01', '00:00:00', '00:00:00+00', '1970-01-01 00:00:00', "
    "'1999-12-31 23:59:59.999999+00', '\"just a string\"', '\\x00'::bytea, '00000000-0000-0000-0000-000000000000')",
    "(3, 0, 0, 0, 0, 0, 0, true, 'ü', 'multi-byte: ünïcödé 日本語 🎉', 'tab\there \\ backslash', '2024-02-29', "
    "'23:59:59.999999', '12:00:00-08', '2024-02-29 12:00:00.1', '2024-02-29 12:00:00.12-08', '[]', 'abc'::bytea, "
    "NULL)",
    "(4, " + ", ".join(["NULL"] * (len(COLUMNS) - 1)) + ")",
]


class LoadFromPostgres(LoadCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pg = SinkPostgres(user="reader", database="srcdb")
        cls.addClassCleanup(cls.pg.stop)
        cls.pg.start()
        # The role's own settings print values another way: the source must set its session to ISO and UTC.
        cls.pg.psql("ALTER ROLE reader SET DateStyle = 'SQL, DMY'; ALTER ROLE reader SET TimeZone = 'Asia/Kolkata'; "
                    "ALTER ROLE reader SET extra_float_digits = 0; ALTER ROLE reader SET bytea_output = 'escape'",
                    database="postgres")
        cls.pg.psql("create table every_type (" + ", ".join(f"{n} {t}" for n, t, _ in COLUMNS) + "); "
                    "insert into every_type values " + ", ".join(ROWS) + "; "
                    "grant select on every_type to reader")
        cls.secrets = [cls.pg.password, quote(cls.pg.password, safe="")]

    def from_pg(self, *args, uri=None, **kwargs):
        r = self.load("--from", uri or self.pg.uri(), *args, **kwargs)
        for secret in self.secrets:
            self.assertNotIn(secret.encode(), r.stderr, "the password is on stderr")
            self.assertNotIn(secret.encode(), r.stdout, "the password is on stdout")
        return r

    def shown(self, r):
        text = str(r)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, self.shown(r))

    def target_types(self, table):
        return [(n, t) for (n, _), (t, _) in self.table_rows(
            f"(select attname::text, format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
            f"'public.{table}'::regclass and attnum > 0 and not attisdropped order by attnum) x")]

    def same_as_source(self, table, query="select * from every_type order by id"):
        """Both sides printed by psql in UTC (COPY … CSV): the same bytes."""
        self.assertEqual(self.psql_copy(f"select * from public.{table} order by id"), self.pg.copy_out(query))

    def test_every_type_into_a_created_table(self):
        r = self.from_pg("--from-sql", "select * from every_type;", "--table", "public.pg_every", "--create-table",
                         "--json")
        self.assert_ok(r)
        self.assertEqual(r.json()["rows_loaded"], len(ROWS))
        self.assertTrue(r.json()["created_table"])
        types = dict(self.target_types("pg_every"))
        for name, _, expected in COLUMNS:
            if expected:
                self.assertEqual(types[name], expected, f"column {name}")
        self.same_as_source("pg_every")
        self.assertEqual(self.psql_scalar("select count(*) from public.pg_every where t = '' and t is not null"), "1",
                         "the empty string stayed an empty string")
        self.assertEqual(self.psql_scalar("select count(*) from public.pg_every where t is null"), "1",
                         "NULL stayed NULL")
        self.assert_load_staging_empty()

    def test_from_table_into_an_existing_table(self):
        self.sql("drop table if exists pg_existing")
        self.sql("create table pg_existing (id int, v varchar(1000), tstz timestamptz, b boolean, vb varbyte(16))")
        r = self.from_pg("--from-sql", "select id, v, tstz, b, vb from every_type", "--table", "pg_existing")
        self.assert_ok(r)
        self.assertEqual(self.psql_copy("select * from public.pg_existing order by id"),
                         self.pg.copy_out("select id, v, tstz, b, vb from every_type order by id"))
        r = self.from_pg("--from-table", "public.every_type", "--table", "pg_whole", "--create-table")
        self.assert_ok(r)
        self.same_as_source("pg_whole")

    def test_a_wrong_password_fails_without_echoing_it(self):
        r = self.from_pg("--from-sql", "select 1 as x", "--table", "never", "--create-table",
                         uri=self.pg.uri(password="not-the-" + self.pg.password))
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn("authentication failed", r.err())
        self.assertIn("reader@127.0.0.1", r.err(), "the error says where it connected")
        self.assertNotIn("not-the-", r.err())
        self.assert_load_staging_empty()

    def test_query_errors_leave_the_target_untouched(self):
        self.sql("drop table if exists pg_untouched")
        self.sql("create table pg_untouched (id int)")
        self.sql("insert into pg_untouched values (7)")
        r = self.from_pg("--from-sql", "select id from no_such_table", "--table", "pg_untouched")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn('relation "no_such_table" does not exist', r.err())
        # Fails mid-way: the first rows arrive, then a division by zero.
        r = self.from_pg("--from-sql", "select 10 / (3 - g) as id from generate_series(0, 200000) g",
                         "--table", "pg_untouched")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn("division by zero", r.err())
        self.assertEqual(self.psql_scalar("select string_agg(id::text, ',') from public.pg_untouched"), "7")
        self.assert_load_staging_empty()

    def test_types_redshift_cannot_hold_are_refused_naming_the_column(self):
        r = self.from_pg("--from-sql", "select 1 as id, interval '1 day' as waited", "--table", "never",
                         "--create-table")
        self.assertEqual(r.returncode, 2, self.shown(r))
        self.assertIn('column "waited" is interval', r.err())
        r = self.from_pg("--from-sql", "select array[1,2] as list", "--table", "never", "--create-table")
        self.assertEqual(r.returncode, 2, self.shown(r))
        self.assertIn('column "list" is integer[]', r.err())
        total = "select sum(id::numeric) as total from every_type"  # numeric without a precision
        r = self.from_pg("--from-sql", total, "--table", "never", "--create-table")
        self.assertEqual(r.returncode, 2, self.shown(r))
        self.assertIn("numeric without a precision", r.err())
        r = self.from_pg("--from-sql", total, "--table", "pg_sum", "--create-table", "--column-type",
                         "total=NUMERIC(20,0)")
        self.assert_ok(r)
        self.assertEqual(self.psql_scalar("select total from public.pg_sum"), "10")
        self.assertEqual(self.psql_scalar("select to_regclass('public.never') is null"), "t")

    def test_usage_errors(self):
        r = self.from_pg("--table", "never")
        self.assertEqual(r.returncode, 2, self.shown(r))
        self.assertIn("--from-sql", r.err())
        r = self.load("--from", "postgresql://u:hunter2@h:5432/d?nosuchoption=1", "--from-sql", "select 1",
                      "--table", "never")
        self.assertEqual(r.returncode, 2, str(r))
        self.assertNotIn("hunter2", r.err())


if __name__ == "__main__":
    unittest.main()

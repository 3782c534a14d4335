"""The PostgreSQL table sink: `shiftsync extract … --to postgresql://… --to-table SCHEMA.TABLE` from localaws
(the connector guide's policies) into a PostgreSQL 15 of the test's own (sink_postgres.py: a free loopback
port, a password login).

- every type by --via data-api and --via unload into tables the sink creates: the columns typed as documented
  (transfer/extract/postgres_types.hpp), the rows equal to the same rows inserted into the sink's PostgreSQL by
  hand (EXCEPT ALL both ways empty, counts equal) and, dumped with psql, byte-identical to the source dumped
  with psql; an empty result makes an empty table; 300,000 rows from several staged files at once arrive
  whole; NULL and '' stay apart even in a one-column table; quoted identifiers (a column named
  `"; drop table x; --`, a schema with a space); postgres:// and key=value connection strings;
- an existing table: appended to when its columns hold the values (wider types, an extra nullable column);
  refused before any row when they cannot (exit 1, the column and both types named, the table unchanged);
- failures mid-way leave the table as it was: a value the sink's PostgreSQL refuses (a CHECK) in an existing
  table and in a table the sink creates (an event trigger adds the CHECK: the table is gone with the
  rollback), a row count short of the rows sent (a trigger drops a row); kill -9 and SIGINT while the COPY is
  held in the server (a trigger sleeps): no table;
- usage errors exit 2; connection refused names host and port, a wrong password says authentication failed;
- the password (and its percent-encoded form) never appears in stdout or stderr of any run.
"""
import os
import signal
import time
import unittest
from urllib.parse import quote

from extract_fixture import ExtractCase, kill9
from sink_postgres import SinkPostgres, free_port

COLUMNS = [  # name, Redshift DDL, the PostgreSQL type the sink creates (as format_type prints it)
    ("id", "int", "integer"), ("i2", "smallint", "smallint"), ("i8", "bigint", "bigint"),
    ("d", "numeric(38,10)", "numeric(38,10)"), ("d2", "numeric(12,2)", "numeric(12,2)"), ("r", "real", "real"),
    ("f", "double precision", "double precision"), ("b", "boolean", "boolean"), ("c", "char(12)", "character(12)"),
    ("v", "varchar(200)", "character varying(200)"), ("dt", "date", "date"),
    ("tm", "time", "time without time zone"), ("ttz", "timetz", "time with time zone"),
    ("ts", "timestamp", "timestamp without time zone"), ("tstz", "timestamptz", "timestamp with time zone"),
    ("s", "super", "jsonb"), ("vb", "varbyte(64)", "bytea"),
]

# test_values.py's rows (NULLs in every column, quotes, commas, LF and CRLF, tabs, backslashes, multi-byte
# UTF-8, empty strings, exact decimals, float extremes, SUPER, VARBYTE), for the same columns.
from test_values import ROWS  # noqa: E402

QUERY = "select * from every_type"


class ExtractToPostgres(ExtractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table every_type (" + ", ".join(f"{n} {t}" for n, t, _ in COLUMNS) + ")")
        cls.sql("insert into every_type values " + ", ".join(ROWS))
        cls.pg = SinkPostgres()
        cls.addClassCleanup(cls.pg.stop)
        cls.pg.start()
        # The same rows typed by hand in the sink's PostgreSQL: JSON_PARSE and VARBYTE as PostgreSQL spells them,
        # string literals read as Redshift reads them ('back\\slash' is one backslash).
        cls.pg.psql("create function json_parse(text) returns jsonb language sql immutable as 'select $1::jsonb'; "
                    "create domain varbyte as bytea; "
                    "create table expected (" + ", ".join(f"{n} {pg}" for n, _, pg in COLUMNS) + ")")
        cls.pg.psql("insert into expected values " + ", ".join(ROWS), redshift_literals=True)
        cls.secrets = [cls.pg.password, quote(cls.pg.password, safe="")]

    def to_pg(self, *args, uri=None, **kwargs):
        """shiftsync extract … --to <the sink's URI>; checks that no output holds the password."""
        r = self.extract("--to", uri or self.pg.uri(), *args, **kwargs)
        self.assert_no_password(r)
        return r

    def shown(self, r):
        """str(r) for a failure message, the password masked (the arguments hold the URI)."""
        text = str(r)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def assert_ok(self, r):
        self.assertEqual(r.returncode, 0, self.shown(r))

    def assert_no_password(self, r):
        for secret in self.secrets:
            self.assertNotIn(secret.encode(), r.stderr, "the password is on stderr")
            self.assertNotIn(secret.encode(), r.stdout, "the password is on stdout")

    def count(self, table):
        return int(self.pg.psql(f"select count(*) from {table}"))

    def exists(self, table):
        return self.pg.psql(f"select to_regclass('{table}') is not null") == "t"

    def column_types(self, table):
        return self.pg.psql(f"select attname || ' ' || format_type(atttypid, atttypmod) from pg_attribute "
                            f"where attrelid = '{table}'::regclass and attnum > 0 and not attisdropped "
                            f"order by attnum").splitlines()

    def assert_same_rows(self, table, expected="expected"):
        for a, b in ((expected, table), (table, expected)):
            extra = self.pg.psql(f"select count(*) from (select * from {a} except all select * from {b}) x")
            self.assertEqual(extra, "0", f"rows of {a} missing from {b}:\n" +
                             self.pg.psql(f"select * from {a} except all select * from {b}"))
        self.assertEqual(self.count(table), self.count(expected))

    # ---- every type, both paths, into created tables
    def test_every_type_by_both_paths_equals_the_source(self):
        source_dump = self.psql_copy("select * from every_type order by id")
        for via in ("data-api", "unload"):
            table = "every_type_" + via.replace("-", "_")
            r = self.to_pg("--sql", QUERY, "--to-table", f"public.{table}", "--via", via, "--json")
            self.assert_ok(r)
            self.assertEqual(r.json()["path"], via)
            self.assertEqual(r.json()["rows"], len(ROWS))
            self.assertEqual(self.column_types(table), [f"{n} {pg}" for n, _, pg in COLUMNS],
                             "the created columns are typed as postgres_types.hpp documents")
            self.assert_same_rows(table)
            self.assertEqual(self.pg.copy_out(f"select * from {table} order by id"), source_dump,
                             "psql prints the sink's table exactly as it prints the source")
            self.assert_staging_empty()

    def test_an_empty_result_creates_an_empty_table_with_every_column(self):
        for via in ("data-api", "unload"):
            table = "empty_" + via.replace("-", "_")
            r = self.to_pg("--sql", QUERY + " where id > 100", "--to-table", table, "--via", via, "--json")
            self.assert_ok(r)
            self.assertEqual(r.json()["rows"], 0)
            self.assertEqual(self.count(table), 0)
            self.assertEqual(self.column_types(table), [f"{n} {pg}" for n, _, pg in COLUMNS])

    def test_many_staged_files_at_once_arrive_whole(self):
        self.sql("create table facts as select g as id, md5(g::text) as h, g % 7 = 0 as flag "
                 "from generate_series(1, 300000) g")
        r = self.to_pg("--sql", "select * from facts", "--to-table", "facts", "--via", "unload", "--max-file-size", "5",
                       "--json")
        self.assert_ok(r)
        self.assertGreater(r.json()["files"], 1, "several staged files, written into one COPY as they arrive")
        self.assertEqual(r.json()["rows"], 300000)
        self.assertEqual(self.pg.psql("select count(*), count(distinct id), sum(id), "
                                      "count(*) filter (where h = md5(id::text)), count(*) filter (where flag) "
                                      "from facts"), f"300000|300000|{300000 * 300001 // 2}|300000|{300000 // 7}")

    def test_null_and_empty_string_stay_apart_even_in_one_column(self):
        r = self.to_pg("--sql", "select v from every_type", "--to-table", "one_column", "--via", "data-api",
                       uri=self.pg.uri().replace("postgresql://", "postgres://"))
        self.assert_ok(r)
        self.assertIn("rows to the table", r.err())
        self.assertEqual(self.count("one_column"), len(ROWS))
        self.assertEqual(self.pg.psql("select count(*) from one_column where v is null"), "1")
        self.assertEqual(self.pg.psql("select count(*) from one_column where v = ''"), "1")  # row 7

    def test_quoted_identifiers_stay_identifiers(self):
        self.pg.psql('create schema "Odd Schema" authorization loader; '
                     'create table x (k int); insert into x values (1)')
        sql = 'select id as """; drop table x; --", v as "Mixed Case" from every_type'
        keywords = (f"host=127.0.0.1 port={self.pg.port} dbname={self.pg.database} user={self.pg.user} "
                    f"password='{self.pg.password}'")  # the other form of connection string
        r = self.to_pg("--sql", sql, "--to-table", '"Odd Schema"."T; drop table x; --"', "--via", "data-api",
                       uri=keywords)
        self.assert_ok(r)
        table = '"Odd Schema"."T; drop table x; --"'
        self.assertEqual(self.count(table), len(ROWS))
        self.assertEqual(self.pg.psql(f'select count(*) from {table} where """; drop table x; --" = 2 and '
                                      f'"Mixed Case" like \'comma, "quote"%\''), "1")
        self.assertEqual(self.count("x"), 1, "the table x is still there")

    # ---- existing tables
    def test_an_existing_table_whose_columns_hold_the_values_is_appended_to(self):
        self.pg.psql("create table wide (note text, i8 numeric, id bigint, v text, d numeric(40,12), "
                     "s json, vb bytea); insert into wide (note, id) values ('before', 0); grant all on wide to loader")
        r = self.to_pg("--sql", "select id, i8, d, v, s, vb from every_type", "--to-table", "public.wide",
                       "--via", "unload")
        self.assert_ok(r)
        self.assertEqual(self.count("wide"), len(ROWS) + 1)
        self.assertEqual(self.pg.psql("select note from wide where id = 0"), "before")
        self.assertEqual(self.pg.psql("select count(*) from wide w join expected e using (id) where "
                                      "w.i8 is not distinct from e.i8 and w.d is not distinct from e.d and "
                                      "w.v is not distinct from e.v and w.s::jsonb is not distinct from e.s and "
                                      "w.vb is not distinct from e.vb"), str(len(ROWS)))

    def test_an_existing_table_with_other_columns_is_refused_before_any_row(self):
        self.pg.psql("create table narrow (id int, d numeric(10,2), v varchar(200)); "
                     "insert into narrow values (42, 1.5, 'kept'); grant all on narrow to loader")
        for via in ("data-api", "unload"):
            r = self.to_pg("--sql", "select id, d, v from every_type", "--to-table", "narrow", "--via", via)
            self.assertEqual(r.returncode, 1, self.shown(r))
            self.assertIn('"d"', r.err())
            self.assertIn("numeric(10,2)", r.err())
            self.assertIn("numeric(38,10)", r.err())
            self.assertEqual(self.pg.psql("select id, d, v from narrow"), "42|1.50|kept", "the table is unchanged")
            self.assert_staging_empty()
        r = self.to_pg("--sql", "select id, tm from every_type", "--to-table", "narrow", "--via", "data-api")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn('no column "tm"', r.err())

    # ---- failures mid-way
    def test_a_value_refused_mid_way_leaves_an_existing_table_unchanged(self):
        self.pg.psql("create table checked (id int check (id < 5), v varchar(200)); "
                     "insert into checked values (0, 'kept'); grant all on checked to loader")
        r = self.to_pg("--sql", "select id, v from every_type", "--to-table", "checked", "--via", "data-api")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn("check constraint", r.err())
        self.assertIn("23514", r.err(), "the SQLSTATE is given")
        self.assertEqual(self.pg.psql("select id, v from checked"), "0|kept")

    def test_rows_the_server_did_not_store_fail_the_count_check_and_roll_back(self):
        # A trigger that silently drops a row: COPY succeeds, but its count is one short.
        self.pg.psql("create table dropping (id int, v varchar(200)); insert into dropping values (0, 'kept'); "
                     "grant all on dropping to loader; "
                     "create function drop_three() returns trigger language plpgsql as $$ "
                     "begin if new.id = 3 then return null; end if; return new; end $$; "
                     "create trigger drop_three before insert on dropping for each row execute function drop_three()")
        r = self.to_pg("--sql", "select id, v from every_type", "--to-table", "dropping", "--via", "unload")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn(f"stored {len(ROWS) - 1} rows where {len(ROWS)} were sent", r.err())
        self.assertEqual(self.pg.psql("select id, v from dropping"), "0|kept", "rolled back")
        self.assert_staging_empty()

    def test_a_value_refused_in_a_table_the_sink_created_leaves_no_table(self):
        # An event trigger adds a CHECK to the table once the sink created it: row 5 is refused mid-COPY.
        self.pg.psql("create function add_check() returns event_trigger language plpgsql as $$ "
                     "begin if exists (select from pg_event_trigger_ddl_commands() "
                     "where object_identity = 'public.refused_new') then "
                     "execute 'alter table public.refused_new add check (id < 5)'; end if; end $$; "
                     "create event trigger add_check on ddl_command_end when tag in ('CREATE TABLE') "
                     "execute function add_check()")
        try:
            r = self.to_pg("--sql", "select id, v from every_type", "--to-table", "refused_new", "--via", "unload")
        finally:
            self.pg.psql("drop event trigger add_check")
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn("check constraint", r.err())
        self.assertFalse(self.exists("public.refused_new"), "the rollback removed the table the sink created")
        self.assert_staging_empty()

    def held_in_copy(self, table):
        """Starts an extract into `table` (created by the sink) whose COPY the server holds: an event trigger
        gives the new table a row trigger that sleeps on id 5. Returns the process once the server sleeps."""
        self.pg.psql("create or replace function slow_row() returns trigger language plpgsql as $$ "
                     "begin if new.id = 5 then perform pg_sleep(3); end if; return new; end $$; "
                     "create or replace function add_slow() returns event_trigger language plpgsql as $$ "
                     "declare t text; begin for t in select object_identity from pg_event_trigger_ddl_commands() "
                     "where command_tag = 'CREATE TABLE' and object_identity like 'public.held_%' loop "
                     "execute format('create trigger slow before insert on %s for each row execute function "
                     "slow_row()', t); end loop; end $$; "
                     "create event trigger add_slow on ddl_command_end when tag in ('CREATE TABLE') "
                     "execute function add_slow()")
        self.addCleanup(self.pg.psql, "drop event trigger if exists add_slow")
        p = self.ss.start("extract", "--workgroup", "default-workgroup", "--database", "dev", "--sql",
                          "select id, v from every_type", "--to", self.pg.uri(), "--to-table", table,
                          "--via", "data-api")
        self.wait_for("the COPY held in the server",
                      lambda: self.pg.psql("select count(*) from pg_stat_activity where application_name = "
                                           "'shiftsync' and wait_event = 'PgSleep'") == "1", process=p)
        return p

    def test_kill9_mid_copy_leaves_no_table(self):
        p = self.held_in_copy("held_killed")
        self.assertFalse(self.exists("public.held_killed"), "nothing is visible before COMMIT")
        kill9(p)
        # The server ends the dead client's transaction; the table never becomes visible.
        self.wait_for("the server to end the killed session",
                      lambda: self.pg.psql("select count(*) from pg_stat_activity "
                                           "where application_name = 'shiftsync'") == "0", timeout=30)
        self.assertFalse(self.exists("public.held_killed"))

    def test_sigint_mid_copy_rolls_back_and_exits_130(self):
        p = self.held_in_copy("held_interrupted")
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        for secret in self.secrets:
            self.assertNotIn(secret.encode(), err)
        self.assertEqual(p.returncode, 130, err.decode(errors="replace"))
        self.assertIn(b"interrupted", err)
        self.wait_for("the session to end",
                      lambda: self.pg.psql("select count(*) from pg_stat_activity "
                                           "where application_name = 'shiftsync'") == "0", timeout=30)
        self.assertFalse(self.exists("public.held_interrupted"), "a Ctrl-C during the COPY commits nothing")

    # ---- usage
    def test_usage_errors_exit_2_and_never_show_the_password(self):
        for args, says in ((["--to", self.pg.uri()], "--to-table"),
                           (["--to", self.path("out.csv"), "--to-table", "t"], "--to-table goes with"),
                           (["--to", self.pg.uri(), "--to-table", "t", "--format", "ndjson"], "for files"),
                           (["--to", self.pg.uri(), "--to-table", "a.b.c"], "SCHEMA.TABLE"),
                           (["--to", self.pg.uri() + "?nosuchoption=1", "--to-table", "t"], "connection string")):
            r = self.extract("--sql", QUERY, *args)
            self.assert_no_password(r)
            self.assertEqual(r.returncode, 2, self.shown(r))
            self.assertIn(says, r.err())

    # ---- connection failures
    def test_connection_refused_names_host_and_port(self):
        port = free_port()
        r = self.to_pg("--sql", QUERY, "--to-table", "nowhere", "--via", "data-api", uri=self.pg.uri(port=port))
        self.assertEqual(r.returncode, 1, self.shown(r))
        self.assertIn("127.0.0.1", r.err())
        self.assertIn(str(port), r.err())
        self.assertIn("Connection refused", r.err())

    def test_a_wrong_password_says_authentication_failed_and_is_not_printed(self):
        wrong = "wrong-" + self.pg.password
        r = self.extract("--sql", QUERY, "--to", self.pg.uri(password=wrong), "--to-table", "nowhere",
                         "--via", "data-api")
        self.assertEqual(r.returncode, 1, self.shown(r))  # (the wrong password holds the right one: masked too)
        self.assertIn("password authentication failed", r.err())
        self.assertIn('"loader"', r.err())
        for secret in (wrong, quote(wrong, safe="")):
            self.assertNotIn(secret.encode(), r.stderr)
        self.assertFalse(self.exists("public.nowhere"))


if __name__ == "__main__":
    unittest.main()

"""Each direction `shiftsync sync` supports, end to end against localaws and a real PostgreSQL, with
contents compared exactly: Redshift → PostgreSQL (incremental upsert with ties on the cursor, full
refresh), Redshift → local NDJSON files (incremental, published runs, no row twice), Redshift → an S3
prefix, local CSV files → Redshift; and the config errors that stop a run before anything is touched."""
import glob
import json
import os
import unittest

from sync_fixture import BUCKET, SyncCase


def stream(name, source, destination, **keys):
    text = f"  - name: {name}\n    source: {source}\n    destination: {destination}\n"
    for k, v in keys.items():
        text += f"    {k}: {v}\n"
    return text


class Directions(SyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table orders (id int, updated_at timestamp, note varchar(100), amount numeric(12,2))")
        cls.sql("insert into orders values "
                "(1, '2026-01-01 10:00:00', 'first', 10.50), (2, '2026-01-01 11:00:00', 'it''s, \"quoted\"', NULL), "
                "(3, '2026-01-01 12:00:00', '', 0), (4, '2026-01-01 12:00:00', NULL, -1.25), "
                "(5, '2026-01-01 12:00:00', 'ünïcode ✓', 99999.99)")

    def orders(self):
        return self.warehouse_rows("select id, updated_at, note, amount from orders order by id")

    def test_redshift_to_postgres_incremental_upsert_with_ties(self):
        config = self.write_config("streams:\n" + stream(
            "orders_to_app", "{connection: warehouse, table: public.orders}", "{connection: app, table: public.orders_copy}",
            mode="incremental", cursor="updated_at", primary_key="[id]", write="upsert"))
        first = self.sync_ok(config)
        query = "select id, updated_at, note, amount from public.orders_copy order by id"
        self.assertEqual(self.app_rows(query), self.orders())
        # A tie on the last cursor value committed after the first run, an update, and a newer row.
        self.sql("insert into orders values (6, '2026-01-01 12:00:00', 'late tie', 6)")
        self.sql("update orders set note = 'changed', updated_at = '2026-01-02 00:00:00' where id = 1")
        self.sql("insert into orders values (7, '2026-01-03 00:00:00', 'newest', 7)")
        second = self.sync_ok(config)
        self.assertEqual(self.app_rows(query), self.orders())
        state = self.app.psql("select cursor_column, cursor_value from shiftsync.shiftsync_state where stream = 'orders_to_app'")
        self.assertEqual(state, "updated_at|2026-01-03 00:00:00")
        # The second run read from the last cursor on (>=): the ties and what is newer, not every row.
        self.assertNotIn("orders_to_app", self.sync_staging_keys())
        self.assertIn("succeeded", second.err())
        del first
        self.assert_sync_staging_empty()

    def test_redshift_to_postgres_full_refresh_replaces(self):
        self.sql("create table small (k int, v varchar(10))")
        self.sql("insert into small values (1, 'a'), (2, 'b'), (3, NULL)")
        config = self.write_config("streams:\n" + stream(
            "small", "{connection: warehouse, table: public.small}", "{connection: app, table: public.small}",
            mode="full_refresh", write="replace"))
        self.sync_ok(config)
        self.sql("delete from small where k = 2")
        self.sql("insert into small values (4, '')")
        self.sync_ok(config)
        self.assertEqual(self.app_rows("select k, v from public.small order by k"),
                         self.warehouse_rows("select k, v from small order by k"))

    def read_ndjson_runs(self, directory):
        """Every row of every published run under `directory` (runs without _SUCCESS.json are not published)."""
        rows = []
        for run in sorted(glob.glob(os.path.join(directory, "*"))):
            if not os.path.exists(os.path.join(run, "_SUCCESS.json")):
                continue
            for part in sorted(glob.glob(os.path.join(run, "part-*"))):
                with open(part) as f:
                    rows += [json.loads(line) for line in f if line.strip()]
        return rows

    def test_redshift_to_local_ndjson_incremental_never_twice(self):
        self.sql("create table events (id int, at timestamp, what varchar(20))")
        self.sql("insert into events values (1, '2026-02-01 00:00:00', 'a'), (2, '2026-02-01 00:00:01', 'b'), "
                 "(3, '2026-02-01 00:00:01', 'c')")
        out = self.folder("sync", "lake")
        connections = self.redshift_connection() + f"  lake:\n    type: local\n    directory: {json.dumps(out)}\n"
        config = self.write_config("streams:\n" + stream(
            "events", "{connection: warehouse, table: public.events}", "{connection: lake, path: events, format: ndjson}",
            mode="incremental", cursor="at", primary_key="[id]", write="append"), connections=connections)
        self.sync_ok(config)
        self.sync_ok(config)  # nothing new: the tie rows at the last cursor must not be written again
        self.sql("insert into events values (4, '2026-02-01 00:00:01', 'tie, late'), (5, '2026-02-02 00:00:00', 'e')")
        self.sync_ok(config)
        rows = self.read_ndjson_runs(os.path.join(out, "events"))
        ids = sorted(r["id"] for r in rows)
        self.assertEqual(ids, [1, 2, 3, 4, 5], rows)
        expected = {r[0]: r for r in self.warehouse_rows("select id, at, what from events")}
        for r in rows:
            self.assertEqual((str(r["id"]), r["at"], r["what"]), expected[str(r["id"])])

    def test_redshift_to_s3_prefix_publishes(self):
        self.sql("create table tiny (id int, label varchar(10))")
        self.sql("insert into tiny values (1, 'x'), (2, NULL)")
        connections = self.redshift_connection() + (
            f"  bucket:\n    type: s3\n    url: s3://{BUCKET}/exports/\n    region: us-east-1\n"
            f"    endpoint_url: {json.dumps(self.aws.endpoint)}\n")
        from localaws_fixture import EXTERNAL_ID, ROLE_ARN
        connections += f"    role_arn: {json.dumps(ROLE_ARN)}\n    external_id: {json.dumps(EXTERNAL_ID)}\n"
        config = self.write_config("streams:\n" + stream(
            "tiny", "{connection: warehouse, table: public.tiny}", "{connection: bucket, path: tiny, format: ndjson}",
            mode="full_refresh", write="replace"), connections=connections)
        self.sync_ok(config)
        self.sync_ok(config)  # write: replace — the second run's publication removes the first run
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/tiny/").get("Contents", [])]
        success = [k for k in keys if k.endswith("/_SUCCESS.json")]
        self.assertEqual(len(success), 1, keys)
        run_prefix = success[0][: -len("_SUCCESS.json")]
        lines = []
        for k in sorted(keys):
            if k.startswith(run_prefix + "part-"):
                lines += self.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read().decode().splitlines()
        self.assertEqual(sorted(json.loads(l)["id"] for l in lines), [1, 2])
        self.assertIn({"id": 2, "label": None}, [json.loads(l) for l in lines])

    def test_local_csv_to_redshift(self):
        folder = self.folder("sync", "inbox", "customers")
        with open(os.path.join(folder, "a.csv"), "w") as f:
            f.write('id,name,joined\n1,Ann,2026-03-01\n2,"Bob, Jr.",2026-03-02\n3,,2026-03-03\n4,"",2026-03-04\n')
        inbox = os.path.dirname(folder)
        connections = self.redshift_connection() + f"  inbox:\n    type: local\n    directory: {json.dumps(inbox)}\n"
        self.sql("create table customers (id int, name varchar(50), joined date)")
        config = self.write_config("streams:\n" + stream(
            "customers", "{connection: inbox, path: customers, format: csv}",
            "{connection: warehouse, table: public.customers}", mode="full_refresh", write="replace"),
            connections=connections)
        self.sync_ok(config)
        self.assertEqual(self.warehouse_rows("select id, name, joined from customers order by id"),
                         [("1", "Ann", "2026-03-01"), ("2", "Bob, Jr.", "2026-03-02"), ("3", None, "2026-03-03"),
                          ("4", "", "2026-03-04")])
        self.assert_sync_staging_empty()

    def test_postgres_to_redshift_incremental_upsert(self):
        self.app.psql("create table public.accounts (id bigint primary key, updated_at timestamptz, name text, "
                      "balance numeric(20,4), active boolean, meta jsonb)")
        self.app.psql("grant select on public.accounts to app")
        self.app.psql("insert into public.accounts values "
                      "(1, '2026-04-01 00:00:00+00', 'Ann', 12.5, true, '{\"a\": 1}'), "
                      "(2, '2026-04-01 00:00:00+00', 'line\nbreak, \"quoted\"', NULL, false, NULL), "
                      "(3, '2026-04-02 00:00:00+00', '', -0.0001, NULL, '[1,2]')")
        config = self.write_config("streams:\n" + stream(
            "accounts", "{connection: app, table: public.accounts}", "{connection: warehouse, table: public.accounts}",
            mode="incremental", cursor="updated_at", primary_key="[id]", write="upsert", lookback="1h"))
        self.sync_ok(config)
        self.app.psql("update public.accounts set name = 'Ann B', updated_at = '2026-04-03 00:00:00+00' where id = 1")
        # Committed late with an older stamp, inside the 1h lookback of the last cursor (2026-04-02 00:00).
        self.app.psql("insert into public.accounts values (4, '2026-04-01 23:30:00+00', 'late', 4, true, NULL)")
        self.sync_ok(config)
        columns = "id, updated_at, name, balance, active"
        self.assertEqual(self.warehouse_rows(f"select {columns} from public.accounts order by id"),
                         self.app_rows(f"select {columns} from public.accounts order by id"))
        self.assertEqual(self.psql_scalar("select count(*) from public.accounts"), "4")
        self.assertEqual(self.psql_scalar("select cursor_value from shiftsync.shiftsync_state where stream = 'accounts'"),
                         "2026-04-03 00:00:00+00")
        self.assert_sync_staging_empty()

    def test_redshift_to_redshift_another_schema_both_paths(self):
        self.sql("create schema if not exists mart")
        for via in ("data-api", "unload"):
            with self.subTest(via=via):
                name = via.replace("-", "_")
                config = self.write_config("streams:\n" + stream(
                    f"orders_{name}", "{connection: warehouse, table: public.orders}",
                    f"{{connection: warehouse, table: mart.orders_{name}}}", mode="incremental",
                    cursor="updated_at", primary_key="[id]", write="upsert", via=via))
                self.sync_ok(config)
                self.sync_ok(config)  # again: the ties re-read and merged away
                self.assertEqual(self.warehouse_rows(f"select id, updated_at, note, amount from mart.orders_{name} order by id"),
                                 self.orders())
                # The created table took the source's types (numeric(12,2) stays exact).
                self.assertEqual(self.psql_scalar(
                    "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
                    f"'mart.orders_{name}'::regclass and attname = 'amount'"), "numeric(12,2)")
        self.assert_sync_staging_empty()

    def test_housekeeping_reports_uploads_it_may_not_abort(self):
        """A multipart upload a killed run left open in the staging bucket, in the journal: the connector
        role may not abort it (the guide grants no s3:AbortMultipartUpload), so sync says so once and keeps
        the journal entry for `shiftsync rm --incomplete-uploads`."""
        key = "sync-staging/left-open.bin"
        upload_id = self.s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        self.addCleanup(self.s3.abort_multipart_upload, Bucket=BUCKET, Key=key, UploadId=upload_id)
        journal = self.ss.default_journal
        os.makedirs(os.path.dirname(journal), exist_ok=True)
        with open(journal, "a") as f:
            f.write(json.dumps({"event": "started", "bucket": BUCKET, "key": key, "upload_id": upload_id,
                                "time": "2026-12-01T00:00:00Z"}) + "\n")
        self.sql("create table if not exists hk (id int)")
        config = self.write_config("streams:\n" + stream(
            "hk", "{connection: warehouse, table: public.hk}", "{connection: app, table: public.hk}", write="replace"))
        r = self.sync_ok(config)
        self.assertIn("could not be aborted", r.err())
        self.assertIn("AbortIncompleteMultipartUpload", r.err())
        with open(journal) as f:
            self.assertIn(upload_id, f.read())

    def test_one_failing_stream_does_not_stop_the_others(self):
        self.sql("create table fine (id int)")
        self.sql("insert into fine values (1), (2)")
        config = self.write_config("max_parallel_streams: 1\nstreams:\n" + stream(
            "broken", "{connection: warehouse, table: public.no_such_table}", "{connection: app, table: public.broken}",
            write="replace") + stream(
            "fine", "{connection: warehouse, table: public.fine}", "{connection: app, table: public.fine}",
            write="replace"))
        r = self.sync(config, "--log-format", "json")
        self.assertEqual(r.returncode, 1, r)
        ends = {e["stream"]: e for e in map(json.loads, filter(lambda l: l.startswith("{"), r.err().splitlines()))
                if e.get("event") == "stream_end"}
        self.assertEqual(ends["broken"]["status"], "failed")
        self.assertIn("no_such_table", ends["broken"]["error"])
        # A failed statement is named by its id (what AWS support asks for), a refused call by its request id.
        self.assertRegex(ends["broken"]["error"], r"statement [0-9a-f-]{36}")
        self.assertEqual(ends["fine"]["status"], "succeeded")
        self.assertEqual(self.app_rows("select id from public.fine order by id"), [("1",), ("2",)])

    def test_config_errors_touch_nothing(self):
        cases = {
            "wrong type": ("max_parallel_streams: many\nstreams: []\n", "max_parallel_streams"),
            "unknown key": ("streams:\n" + stream("s", "{connection: warehouse, table: t}", "{connection: app, table: t}",
                                                  mdoe="incremental"), "streams[0].mdoe"),
            "missing connection": ("streams:\n" + stream("s", "{connection: nowhere, table: t}",
                                                         "{connection: app, table: t}"), "streams[0].source.connection"),
            "upsert without key": ("streams:\n" + stream("s", "{connection: warehouse, table: t}",
                                                         "{connection: app, table: t}", write="upsert"), "streams[0]"),
        }
        for label, (body, key_path) in cases.items():
            with self.subTest(label):
                config = self.write_config(body)
                r = self.sync(config)
                self.assertEqual(r.returncode, 2, r)
                self.assertIn(os.path.basename(config) + ":", r.err())
                self.assertIn(key_path, r.err())
        unset = self.write_config("streams: []\n", connections=self.redshift_connection() +
                                  "  other:\n    type: postgres\n    dsn: \"password=${SHIFTSYNC_TEST_UNSET_VAR}\"\n")
        r = self.sync(unset)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("SHIFTSYNC_TEST_UNSET_VAR", r.err())

    def test_json_logs_keep_secrets_out(self):
        self.sql("create table secretive (id int)")
        self.sql("insert into secretive values (1)")
        config = self.write_config("streams:\n" + stream(
            "secretive", "{connection: warehouse, table: public.secretive}", "{connection: app, table: public.secretive}",
            write="replace"))
        r = self.sync_ok(config, "--log-format", "json")
        events = [json.loads(line) for line in r.err().splitlines() if line.startswith("{")]
        self.assertIn("stream_end", [e.get("event") for e in events])
        self.assertNotIn(self.app.password, r.err())
        dry = self.sync_ok(config, "--dry-run")
        self.assertNotIn(self.app.password, dry.text() + dry.err())


if __name__ == "__main__":
    unittest.main()

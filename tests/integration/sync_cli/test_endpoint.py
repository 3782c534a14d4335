"""`shiftsync sync` with a Redshift connection on the endpoint path (connection_method: endpoint,
db_endpoint, db_ca): Redshift → PostgreSQL incrementally, local CSV → Redshift (COPY and the state row
in the load's transaction on the connection), each compared exactly; the new keys' config errors."""
import json
import os
import unittest

from sync_fixture import SyncCase, yaml_quote
from test_directions import stream


class SyncOnTheEndpoint(SyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table orders (id int, updated_at timestamp, note varchar(100), amount numeric(12,2))")
        cls.sql("insert into orders values (1, '2026-01-01 10:00:00', 'first', 10.50), "
                "(2, '2026-01-01 11:00:00', 'it''s, \"quoted\"', NULL), (3, '2026-01-01 12:00:00', '', 0)")

    def endpoint_connection(self, name="warehouse", **overrides):
        pg = self.aws.postgres
        keys = {"connection_method": "endpoint", "db_endpoint": f"{pg['address']}:{pg['port']}", "db_ca": pg["ca"],
                **overrides}
        return self.redshift_connection(name) + "".join(f"    {k}: {yaml_quote(v)}\n" for k, v in keys.items())

    def test_redshift_to_postgres_incrementally(self):
        config = self.write_config("streams:\n" + stream(
            "orders_to_app", "{connection: warehouse, table: public.orders}", "{connection: app, table: public.orders_copy}",
            mode="incremental", cursor="updated_at", primary_key="[id]", write="upsert"),
            connections=self.endpoint_connection() + self.app_connection())
        since = len(self.aws.request_log())
        self.sync_ok(config)
        granted, _ = self.connector_actions(since=since)
        self.assertIn("redshift-serverless:GetCredentials", granted)
        self.assertNotIn("redshift-data:ExecuteStatement", granted, "a statement went through the Data API")
        query = "select id, updated_at, note, amount from public.orders_copy order by id"
        expected = "select id, updated_at, note, amount from orders order by id"
        self.assertEqual(self.app_rows(query), self.warehouse_rows(expected))
        self.sql("insert into orders values (4, '2026-01-02 00:00:00', 'newer', 4)")
        self.sync_ok(config)
        self.assertEqual(self.app_rows(query), self.warehouse_rows(expected))
        self.assertEqual(len(self.app_rows(query)), 4)
        self.assert_sync_staging_empty()

    def test_local_csv_to_redshift_with_its_state_row(self):
        folder = self.folder("sync", "endpoint-inbox", "people")
        with open(os.path.join(folder, "a.csv"), "w") as f:
            f.write('id,name\n1,Ann\n2,"Bob, Jr."\n3,\n')
        connections = self.endpoint_connection() + \
            f"  inbox:\n    type: local\n    directory: {json.dumps(os.path.dirname(folder))}\n"
        self.sql("create table people (id int, name varchar(50))")
        config = self.write_config("streams:\n" + stream(
            "people", "{connection: inbox, path: people, format: csv}", "{connection: warehouse, table: public.people}",
            mode="full_refresh", write="replace"), connections=connections)
        since = len(self.aws.request_log())
        self.sync_ok(config)
        granted, _ = self.connector_actions(since=since)
        self.assertIn("redshift-serverless:GetCredentials", granted)
        self.assertEqual(self.warehouse_rows("select id, name from people order by id"),
                         [("1", "Ann"), ("2", "Bob, Jr."), ("3", None)])
        state = self.warehouse_rows("select stream from shiftsync.shiftsync_state")
        self.assertIn(("people",), state)
        self.assert_sync_staging_empty()

    def test_the_new_keys_are_checked_before_anything_runs(self):
        for overrides, words in (({"connection_method": "jdbc"}, "connection_method"),
                                 ({"db_endpoint": "host:99999"}, "db_endpoint")):
            config = self.write_config("streams:\n" + stream(
                "orders_to_app", "{connection: warehouse, table: public.orders}",
                "{connection: app, table: public.orders_bad}", mode="full_refresh", write="replace"),
                connections=self.endpoint_connection(**overrides) + self.app_connection())
            r = self.sync(config)
            self.assertEqual(r.returncode, 2, str(r))
            self.assertIn(words, r.err())


if __name__ == "__main__":
    unittest.main()

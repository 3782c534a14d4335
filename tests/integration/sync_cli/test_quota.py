"""Eight streams in parallel against localaws with the Data API's published per-account quotas on
(ExecuteStatement 30/s, DescribeStatement 100/s, GetStatementResult 20/s): every stream succeeds and
no request was throttled, counted from localaws's own counters — the streams share one engine and the
connection's limiters, so together they stay under the account's quotas."""
import json
import unittest

from sync_fixture import SyncCase

QUOTAS = [{"service": "redshift-data", "operation": "ExecuteStatement", "quota_per_second": 30},
          {"service": "redshift-data", "operation": "DescribeStatement", "quota_per_second": 100},
          {"service": "redshift-data", "operation": "GetStatementResult", "quota_per_second": 20}]


def throttled(counters):
    """ThrottlingException answers per redshift-data operation."""
    out = {}
    for name, c in counters.items():
        if not name.startswith("redshift-data."):
            continue
        n = c.get("by_error_code", c.get("errors", {})).get("ThrottlingException", 0)
        if n:
            out[name] = n
    return out


class Quota(SyncCase):
    def warehouse_table(self, name, rows, payload="'p' || g", width=100):
        """public.NAME in the warehouse: ROWS rows (id, at, payload), at a second apart from 2026-01-01."""
        self.sql(f"create table {name} (id int, at timestamp, payload varchar({width}))")
        self.sql(f"insert into {name} select g, timestamp '2026-01-01' + g * interval '1 second', "
                 f"{payload} from generate_series(1, {rows}) g")

    def app_table(self, name, rows):
        """public.NAME in the application database, shaped as warehouse_table's, readable by the app user."""
        self.app.psql(f"create table public.{name} (id int primary key, at timestamp, payload text)")
        self.app.psql(f"insert into public.{name} select g, timestamp '2026-01-01' + g * interval '1 second', "
                      f"'p' || g from generate_series(1, {rows}) g")
        self.app.psql(f"grant select on public.{name} to app")

    def test_eight_streams_stay_under_the_published_quotas(self):
        streams = "max_parallel_streams: 8\nstreams:\n"
        for i in range(4):
            self.warehouse_table(f"wide_{i}", 3000, payload="repeat('x', 150) || g", width=200)
            self.app_table(f"src_{i}", 2000)
            streams += (f"  - name: down_{i}\n    source: {{connection: warehouse, table: public.wide_{i}}}\n"
                        f"    destination: {{connection: app, table: public.wide_{i}}}\n"
                        f"    mode: incremental\n    cursor: at\n    primary_key: [id]\n    write: upsert\n"
                        f"    via: data-api\n")
            streams += (f"  - name: up_{i}\n    source: {{connection: app, table: public.src_{i}}}\n"
                        f"    destination: {{connection: warehouse, table: public.src_{i}}}\n"
                        f"    mode: incremental\n    cursor: at\n    primary_key: [id]\n    write: upsert\n")
        config = self.write_config(streams)
        self.aws.set_faults(QUOTAS)
        self.addCleanup(self.aws.clear_faults)
        self.aws.admin("DELETE", "counters")
        r = self.sync_ok(config, "--log-format", "json", timeout=900)
        counters = self.aws.counters()
        self.assertEqual(throttled(counters), {}, "throttled by the published quotas")
        calls = sum(c.get("requests", 0) for n, c in counters.items() if n.startswith("redshift-data."))
        self.assertGreater(calls, 100, "too few Data API calls for the quotas to matter")
        for i in range(4):
            self.assertEqual(self.app_rows(f"select count(*) from public.wide_{i}"), [("3000",)])
            self.assertEqual(self.warehouse_rows(f"select count(*) from public.src_{i}"), [("2000",)])
        self.assertEqual(r.err().count('"status":"succeeded"'), 8, r.err()[-3000:])

    def test_max_concurrent_loads_lets_one_load_hold_a_transaction_at_a_time(self):
        # Four loads into the warehouse at once, max_concurrent_loads: 1 — the streams read and stage
        # side by side, but COPY, merge and the state row (BEGIN … COMMIT) run one stream at a time.
        streams = "max_parallel_streams: 4\nstreams:\n"
        for i in range(4):
            self.app_table(f"limited_{i}", 20000)
            write = "upsert\n    primary_key: [id]" if i % 2 else "replace"
            streams += (f"  - name: limited_{i}\n    source: {{connection: app, table: public.limited_{i}}}\n"
                        f"    destination: {{connection: warehouse, table: public.limited_{i}}}\n"
                        f"    write: {write}\n")
        connections = (self.redshift_connection() + "    max_concurrent_loads: 1\n" + self.app_connection())
        config = self.write_config(streams, connections=connections)
        dry = self.sync_ok(config, "--dry-run")
        self.assertIn("max_concurrent_loads=1", dry.text() + dry.err())
        r = self.sync_ok(config, "--log-format", "json")
        events = [json.loads(line) for line in r.err().splitlines() if line.startswith("{")]
        in_transaction = {"copy", "merge", "state"}
        phase, most, seen = {}, 0, set()
        for e in events:  # in the order the worker's one network thread logged them
            if e.get("event") == "phase":
                phase[e["stream"]] = e["phase"]
                seen.add(e["phase"])
            elif e.get("event") == "stream_end":
                phase.pop(e["stream"], None)
            most = max(most, sum(1 for p in phase.values() if p in in_transaction))
        self.assertIn("copy", seen)
        self.assertEqual(most, 1, "two loads held a transaction on the warehouse at once")
        for i in range(4):
            self.assertEqual(self.warehouse_rows(f"select count(*), sum(id) from public.limited_{i}"),
                             [("20000", str(20000 * 20001 // 2))])
        self.assertEqual(r.err().count('"status":"succeeded"'), 4, r.err()[-3000:])

    def test_max_concurrent_unloads_and_loads_into_postgres_take_turns(self):
        # Four Redshift → PostgreSQL streams at once, the warehouse's max_concurrent_unloads: 1 and the
        # application database's max_concurrent_loads: 1 — one UNLOAD at a time, one stream writing
        # into PostgreSQL at a time, and one stream's UNLOAD may run while another writes.
        streams = "max_parallel_streams: 4\nstreams:\n"
        for i in range(4):
            self.warehouse_table(f"turns_{i}", 20000)
            streams += (f"  - name: turns_{i}\n    source: {{connection: warehouse, table: public.turns_{i}}}\n"
                        f"    destination: {{connection: app, table: public.turns_{i}}}\n"
                        f"    write: replace\n    via: unload\n")
        connections = (self.redshift_connection() + "    max_concurrent_unloads: 1\n" + self.app_connection() +
                       "    max_concurrent_loads: 1\n")
        config = self.write_config(streams, connections=connections)
        dry = self.sync_ok(config, "--dry-run")
        self.assertIn("max_concurrent_unloads=1", dry.text() + dry.err())
        self.assertIn("max_concurrent_loads=1", dry.text() + dry.err())
        r = self.sync_ok(config, "--log-format", "json")
        events = [json.loads(line) for line in r.err().splitlines() if line.startswith("{")]
        phase, writing = {}, set()
        most_unloading = most_writing = 0
        for e in events:  # in the order the worker's one network thread logged them
            stream = e.get("stream")
            if e.get("event") == "phase":
                # The write turn is taken between "queued" and the "extract" after it (the sink's open),
                # and held through the commit ("merge") until "cleanup".
                if e["phase"] == "extract" and phase.get(stream) == "queued":
                    writing.add(stream)
                elif e["phase"] == "cleanup":
                    writing.discard(stream)
                phase[stream] = e["phase"]
            elif e.get("event") == "stream_end":
                phase.pop(stream, None)
                writing.discard(stream)
            most_unloading = max(most_unloading, sum(1 for p in phase.values() if p == "statement"))
            most_writing = max(most_writing, len(writing))
        self.assertEqual(most_unloading, 1, "two UNLOADs ran at once")
        self.assertEqual(most_writing, 1, "two streams wrote into PostgreSQL at once")
        for i in range(4):
            self.assertEqual(self.app_rows(f"select count(*), sum(id) from public.turns_{i}"),
                             [("20000", str(20000 * 20001 // 2))])
        self.assertEqual(r.err().count('"status":"succeeded"'), 4, r.err()[-3000:])


if __name__ == "__main__":
    unittest.main()

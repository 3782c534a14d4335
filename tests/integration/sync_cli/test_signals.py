"""Signals and the long-running worker: SIGINT during a load's COPY rolls the load back, removes the staged
files, leaves the cursor where the last commit put it and exits 130; `--every` keeps running passes, serving
Prometheus /metrics meanwhile, until SIGTERM."""
import json
import re
import signal
import time
import unittest
import urllib.request

from sync_fixture import SyncCase


class Signals(SyncCase):
    def stream_config(self, name, table):
        return self.write_config(
            "streams:\n"
            f"  - name: {name}\n    source: {{connection: app, table: public.{table}}}\n"
            f"    destination: {{connection: warehouse, table: public.{table}}}\n"
            "    mode: incremental\n    cursor: id\n    primary_key: [id]\n    write: upsert\n")

    def test_sigint_during_copy_rolls_back_and_keeps_the_cursor(self):
        self.app.psql("create table public.big (id int primary key, v text); "
                      "insert into public.big select g, repeat('x', 100) from generate_series(1, 1000) g; "
                      "grant select on public.big to app")
        config = self.stream_config("big", "big")
        self.sync_ok(config)
        self.assertEqual(self.psql_scalar("select cursor_value from shiftsync.shiftsync_state where stream = 'big'"), "1000")
        self.app.psql("insert into public.big select g, repeat('y', 100) from generate_series(1001, 300000) g")
        # COPY held on the warehouse side, so the signal lands while it runs.
        self.aws.set_faults([{"service": "redshift-data", "operation": "StatementStarted", "latency_ms": 1500}])
        self.addCleanup(self.aws.clear_faults)
        proc = self.start_sync(config, "--log-format", "json")
        for raw in proc.stderr:
            e = json.loads(raw) if raw.startswith(b"{") else {}
            if e.get("event") == "phase" and e.get("phase") == "copy":
                break
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read().decode()
        self.assertEqual(proc.wait(timeout=120), 130, rest)
        proc.stderr.close()
        proc.stdout.close()
        self.assertIn('"status":"interrupted"', rest)
        self.aws.clear_faults()
        self.assertEqual(self.warehouse_rows("select count(*) from public.big"), [("1000",)])
        self.assertEqual(self.psql_scalar("select cursor_value from shiftsync.shiftsync_state where stream = 'big'"), "1000")
        self.assert_sync_staging_empty()
        # and the next run moves the rest
        self.sync_ok(config)
        self.assertEqual(self.warehouse_rows("select count(*) from public.big"), [("300000",)])

    def test_every_serves_metrics_until_sigterm(self):
        self.app.psql("create table public.small (id int primary key); insert into public.small values (1), (2), (3); "
                      "grant select on public.small to app")
        config = self.stream_config("small", "small")
        proc = self.start_sync(config, "--every", "1h", "--metrics-port", "0")
        port = None
        seen = []
        for raw in proc.stderr:
            line = raw.decode()
            seen.append(line)
            m = re.search(r"metrics at http://127\.0\.0\.1:(\d+)/metrics", line)
            if m:
                port = int(m.group(1))
            if "next pass in" in line:
                break
        self.assertIsNotNone(port, "".join(seen))
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
        self.assertIn('shiftsync_rows_total{stream="small"} 3', text)
        self.assertIn('shiftsync_stream_runs_total{stream="small",outcome="succeeded"} 1', text)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=60), 130)
        proc.stderr.close()
        proc.stdout.close()


if __name__ == "__main__":
    unittest.main()

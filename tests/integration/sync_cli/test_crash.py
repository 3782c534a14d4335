"""The proof of exactly-once: `shiftsync sync` killed with SIGKILL at chosen moments of every phase, re-run,
and at the end every destination equals its source exactly: no duplicate, no missing row, no stale value.

Two incremental upsert streams run in each pass:
  up:    application PostgreSQL public.items → the warehouse (Redshift, localaws), lookback 5m
  down:  the warehouse's copy → application PostgreSQL public.items_back
Between passes the application changes: new rows, updates that tie on the newest cursor value, and rows
committed late with a cursor value older than the last one seen but inside the lookback. Each pass is
killed when a chosen stream reports a chosen phase (plus a random few milliseconds), cycling through every
phase of both directions; some passes run to the end. Killed workers leave Data API sessions holding
locks: the worker runs with --session-keep-alive 3, so they end within seconds (as on Redshift).
"""
import json
import random
import signal
import subprocess
import threading
import time
import unittest

from sync_fixture import SyncCase

UP_PHASES = ["planning", "stage", "copy", "merge", "state", "cleanup"]
DOWN_PHASES = ["planning", "statement", "extract", "merge"]


class Crash(SyncCase):
    def config(self):
        body = (
            "max_parallel_streams: 2\n"
            "streams:\n"
            "  - name: up\n"
            "    source: {connection: app, table: public.items}\n"
            "    destination: {connection: warehouse, table: public.items}\n"
            "    mode: incremental\n    cursor: updated_at\n    lookback: 5m\n    primary_key: [id]\n    write: upsert\n"
            "  - name: down\n"
            "    source: {connection: warehouse, table: public.items}\n"
            "    destination: {connection: app, table: public.items_back}\n"
            "    mode: incremental\n    cursor: updated_at\n    lookback: 5m\n    primary_key: [id]\n    write: upsert\n")
        return self.write_config(body)

    def mutate(self, rng, step, next_id):
        """One round of application writes; the clock is 10 s per step, so every step is newer."""
        now = f"timestamp '2026-06-01 00:00:00' + interval '{10 * step} seconds'"
        late = f"timestamp '2026-06-01 00:00:00' + interval '{10 * step - 120} seconds'"
        new = ", ".join(f"({next_id + i}, {now}, 'new {next_id + i} at {step}')" for i in range(rng.randint(20, 200)))
        self.app.psql(f"insert into public.items values {new}")
        count = next_id + 200
        # updates that tie on the newest value, and late commits stamped two minutes back
        self.app.psql(f"update public.items set val = val || ' u{step}', updated_at = {now} "
                      f"where id % 97 = {rng.randint(0, 96)}")
        self.app.psql(f"update public.items set val = val || ' late{step}', updated_at = {late} "
                      f"where id % 89 = {rng.randint(0, 88)}")
        late_rows = ", ".join(f"({count + i}, {late}, 'late new {count + i}')" for i in range(rng.randint(1, 10)))
        self.app.psql(f"insert into public.items values {late_rows}")
        count += 10
        return count

    def run_and_kill(self, config, stream, phase, rng, delay=True):
        """Starts a pass; kills it when `stream` reports `phase` (after 0–40 ms, or at once without
        `delay`). True when it was killed."""
        proc = self.start_sync(config, "--log-format", "json", "--session-keep-alive", "3")
        seen = threading.Event()

        def watch():
            for raw in proc.stderr:
                try:
                    e = json.loads(raw)
                except ValueError:
                    continue
                if e.get("event") == "phase" and e.get("stream") == stream and e.get("phase") == phase:
                    seen.set()
                    return
            seen.set()
        t = threading.Thread(target=watch, daemon=True)
        t.start()
        seen.wait(timeout=300)
        killed = False
        if proc.poll() is None:
            time.sleep(rng.uniform(0, 0.04) if delay else 0)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed = True
        proc.wait(timeout=300)
        t.join(timeout=10)
        proc.stderr.close()
        if proc.stdout:
            proc.stdout.close()
        return killed

    def test_killed_anywhere_the_destinations_converge_exactly(self):
        seed = int(time.time())
        rng = random.Random(seed)
        print(f"crash test seed {seed}")
        self.app.psql("create table public.items (id int primary key, updated_at timestamp, val text)")
        self.app.psql("grant select on public.items to app")
        next_id = self.mutate(rng, 0, 1)
        config = self.config()
        targets = [("up", p) for p in UP_PHASES] + [("down", p) for p in DOWN_PHASES]
        kills, step = {}, 1
        for round_ in range(4):
            for stream, phase in targets:
                # A short last phase (cleanup) may end with the process before the random delay does:
                # then try again at once, so that every phase is hit every round however fast it is.
                for attempt in range(4):
                    if self.run_and_kill(config, stream, phase, rng, delay=attempt == 0):
                        kills[(stream, phase)] = kills.get((stream, phase), 0) + 1
                        break
                next_id = self.mutate(rng, step, next_id)
                step += 1
            r = self.sync(config, "--session-keep-alive", "3")  # one whole pass per round
            self.assertIn(r.returncode, (0, 1), r)
        # Converge: two clean passes (up, then down sees up's last commit).
        self.sync_ok(config, "--session-keep-alive", "3")
        self.sync_ok(config, "--session-keep-alive", "3")
        source = self.app_rows("select id, updated_at, val from public.items order by id")
        self.assertEqual(self.warehouse_rows("select id, updated_at, val from public.items order by id"), source)
        self.assertEqual(self.app_rows("select id, updated_at, val from public.items_back order by id"), source)
        self.assertEqual(self.psql_scalar("select count(*) - count(distinct id) from public.items"), "0")
        self.assert_sync_staging_empty()
        total = sum(kills.values())
        print(f"kills per (stream, phase): {kills}")
        self.assertGreaterEqual(total, 30, f"only {total} kills landed: {kills}")
        for target in targets:
            self.assertIn(target, kills, f"no kill landed in {target}: {kills}")


if __name__ == "__main__":
    unittest.main()

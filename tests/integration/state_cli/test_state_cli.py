"""`shiftsync state show|reset` as a user runs it. State is written through the state store library
by sync_state_writer (tests/unit/sync/state_writer.cpp), the way the sync worker writes it; the
command then shows it, resets it, and refuses what it must refuse. Exit codes: 0 done, 1 failed
(a file that cannot be opened, a declined prompt, a stream a sync holds), 2 usage (an unknown
stream, reset without --yes off a terminal)."""
import json
import os
import pty
import sqlite3
import subprocess
import tempfile
import unittest

BIN = os.environ["SHIFTSYNC_BIN"]
WRITER = os.environ["SYNC_STATE_WRITER"]


class StateCli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="shiftsync-state-cli-")
        self.addCleanup(self.dir.cleanup)
        self.db = os.path.join(self.dir.name, "state", "state.db")
        self.env = {"PATH": os.environ.get("PATH", ""), "HOME": self.dir.name}

    def shiftsync(self, *args, env=None):
        return subprocess.run([BIN, *args], env=env or self.env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)

    def state(self, *args):
        return self.shiftsync("state", *args, "--state", self.db)

    def write(self, *args):
        r = subprocess.run([WRITER, self.db, *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def two_streams(self):
        self.write("begin", "orders", "run-1", "1700000000")
        self.write("commit", "orders", "run-1", "2026-01-02 03:04:05", "updated_at", "50", "4096", "1700000100", "9.5")
        self.write("begin", "orders", "run-2", "1700000200")
        self.write("commit", "orders", "run-2", "2026-01-03 00:00:00", "updated_at", "7", "100", "1700000300", "2")
        self.write("begin", "items", "run-3", "1700000400")
        self.write("fail", "items", "run-3", "failed", "COPY failed: column qty: not a number", "1700000500")
        self.write("inflight", "items", "run-3", "staging_prefix", "stage", "sync/run-3/", "", "1700000400")

    def shown(self, *streams):
        r = self.state("show", *streams, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_show_on_a_new_state_file_says_it_is_empty(self):
        r = self.state("show")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no streams", r.stdout)
        self.assertIn(self.db, r.stdout)
        self.assertEqual(self.shown(), {"state_file": self.db, "streams": [], "inflight": []})

    def test_show_lists_what_the_worker_wrote(self):
        self.two_streams()
        r = self.state("show")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split()[:3], ["STREAM", "STATUS", "CURSOR"])
        self.assertTrue(lines[1].startswith("items "), r.stdout)  # by name
        self.assertIn("failed", lines[1])
        self.assertIn("COPY failed: column qty: not a number", lines[1])
        self.assertTrue(lines[2].startswith("orders "), r.stdout)
        for text in ("succeeded", "2026-01-03 00:00:00", " 7 ", " 57 ", "run-2", "2023-11-14T22:18:20Z"):
            self.assertIn(text, lines[2])
        self.assertIn("1 in-flight", r.stdout)

        state = self.shown("orders")
        self.assertEqual(len(state["streams"]), 1)
        orders = state["streams"][0]
        self.assertEqual(orders["cursor"], "2026-01-03 00:00:00")
        self.assertEqual(orders["cursor_column"], "updated_at")
        self.assertEqual((orders["rows_last"], orders["rows_total"], orders["bytes_last"]), (7, 57, 100))
        self.assertEqual((orders["last_run_id"], orders["pending_run_id"], orders["status"]), ("run-2", "", "succeeded"))
        self.assertEqual((orders["started_at"], orders["finished_at"], orders["seconds_last"]),
                         (1700000200, 1700000300, 2.0))
        self.assertIsNone(orders["lock"])
        items = self.shown("items")["streams"][0]
        self.assertIsNone(items["cursor"])
        self.assertEqual(items["last_error"], "COPY failed: column qty: not a number")
        self.assertEqual(state["inflight"][0]["key"], "sync/run-3/")

    def test_an_unknown_stream_is_2_and_names_the_known_ones(self):
        r = self.state("show", "nope")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no sync has run", r.stderr)
        self.two_streams()
        for args in (["show", "nope"], ["reset", "orders", "nope", "--yes"]):
            with self.subTest(args[0]):
                r = self.state(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("'nope'", r.stderr)
                self.assertIn("known streams: items, orders", r.stderr)
                self.assertEqual(r.stdout, "")
        self.assertEqual(len(self.shown()["streams"]), 2)  # orders was not reset either

    def test_reset_without_yes_off_a_terminal_is_refused(self):
        self.two_streams()
        r = self.state("reset", "orders")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--yes", r.stderr)
        self.assertEqual(self.shown("orders")["streams"][0]["rows_total"], 57)

    def test_reset_with_yes_says_what_it_removed(self):
        self.two_streams()
        r = self.state("reset", "orders", "items", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("reset orders: removed cursor '2026-01-03 00:00:00' on updated_at, last run run-2, 57 rows total",
                      r.stdout)
        self.assertIn("reset items: removed cursor (none)", r.stdout)
        self.assertIn("kept 1 in-flight item", r.stdout)  # the next sync still has to clean the prefix
        state = self.shown()
        self.assertEqual(state["streams"], [])
        self.assertEqual(len(state["inflight"]), 1)
        # The worker starts over: a new run of orders begins from no cursor.
        self.write("begin", "orders", "run-9", "1700001000")
        self.assertIsNone(self.shown("orders")["streams"][0]["cursor"])

    def reset_on_a_terminal(self, answer):
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(BIN, [BIN, "state", "reset", "orders", "--state", self.db], self.env)
        output = b""
        while b"[y/N]" not in output:
            output += os.read(fd, 1024)
        os.write(fd, answer + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), output.decode()

    def test_reset_on_a_terminal_asks_first(self):
        self.two_streams()
        code, output = self.reset_on_a_terminal(b"n")
        self.assertEqual(code, 1, output)
        self.assertIn("Reset orders in", output)
        self.assertIn("nothing was reset", output)
        self.assertEqual(len(self.shown("orders")["streams"]), 1)
        code, output = self.reset_on_a_terminal(b"y")
        self.assertEqual(code, 0, output)
        self.assertIn("reset orders: removed cursor", output)
        self.assertEqual([s["stream"] for s in self.shown()["streams"]], ["items"])

    def test_reset_of_a_stream_a_live_worker_holds_is_refused(self):
        self.two_streams()
        worker = subprocess.Popen([WRITER, self.db, "lock", "orders", "sync run-7"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.addCleanup(worker.stdin.close)
        self.addCleanup(worker.stdout.close)
        self.addCleanup(worker.wait)
        self.addCleanup(worker.kill)
        self.assertEqual(worker.stdout.readline(), "locked\n")
        lock = self.shown("orders")["streams"][0]["lock"]
        self.assertEqual((lock["owner"], lock["pid"]), ("sync run-7", worker.pid))
        r = self.state("reset", "items", "orders", "--yes")
        self.assertEqual(r.returncode, 1)
        self.assertIn("sync run-7", r.stderr)
        self.assertIn(f"pid {worker.pid}", r.stderr)
        self.assertIn("nothing was reset", r.stderr)
        self.assertEqual(len(self.shown()["streams"]), 2)  # items neither
        self.assertIsNone(self.shown("items")["streams"][0]["lock"])  # reset's own lock released
        # Killed while holding it: the lock is dead, and the reset goes through.
        worker.kill()
        worker.wait()
        r = self.state("reset", "orders", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_a_state_path_that_cannot_be_made_is_a_clear_failure(self):
        blocker = os.path.join(self.dir.name, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        r = self.shiftsync("state", "show", "--state", os.path.join(blocker, "state.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot create the directory {blocker}", r.stderr)
        self.assertIn("--state", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_a_newer_state_file_is_refused_untouched(self):
        os.makedirs(os.path.dirname(self.db))
        db = sqlite3.connect(self.db)
        db.execute("PRAGMA user_version = 5")
        db.close()
        r = self.state("show")
        self.assertEqual(r.returncode, 1)
        self.assertIn("schema version 5", r.stderr)
        self.assertIn("newer shiftsync", r.stderr)
        db = sqlite3.connect(self.db)
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 5)
        self.assertEqual(db.execute("select count(*) from sqlite_master").fetchone()[0], 0)
        db.close()

    def test_the_default_state_file_is_under_xdg_state_home_else_home(self):
        xdg = os.path.join(self.dir.name, "xdg")
        r = self.shiftsync("state", "show", env=dict(self.env, XDG_STATE_HOME=xdg))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(os.path.join(xdg, "shiftsync", "state.db"), r.stdout)
        self.assertTrue(os.path.exists(os.path.join(xdg, "shiftsync", "state.db")))
        r = self.shiftsync("state", "show")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(os.path.join(self.dir.name, ".local", "state", "shiftsync", "state.db"), r.stdout)

    def test_usage(self):
        self.assertEqual(self.shiftsync("state").returncode, 2)
        self.assertEqual(self.shiftsync("state", "reset", "--yes").returncode, 2)  # which streams?
        self.assertEqual(self.shiftsync("state", "show", "--no-such-flag").returncode, 2)
        r = self.shiftsync("state", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("reset", r.stdout)


if __name__ == "__main__":
    unittest.main()

"""`shiftsync sweep` as a user runs it, against localaws holding exactly the connector guide's policies
(the class's least-privilege check at the end covers every request sweep made as the connector role).

The runs here are planted by the inspector role: a marker `<location><run id>/_shiftsync_run` in the
format transfer/staging/run_marker.hpp writes, and a few objects beside it. Processes are real: a pid
that is gone is one of `sleep 0`, spawned and reaped; a live one is a running `sleep 60`.
(tests/integration/transfer/staging_run_test.cpp has the marker written by shiftsync itself, by a
process that then dies.)"""
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import unittest

from transfer_fixture import (BUCKET, CUSTOMER, EXTERNAL_ID, REGION, LocalAwsTransferCase, _role, transfer_config)

MARKER = "_shiftsync_run"
THIS_HOST = socket.gethostname()
OTHER_HOST = "another-host.example.internal"
HOUR = 3600
# A role with the guide's policies, refused DeleteObject under "sweep/refused/<run>/locked/".
NO_DELETE_ROLE = f"arn:aws:iam::{CUSTOMER}:role/shiftsync-connector-locked"


def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        return f.read().strip()


def start_ticks(pid):
    """Field 22 of /proc/<pid>/stat, counted after the command name's closing parenthesis."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return int(text[text.rindex(")") + 2:].split()[19])


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def new_run_id(started):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started)) + "-" + secrets.token_hex(8)


def gone_pid():
    """The pid of a process that has exited and been reaped."""
    p = subprocess.Popen(["sleep", "0"])
    p.wait()
    return p.pid


class Sweep(LocalAwsTransferCase):
    @classmethod
    def localaws_config(cls):
        config = transfer_config()
        customer = next(a for a in config["accounts"] if a["id"] == CUSTOMER)
        connector = customer["roles"][0]
        deny = {"name": "deny-locked", "document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "s3:DeleteObject",
             "Resource": f"arn:aws:s3:::{BUCKET}/sweep/refused/*/locked/*"}]}}
        customer["roles"].append(_role("shiftsync-connector-locked", connector["trust_policy"],
                                       list(connector["policies"]) + [deny]))
        return config

    def setUp(self):
        self.base = f"sweep/{self._testMethodName}/"
        self.location = f"s3://{BUCKET}/{self.base}"

    # ---- planting runs and reading the bucket
    def plant(self, host, pid, started, objects=2, ticks=None, same_machine=True, extra=None, raw=None, base=None):
        """A run's marker and `objects` objects; returns the run id. `same_machine`: the marker carries this
        machine's boot id and PID namespace, as shiftsync writes them; `extra` overrides fields; `raw`
        replaces the whole marker."""
        run_id = new_run_id(started)
        base = base or self.base
        body = {"tool": "shiftsync", "run_id": run_id, "host": host, "pid": pid, "started": iso(started),
                "purpose": "extract"}
        if ticks is not None:
            body["process_start_ticks"] = ticks
        if same_machine:
            body["boot_id"] = boot_id()
            body["pid_namespace"] = os.readlink("/proc/self/ns/pid")
        body.update(extra or {})
        self.s3.put_object(Bucket=BUCKET, Key=f"{base}{run_id}/{MARKER}",
                           Body=raw if raw is not None else json.dumps(body).encode())
        for i in range(objects):
            self.s3.put_object(Bucket=BUCKET, Key=f"{base}{run_id}/part_{i:04}", Body=b"x" * (i + 1))
        return run_id

    def keys(self, prefix):
        found = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            found += [o["Key"] for o in page.get("Contents", [])]
        return found

    def run_keys(self, run_id):
        return self.keys(f"{self.base}{run_id}/")

    def live_process(self):
        p = subprocess.Popen(["sleep", "60"])
        self.addCleanup(p.wait)
        self.addCleanup(p.kill)
        return p.pid

    def sweep(self, *flags, connect=None):
        return self.ss.run("sweep", self.location, *flags, connect=connect)

    def line_for(self, r, run_id):
        lines = [line for line in r.text().splitlines() if run_id in line]
        self.assertEqual(len(lines), 1, f"one line for {run_id}: {r}")
        return lines[0]

    # ---- this host
    def test_a_run_whose_process_is_gone_from_this_host_is_swept(self):
        pid = gone_pid()
        run_id = self.plant(THIS_HOST, pid, time.time(), objects=3)
        r = self.sweep()
        self.assert_ok(r)
        self.assertEqual(self.run_keys(run_id), [], "the prefix is empty, marker included")
        line = self.line_for(r, run_id)
        self.assertTrue(line.startswith(f"swept {run_id}: process {pid} on host {THIS_HOST} is gone"), line)
        self.assertIn("deleted 4 objects", line)

    def test_a_run_whose_process_runs_on_this_host_is_never_swept(self):
        pid = self.live_process()
        # Two days old, and --older-than 0s: still kept while its process runs.
        run_id = self.plant(THIS_HOST, pid, time.time() - 48 * HOUR, ticks=start_ticks(pid))
        before = self.run_keys(run_id)
        for flags in ((), ("--older-than", "0s")):
            r = self.sweep(*flags)
            self.assert_ok(r)
            line = self.line_for(r, run_id)
            self.assertTrue(line.startswith(f"kept {run_id}: process {pid} on host {THIS_HOST} is still running"), line)
            self.assertEqual(self.run_keys(run_id), before)
        self.assertEqual(len(before), 3)

    def test_a_recycled_pid_does_not_keep_a_dead_run(self):
        # The marker's pid runs, but that process started later than the one that wrote the marker.
        pid = self.live_process()
        run_id = self.plant(THIS_HOST, pid, time.time(), ticks=start_ticks(pid) - 1)
        r = self.sweep()
        self.assert_ok(r)
        self.assertIn("later process", self.line_for(r, run_id))
        self.assertEqual(self.run_keys(run_id), [])

    def test_another_container_with_this_host_name_is_judged_by_age(self):
        # Same host name and a pid that is gone here, but another PID namespace: the pid means nothing.
        run_id = self.plant(THIS_HOST, gone_pid(), time.time() - HOUR, extra={"pid_namespace": "pid:[1]"})
        r = self.sweep()
        self.assert_ok(r)
        self.assertIn("another boot or container", self.line_for(r, run_id))
        self.assertTrue(self.line_for(r, run_id).startswith(f"kept {run_id}"))
        self.assertEqual(len(self.run_keys(run_id)), 3)

    # ---- another host
    def test_another_hosts_run_is_swept_once_older_than_the_limit(self):
        old = self.plant(OTHER_HOST, 4242, time.time() - 7 * HOUR)
        young = self.plant(OTHER_HOST, 4243, time.time() - HOUR)
        r = self.sweep()  # default: 6h
        self.assert_ok(r)
        old_line, young_line = self.line_for(r, old), self.line_for(r, young)
        self.assertTrue(old_line.startswith(f"swept {old}: started "), old_line)
        self.assertIn(f"on host {OTHER_HOST} (older than 6h)", old_line)
        self.assertTrue(young_line.startswith(f"kept {young}: started "), young_line)
        self.assertIn("younger than 6h", young_line)
        self.assertEqual(self.run_keys(old), [])
        self.assertEqual(len(self.run_keys(young)), 3)
        r = self.sweep("--older-than", "30m")
        self.assert_ok(r)
        self.assertIn("older than 30m", self.line_for(r, young))
        self.assertEqual(self.run_keys(young), [])

    # ---- what is never touched
    def test_objects_without_a_run_marker_are_never_touched(self):
        untouched = [
            f"{self.base}exports/2026/data.csv",                          # a folder that is not a run
            f"{self.base}loose-object.csv",                               # beside the runs
            f"{self.base}{new_run_id(time.time() - 48 * HOUR)}/part_0000",  # named like a run, no marker
            f"sweep/elsewhere/{new_run_id(time.time())}/part_0000",       # outside the location
        ]
        for key in untouched:
            self.s3.put_object(Bucket=BUCKET, Key=key, Body=b"keep me")
        # A dead run outside the location is not this sweep's either.
        outside = self.plant(OTHER_HOST, 1, time.time() - 48 * HOUR, base="sweep/elsewhere/")
        # Markers the sweep does not understand: left alone and said so.
        garbled = self.plant(OTHER_HOST, 1, time.time() - 48 * HOUR, raw=b"{not json")
        foreign = self.plant(OTHER_HOST, 1, time.time() - 48 * HOUR, extra={"tool": "other-tool"})
        swept = self.plant(OTHER_HOST, 1, time.time() - 48 * HOUR)
        r = self.sweep("--older-than", "0s")
        self.assert_ok(r)
        for key in untouched:
            self.assertEqual(self.get(key), b"keep me", key)
        self.assertEqual(len(self.keys(f"sweep/elsewhere/{outside}/")), 3)
        self.assertIn("cannot be read", self.line_for(r, garbled))
        self.assertTrue(self.line_for(r, foreign).startswith(f"kept {foreign}"))
        self.assertEqual(len(self.run_keys(garbled)), 3)
        self.assertEqual(len(self.run_keys(foreign)), 3)
        self.assertEqual(self.run_keys(swept), [], "the one real dead run here is swept")
        self.assertEqual(len(r.text().splitlines()), 3, f"one line per run, none for other objects: {r}")

    # ---- modes and output
    def test_dry_run_deletes_nothing_and_json_sums_up(self):
        dead = self.plant(THIS_HOST, gone_pid(), time.time(), objects=2)
        old = self.plant(OTHER_HOST, 7, time.time() - 7 * HOUR, objects=1)
        pid = self.live_process()
        alive = self.plant(THIS_HOST, pid, time.time(), ticks=start_ticks(pid))
        everything = sorted(self.keys(self.base))
        r = self.sweep("--dry-run", "--json")
        self.assert_ok(r)
        self.assertEqual(sorted(self.keys(self.base)), everything, "--dry-run deleted something")
        summary = r.json()
        self.assertEqual(summary["location"], self.location)
        self.assertTrue(summary["dry_run"])
        self.assertEqual(summary["older_than_seconds"], 6 * HOUR)
        swept = {s["run_id"]: s for s in summary["swept"]}
        self.assertEqual(set(swept), {dead, old})
        self.assertEqual(swept[dead]["objects"], 3)  # what would go: 2 objects and the marker
        self.assertEqual(swept[old]["objects"], 2)
        self.assertEqual([k["run_id"] for k in summary["kept"]], [alive])
        self.assertIn("still running", summary["kept"][0]["reason"])

        r = self.sweep("--dry-run")
        self.assert_ok(r)
        self.assertTrue(self.line_for(r, dead).startswith(f"would sweep {dead}: "), r.text())
        self.assertIn("nothing was deleted", r.err())

        r = self.sweep("--json")
        self.assert_ok(r)
        summary = r.json()
        self.assertFalse(summary["dry_run"])
        self.assertEqual(summary["objects"], 5)
        self.assertEqual(summary["refused"], 0)
        self.assertEqual(self.run_keys(dead), [])
        self.assertEqual(self.run_keys(old), [])
        self.assertEqual(len(self.run_keys(alive)), 3)

    def test_keys_s3_refuses_to_delete_are_reported_by_key_and_the_marker_kept(self):
        self.base = "sweep/refused/"
        self.location = f"s3://{BUCKET}/{self.base}"
        run_id = self.plant(OTHER_HOST, 9, time.time() - 7 * HOUR, objects=2)
        locked = f"{self.base}{run_id}/locked/part_9999"
        self.s3.put_object(Bucket=BUCKET, Key=locked, Body=b"locked")
        connect = ["--region", REGION, "--endpoint-url", self.aws.endpoint, "--role-arn", NO_DELETE_ROLE,
                   "--external-id", EXTERNAL_ID]
        r = self.sweep("--json", connect=connect)
        self.assertEqual(r.returncode, 1, str(r))
        summary = r.json()
        self.assertEqual(len(summary["swept"]), 1)
        refused = summary["swept"][0]["refused"]
        self.assertEqual([f["key"] for f in refused], [locked])
        self.assertEqual(refused[0]["code"], "AccessDenied")
        self.assertEqual(summary["swept"][0]["objects"], 2, "the two others were deleted")
        self.assertEqual(sorted(self.run_keys(run_id)), sorted([f"{self.base}{run_id}/{MARKER}", locked]),
                         "the refused key stays, and the marker beside it")
        r = self.sweep(connect=connect)
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn(f"could not delete s3://{BUCKET}/{locked}: AccessDenied", r.err())
        # With the permission, the next sweep finishes the job.
        r = self.sweep()
        self.assert_ok(r)
        self.assertEqual(self.run_keys(run_id), [])

    def test_sigint_exits_130_and_leaves_the_run_for_the_next_sweep(self):
        run_id = self.plant(OTHER_HOST, 9, time.time() - 7 * HOUR)
        self.aws.set_faults([{"service": "s3", "operation": "ListObjectsV2", "latency_ms": 20000}])
        self.addCleanup(self.aws.clear_faults)
        assumed = len([e for e in self.aws.request_log() if e.get("operation") == "AssumeRole"])
        p = self.ss.start("sweep", self.location)
        try:
            # Its role assumed, the sweep is listing (held 20 s by localaws) when SIGINT comes.
            self.wait_for("the sweep's AssumeRole", lambda: len(
                [e for e in self.aws.request_log() if e.get("operation") == "AssumeRole"]) > assumed, process=p)
            time.sleep(0.5)
            started = time.monotonic()
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=15)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual(p.returncode, 130, err)
        self.assertLess(time.monotonic() - started, 10, "the listing in flight was cancelled, not waited for")
        self.assertIn(b"interrupted", err)
        self.aws.clear_faults()
        self.assertEqual(len(self.run_keys(run_id)), 3)
        r = self.sweep()
        self.assert_ok(r)
        self.assertEqual(self.run_keys(run_id), [])

    def test_usage_errors_are_2(self):
        for args in (("sweep", "https://bucket/prefix/"), ("sweep", "s3://"), ("sweep", self.location, "--older-than", "soon"),
                     ("sweep",)):
            r = self.ss.run(*args)
            self.assertEqual(r.returncode, 2, str(r))
            self.assertEqual(r.stdout, b"")


if __name__ == "__main__":
    unittest.main()

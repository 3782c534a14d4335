"""cp under localaws's fault rules (PUT /_localaws/faults), as the documented connector role.

Transient faults — connection resets mid-body on 5% of UploadPart / GetObject (plus one certain reset,
so that a retry is certain too), SlowDown bursts, CompleteMultipartUpload answering 200 with an
<Error> body — must give byte-exact results, with the retries counted in --json. Persistent faults
must fail cleanly: exit 1, no destination object (its upload aborted or in the journal), no
destination file and no .shiftsync-partial. An object overwritten during a download fails the
download (If-Match). Ctrl-C exits 130 leaving neither an object nor a file. A kill -9 mid-upload leaves
an upload that `rm --incomplete-uploads` aborts."""
import os
import signal
import time
import unittest

from transfer_fixture import (ABORT_LIST_ROLE, ABORT_ROLE, BUCKET, EXTERNAL_ID, MiB, PART, REGION,
                              LocalAwsTransferCase, data, journal_open_uploads, kill9, multipart_etag_file, sha256,
                              sha256_file)


def rule(operation, **kw):
    return {"service": "s3", "operation": operation, **kw}


def connect_as(endpoint, role_arn):
    return ["--region", REGION, "--endpoint-url", endpoint, "--role-arn", role_arn, "--external-id", EXTERNAL_ID]


class Faults(LocalAwsTransferCase):
    def tearDown(self):
        self.aws.clear_faults()
        self.abort_all()

    def setUp(self):
        self.log_start = len(self.aws.request_log())  # this test's requests begin here

    def upload(self, name, size, seed, faults, *extra):
        src, digest = self.file(f"up/{name}", size, seed)
        self.aws.set_faults(faults)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/faults/{name}", "--part-size", "5MiB", "--json", *extra)
        self.aws.clear_faults()
        self.assert_ok(r)
        self.assertEqual(sha256(self.get(f"faults/{name}")), digest, "the object holds other bytes")
        if size > PART:
            self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key=f"faults/{name}")["ETag"],
                             multipart_etag_file(src, PART))
        return r.json()

    def put_object(self, key, size, seed):
        content = data(size, seed)
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=content)
        return sha256(content)

    def errors_injected(self, operation, code):
        return sum(1 for e in self.aws.request_log()[self.log_start:] if e["operation"] == operation and e["error"] == code)

    # ---------------------------------------------------------------- transient faults: uploads
    def test_upload_part_resets_mid_body(self):
        report = self.upload("resets.bin", 12 * PART + 3, 1, [rule("UploadPart", reset_rate=1, count=1),
                                                              rule("UploadPart", reset_rate=0.05)])
        self.assertGreater(report["retries"], 0, "a reset part was sent again, and --json counts it")

    def test_slowdown_burst_on_upload_parts(self):
        report = self.upload("slowdown.bin", 8 * PART, 2, [rule("UploadPart", error_rate=1, error="SlowDown", count=4)],
                             "--concurrency", "4")
        self.assertEqual(self.errors_injected("UploadPart", "SlowDown"), 4)
        self.assertGreaterEqual(report["retries"], 4, "each SlowDown answer is one retry")

    def test_slowdown_burst_longer_than_three_attempts_of_one_request(self):
        """12 SlowDowns with 4 parts in flight: some part is refused 3 times in a row. A bulk transfer keeps
        going through a throttling burst (backing off) instead of failing on the SDKs' per-request limit."""
        report = self.upload("long-slowdown.bin", 8 * PART, 3,
                             [rule("UploadPart", error_rate=1, error="SlowDown", count=12)], "--concurrency", "4")
        self.assertEqual(self.errors_injected("UploadPart", "SlowDown"), 12)
        self.assertGreaterEqual(report["retries"], 12)

    def test_slowdown_on_a_single_put_object(self):
        report = self.upload("small-slowdown.bin", 1000, 4, [rule("PutObject", error_rate=1, error="SlowDown", count=2)])
        self.assertEqual(report["retries"], 2)

    def test_complete_multipart_upload_answering_200_with_an_error(self):
        report = self.upload("complete-error.bin", 3 * PART + 1, 5,
                             [rule("CompleteMultipartUpload", complete_error_rate=1, count=2)])
        self.assertGreaterEqual(report["retries"], 2, "both 200-with-<Error> answers were retried")

    def test_stdin_upload_with_resets(self):
        content = data(6 * PART + 17, 6)
        self.aws.set_faults([rule("UploadPart", reset_rate=1, count=1), rule("UploadPart", reset_rate=0.05)])
        r = self.ss.run("cp", "-", f"s3://{BUCKET}/faults/stdin-resets.bin", "--part-size", "5MiB", "--json",
                        input=content)
        self.aws.clear_faults()
        self.assert_ok(r)
        self.assertGreater(r.json()["retries"], 0)
        self.assertEqual(sha256(self.get("faults/stdin-resets.bin")), sha256(content),
                         "a part read from a pipe was sent again from shiftsync's own buffer")

    # ---------------------------------------------------------------- transient faults: downloads
    def test_get_object_resets_mid_body(self):
        digest = self.put_object("faults/get-resets.bin", 60 * MiB + 5, 7)
        self.aws.set_faults([rule("GetObject", reset_rate=1, count=1), rule("GetObject", reset_rate=0.05)])
        dest = self.path("down/get-resets.bin")
        r = self.ss.run("cp", f"s3://{BUCKET}/faults/get-resets.bin", dest, "--json")
        self.assert_ok(r)
        self.assertEqual(sha256_file(dest), digest)
        self.assertGreater(r.json()["retries"], 0)

        self.aws.set_faults([rule("GetObject", reset_rate=1, count=1), rule("GetObject", reset_rate=0.05)])
        r = self.ss.run("cp", f"s3://{BUCKET}/faults/get-resets.bin", "-", "--json")
        self.assert_ok(r)
        self.assertEqual(sha256(r.stdout), digest, "stdout never holds half a range twice")
        self.assertGreater(r.json_from_stderr()["retries"], 0)

    def test_slowdown_burst_on_downloads(self):
        digest = self.put_object("faults/get-slowdown.bin", 40 * MiB, 8)
        self.aws.set_faults([rule("GetObject", error_rate=1, error="SlowDown", count=4)])
        dest = self.path("down/get-slowdown.bin")
        r = self.ss.run("cp", f"s3://{BUCKET}/faults/get-slowdown.bin", dest, "--json", "--concurrency", "4")
        self.assert_ok(r)
        self.assertEqual(sha256_file(dest), digest)
        self.assertEqual(self.errors_injected("GetObject", "SlowDown"), 4)
        self.assertGreaterEqual(r.json()["retries"], 4)

    # ---------------------------------------------------------------- persistent faults
    def test_persistent_upload_part_failure_leaves_no_object(self):
        src, _ = self.file("up/persistent.bin", 3 * PART, 9)
        journal = self.path("persistent-journal.jsonl")
        self.aws.set_faults([rule("UploadPart", error_rate=1, count=-1)])
        r = self.ss.run("cp", src, f"s3://{BUCKET}/faults/persistent.bin", "--part-size", "5MiB", "--journal", journal)
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn("InternalError", r.err(), "the error says what S3 answered")
        self.assert_no_object("faults/persistent.bin")
        journaled = journal_open_uploads(journal)
        for key, upload_id in self.open_uploads("faults/persistent"):
            self.assertIn(upload_id, journaled, "an upload left in progress is either aborted or in the journal")

    def test_persistent_download_failure_leaves_no_file(self):
        self.put_object("faults/get-fails.bin", 3 * PART, 10)
        self.aws.set_faults([rule("GetObject", error_rate=1, count=-1)])
        dest = os.path.join(self.folder("down-fails"), "get-fails.bin")
        r = self.ss.run("cp", f"s3://{BUCKET}/faults/get-fails.bin", dest)
        self.assertEqual(r.returncode, 1, str(r))
        self.assert_no_local(dest)

    def start_slow_download(self, key, dest, bandwidth):
        self.aws.set_faults([rule("GetObject", bandwidth_bytes_per_second=bandwidth)])
        p = self.ss.start("cp", f"s3://{BUCKET}/{key}", dest, "--concurrency", "2", "--part-size", "5MiB")
        self.addCleanup(kill9, p)
        self.wait_for("the partial file", lambda: os.path.exists(dest + ".shiftsync-partial"), process=p)
        time.sleep(0.5)
        return p

    def finish(self, p, timeout=180):
        try:
            _, err = p.communicate(timeout=timeout)
        except Exception:
            kill9(p)
            raise
        return p.returncode, err.decode(errors="replace")

    def test_download_failing_midway_removes_the_partial_file(self):
        self.put_object("faults/midway.bin", 20 * MiB, 11)
        dest = os.path.join(self.folder("down-midway"), "midway.bin")
        p = self.start_slow_download("faults/midway.bin", dest, 1 * MiB)
        self.aws.set_faults([rule("GetObject", bandwidth_bytes_per_second=1 * MiB),
                             rule("GetObject", error_rate=1, count=-1)])
        code, err = self.finish(p)
        self.assertEqual(code, 1, err)
        self.assert_no_local(dest)

    def test_object_overwritten_during_a_download(self):
        self.put_object("faults/changing.bin", 25 * MiB, 12)
        dest = os.path.join(self.folder("down-changing"), "changing.bin")
        p = self.start_slow_download("faults/changing.bin", dest, 2 * MiB)
        self.put_object("faults/changing.bin", 25 * MiB, 13)
        code, err = self.finish(p)
        self.assertEqual(code, 1, err)
        self.assertRegex(err, r"(?i)chang|PreconditionFailed", "the message says the object changed")
        self.assert_no_local(dest)

    # ---------------------------------------------------------------- Ctrl-C
    def test_sigint_mid_upload_exits_130_and_leaves_no_object(self):
        src, _ = self.file("up/interrupted.bin", 4 * PART, 15)
        journal = self.path("interrupted-journal.jsonl")
        self.aws.set_faults([rule("UploadPart", bandwidth_bytes_per_second=512 * 1024)])
        p = self.ss.start("cp", src, f"s3://{BUCKET}/interrupted/up.bin", "--part-size", "5MiB", "--journal", journal)
        self.addCleanup(kill9, p)
        self.wait_for("an upload in progress", lambda: self.open_uploads("interrupted/"), process=p)
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        code, err = self.finish(p, timeout=60)
        self.assertEqual(code, 130, err)
        self.assert_no_object("interrupted/up.bin")
        journaled = journal_open_uploads(journal)
        for _, upload_id in self.open_uploads("interrupted/"):
            self.assertIn(upload_id, journaled, "an interrupted upload is aborted or in the journal")

    def test_sigint_mid_download_exits_130_and_leaves_no_file(self):
        self.put_object("faults/interrupted.bin", 20 * MiB, 16)
        dest = os.path.join(self.folder("down-interrupted"), "interrupted.bin")
        p = self.start_slow_download("faults/interrupted.bin", dest, 1 * MiB)
        p.send_signal(signal.SIGINT)
        code, err = self.finish(p, timeout=60)
        self.assertEqual(code, 130, err)
        self.assert_no_local(dest)

    # ---------------------------------------------------------------- kill -9
    def killed_upload(self, name, journal):
        """Starts a bandwidth-capped multipart upload and kill -9s it once localaws lists it in progress."""
        src, _ = self.file(f"up/{name}", 4 * PART, 14)
        self.aws.set_faults([rule("UploadPart", bandwidth_bytes_per_second=512 * 1024)])
        p = self.ss.start("cp", src, f"s3://{BUCKET}/killed/{name}", "--part-size", "5MiB", "--journal", journal)
        self.addCleanup(kill9, p)
        self.wait_for("an upload in progress", lambda: self.open_uploads("killed/"), process=p)
        time.sleep(0.5)
        kill9(p)
        self.aws.clear_faults()
        uploads = self.open_uploads("killed/")
        self.assertEqual([k for k, _ in uploads], [f"killed/{name}"])
        self.assert_no_object(f"killed/{name}")
        return uploads[0][1]

    def test_kill_9_mid_upload_then_rm_incomplete_uploads_with_abort_and_list(self):
        journal = self.path("killed-journal-1.jsonl")
        self.killed_upload("one.bin", journal)
        r = self.ss.run("rm", "--incomplete-uploads", f"s3://{BUCKET}/", "--journal", journal,
                        connect=connect_as(self.aws.endpoint, ABORT_LIST_ROLE))
        self.assert_ok(r)
        self.assertEqual(self.open_uploads(), [], "ListMultipartUploads shows none left")

    def test_kill_9_mid_upload_the_journal_alone_finds_it(self):
        """Without s3:ListBucketMultipartUploads (the guide grants it not) only the journal knows the upload:
        shiftsync must have written it there before sending parts, or a crash loses it."""
        journal = self.path("killed-journal-2.jsonl")
        upload_id = self.killed_upload("two.bin", journal)
        self.assertIn(upload_id, journal_open_uploads(journal), "the upload was journaled before the crash")
        r = self.ss.run("rm", "--incomplete-uploads", f"s3://{BUCKET}/", "--journal", journal,
                        connect=connect_as(self.aws.endpoint, ABORT_ROLE))
        self.assert_ok(r)
        self.assertEqual(self.open_uploads(), [])


if __name__ == "__main__":
    unittest.main()

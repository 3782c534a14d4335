"""Memory: 1 GiB up and down with --memory-limit 64MiB, from and to a file and through stdin/stdout; the
peak RSS that `/usr/bin/time -v` reports for the shiftsync process stays within the limit plus 40 MiB
for the program itself (code, TLS, the runtime), and --json's peak_buffered_bytes within the limit.
Byte-exact as well: uploads by the ETag of the part layout localaws reports (MD5s of the file's own
bytes), downloads by SHA-256."""
import hashlib
import os
import re
import subprocess
import threading
import unittest

from transfer_fixture import (BUCKET, MiB, LocalAwsTransferCase, Result, _die_with_parent, sha256_file,
                              write_big_data)

SIZE = 1024 * MiB
LIMIT = 64 * MiB
RSS_ALLOWANCE = LIMIT + 40 * MiB
TIME = "/usr/bin/time"


def etag_for_layout(path, sizes):
    md5s = []
    with open(path, "rb") as f:
        for size in sizes:
            md5s.append(hashlib.md5(f.read(size)).digest())
    return f'"{hashlib.md5(b"".join(md5s)).hexdigest()}-{len(md5s)}"'


class Memory(LocalAwsTransferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = os.path.join(cls.tmp, "one-gib.bin")
        cls.source_sha = write_big_data(cls.source, SIZE)
        # The download tests' object comes from boto3 (8 MiB parts), so each test stands alone.
        cls.s3.upload_file(cls.source, BUCKET, "mem/by-boto3.bin")

    def measured(self, *args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, consume=None):
        """Runs shiftsync under /usr/bin/time -v; returns (Result, peak RSS in bytes). `consume` reads
        stdout as it comes (for 1 GiB on stdout)."""
        time_file = self.path("time-v.txt")
        argv = [TIME, "-v", "-o", time_file, *self.ss.argv(args, None)]
        p = subprocess.Popen(argv, env=self.ss.env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                             preexec_fn=_die_with_parent)
        err = []
        reader = threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True)
        reader.start()
        out = consume(p.stdout) if consume else p.stdout.read()
        p.wait(timeout=600)
        reader.join()
        err = err[0]
        p.stdout.close()
        p.stderr.close()
        with open(time_file) as f:
            report = f.read()
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        self.assertIsNotNone(match, report)
        return Result(list(args), p.returncode, out if isinstance(out, bytes) else b"", err, 0), int(match.group(1)) * 1024

    def assert_within(self, rss, buffered):
        self.assertLessEqual(rss, RSS_ALLOWANCE, f"peak RSS {rss / MiB:.1f} MiB with --memory-limit 64MiB")
        self.assertLessEqual(buffered, LIMIT, f"peak_buffered_bytes {buffered / MiB:.1f} MiB over --memory-limit")
        print(f"\n  peak RSS {rss / MiB:.1f} MiB, peak buffered {buffered / MiB:.1f} MiB", flush=True)

    def assert_uploaded_exactly(self, key):
        head = self.s3.head_object(Bucket=BUCKET, Key=key)
        self.assertEqual(head["ContentLength"], SIZE)
        sizes, _ = self.part_sizes(key)
        self.assertGreater(len(sizes), 1, "1 GiB goes up in parts")
        self.assertEqual(head["ETag"], etag_for_layout(self.source, sizes), "the parts hold other bytes than the file")

    def test_upload_from_a_file(self):
        r, rss = self.measured("cp", self.source, f"s3://{BUCKET}/mem/from-file.bin", "--memory-limit", "64MiB",
                               "--json")
        self.assert_ok(r)
        report = r.json()
        self.assertEqual(report["bytes"], SIZE)
        self.assert_within(rss, report["peak_buffered_bytes"])
        self.assert_uploaded_exactly("mem/from-file.bin")

    def test_upload_from_stdin(self):
        with open(self.source, "rb") as f:
            cat = subprocess.Popen(["cat"], stdin=f, stdout=subprocess.PIPE)  # a pipe: length unknown
            r, rss = self.measured("cp", "-", f"s3://{BUCKET}/mem/from-stdin.bin", "--memory-limit", "64MiB",
                                   "--json", stdin=cat.stdout)
            cat.stdout.close()
            cat.wait()
        self.assert_ok(r)
        report = r.json()
        self.assertEqual(report["bytes"], SIZE)
        self.assert_within(rss, report["peak_buffered_bytes"])
        self.assert_uploaded_exactly("mem/from-stdin.bin")

    def test_download_to_a_file(self):
        dest = self.path("down", "one-gib.bin")
        r, rss = self.measured("cp", f"s3://{BUCKET}/mem/by-boto3.bin", dest, "--memory-limit", "64MiB", "--json")
        self.assert_ok(r)
        report = r.json()
        self.assertEqual(report["bytes"], SIZE)
        self.assert_within(rss, report["peak_buffered_bytes"])
        self.assertEqual(sha256_file(dest), self.source_sha)
        os.remove(dest)

    def test_download_to_stdout(self):
        digest = hashlib.sha256()
        total = [0]

        def consume(pipe):
            while chunk := pipe.read(4 * MiB):
                digest.update(chunk)
                total[0] += len(chunk)
            return None

        r, rss = self.measured("cp", f"s3://{BUCKET}/mem/by-boto3.bin", "-", "--memory-limit", "64MiB", "--json",
                               consume=consume)
        self.assert_ok(r)
        self.assertEqual(total[0], SIZE)
        self.assertEqual(digest.hexdigest(), self.source_sha)
        report = r.json_from_stderr()
        self.assertEqual(report["bytes"], SIZE)
        self.assert_within(rss, report["peak_buffered_bytes"])


if __name__ == "__main__":
    unittest.main()

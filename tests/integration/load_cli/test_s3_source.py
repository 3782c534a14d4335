"""`shiftsync load --from s3://bucket/prefix/`: the objects under the prefix in key order (plain, gzip and zstd
mixed, one in a "subfolder"), run markers, manifests and names starting with '_' or '.' skipped; the rows equal to
what was uploaded (NULL apart from '', multi-byte UTF-8, quotes and line breaks). An empty prefix and a malformed
object are errors naming the place (exit 1, the target unchanged, staging empty)."""
import gzip
import subprocess
import unittest

from load_fixture import BUCKET, LoadCase, csv_text

HEADER = ["id", "v"]


def rows_from(first, count):
    out = []
    for i in range(first, first + count):
        v = [None, "", f"plain {i}", f'quote " and, comma {i}', f"line\nbreak {i}", f"ünïcödé 日本 {i}"][i % 6]
        out.append((i, v))
    return out


class LoadFromS3Prefix(LoadCase):
    def put(self, key, body):
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)

    def test_mixed_compressions_in_key_order_with_markers_skipped(self):
        prefix = "load-input/mixed/"
        plain = csv_text(HEADER, rows_from(1, 50)).encode()
        gz = gzip.compress(csv_text(HEADER, rows_from(51, 50)).encode())
        zst = subprocess.run(["zstd", "-q", "-c"], input=csv_text(HEADER, rows_from(101, 50)).encode(),
                             capture_output=True, check=True).stdout
        self.put(prefix + "part-0.csv", plain)
        self.put(prefix + "part-1.csv.gz", gz)
        self.put(prefix + "part-2.csv.zst", zst)
        self.put(prefix + "sub/part-3.csv", csv_text(HEADER, rows_from(151, 50)).encode())
        for junk in ("_shiftsync_run", "manifest", "_SUCCESS", ".hidden.csv", "_tmp/part-9.csv"):
            self.put(prefix + junk, b"not,csv,at,all\n\"")
        self.sql("drop table if exists s3_mixed")
        self.sql("create table s3_mixed (id int, v varchar(100))")
        r = self.load_ok("--from", f"s3://{BUCKET}/{prefix}", "--table", "s3_mixed")
        self.assertEqual(r.json()["rows_loaded"], 200)
        self.assertEqual(self.values("s3_mixed", "id"), [(str(i), v) for i, v in rows_from(1, 200)])
        self.assert_load_staging_empty()

    def test_an_empty_prefix_and_a_bad_object_are_named(self):
        self.sql("drop table if exists s3_untouched")
        self.sql("create table s3_untouched (id int, v varchar(100))")
        self.put("load-input/only-markers/_shiftsync_run", b"{}")
        r = self.load("--from", f"s3://{BUCKET}/load-input/only-markers/", "--table", "s3_untouched")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn(f"s3://{BUCKET}/load-input/only-markers/ holds no objects", r.err())
        self.put("load-input/bad/a.csv", csv_text(HEADER, rows_from(1, 3)).encode())
        self.put("load-input/bad/b.csv.gz", gzip.compress(b"id,v\n1,ok\ntwo,not a number\n"))
        r = self.load("--from", f"s3://{BUCKET}/load-input/bad/", "--table", "s3_untouched")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn(f"s3://{BUCKET}/load-input/bad/b.csv.gz: record 2 (line 3)", r.err())
        self.assertEqual(self.values("s3_untouched"), [])
        self.assert_load_staging_empty()


if __name__ == "__main__":
    unittest.main()

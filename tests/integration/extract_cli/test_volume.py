"""Volume and order: a 1,000,000-row table by both paths (same rows; UNLOAD PARALLEL ON promises no
order, so compared as sorted row sets), an ORDER BY kept end to end across several staged files
(PARALLEL OFF with a small MAXFILESIZE), and the directory sink (one file per staged file, each with
its header, in manifest order)."""
import gzip
import os
import unittest

from extract_fixture import ExtractCase, parse_csv

ROWS = 1_000_000
BIG = ("select g as id, (g::bigint * 7919) % 1000003 as k, md5(g::text) as h, (g % 1000)::numeric(12,2) / 7 as amount, "
       "timestamp '2026-01-01' + g * interval '1 second' as ts, g % 3 = 0 as flag from generate_series(1, {n}) g")


class ExtractVolume(ExtractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table big as " + BIG.format(n=ROWS))

    def lines(self, path):
        with open(path, "rb") as f:
            return f.read().split(b"\n")

    def test_a_million_rows_by_both_paths_are_the_same_rows(self):
        outputs = {}
        for via in ("unload", "data-api"):
            out = self.path(f"volume/big-{via}.csv")
            r = self.extract_ok("--table", "big", "--to", out, "--via", via, "--progress", "always")
            self.assertEqual(r.json()["rows"], ROWS)
            # The live line (forced on without a terminal): the phase, rows written, and for UNLOAD the files.
            self.assertRegex(r.err(), r"(statement|transfer): \d+ rows written")
            if via == "unload":
                self.assertRegex(r.err(), r"\d+ / \d+ files")
            lines = self.lines(out)
            self.assertEqual(lines[0], b"id,k,h,amount,ts,flag")
            self.assertEqual(lines[-1], b"", "the file ends with a line break")
            outputs[via] = sorted(lines[1:-1])
            if via == "unload":
                self.assertGreater(r.json()["files"], 1, "PARALLEL ON writes a file per slice")
                self.assertEqual(r.json()["bytes_downloaded"], r.json()["bytes_staged"])
        self.assertEqual(len(outputs["unload"]), ROWS)
        self.assertEqual(outputs["unload"], outputs["data-api"])
        self.assert_staging_empty()

    def test_order_by_is_kept_across_staged_files(self):
        out = self.path("volume/ordered.csv")
        r = self.extract_ok("--sql", "select id, h from big order by k desc, id", "--to", out, "--via", "unload",
                            "--max-file-size", "5")
        self.assertGreater(r.json()["files"], 1, "MAXFILESIZE 5 MB splits the result across files")
        ids = [int(line.split(b",")[0]) for line in self.lines(out)[1:-1]]
        self.assertEqual(len(ids), ROWS)
        keys = [(i * 7919) % 1000003 for i in ids]
        self.assertTrue(all(a > b or (a == b) for a, b in zip(keys, keys[1:])), "rows arrive in ORDER BY order")
        self.assert_staging_empty()

    def test_a_directory_gets_one_file_per_staged_file(self):
        folder = self.folder("volume/parts") + "/"
        r = self.extract_ok("--sql", "select id, h from big where id <= 200000", "--to", folder, "--via", "unload")
        names = sorted(os.listdir(folder))
        self.assertEqual(names, [f"part-{i:05d}.csv" for i in range(r.json()["files"])])
        total = 0
        for name in names:
            records = parse_csv(self.read(os.path.join(folder, name)).decode())
            self.assertEqual([v for v, _ in records[0]], ["id", "h"], f"{name} has its own header")
            total += len(records) - 1
        self.assertEqual(total, 200000)
        self.assert_staging_empty()

    def test_an_s3_prefix_gets_one_object_per_staged_file(self):
        # Ordered: one staged file, so one object of ~60 MB (a multipart upload of 8 MiB parts).
        r = self.extract_ok("--sql", "select * from big order by id", "--to", "s3://unload-example/exports/big/",
                            "--via", "unload")
        listing = self.s3.list_objects_v2(Bucket="unload-example", Prefix="exports/big/")["Contents"]
        self.assertEqual([o["Key"] for o in listing],
                         [f"exports/big/part-{i:05d}.csv" for i in range(r.json()["files"])])
        body = self.get(listing[0]["Key"])
        self.assertGreater(len(body), 8 * 1024 * 1024, "big enough to need a multipart upload")
        self.assertIn("-", self.s3.head_object(Bucket="unload-example", Key=listing[0]["Key"])["ETag"])
        lines = body.split(b"\n")
        self.assertEqual(lines[0], b"id,k,h,amount,ts,flag")
        self.assertEqual(len(lines) - 2, ROWS)
        self.assertEqual([int(x.split(b",")[0]) for x in lines[1:4]], [1, 2, 3])
        # Compressed, unordered: several objects, their rows together are the table's.
        r = self.extract_ok("--sql", "select id from big where id <= 100000", "--to", "s3://unload-example/exports/gz/",
                            "--via", "unload", "--compress", "gzip")
        listing = self.s3.list_objects_v2(Bucket="unload-example", Prefix="exports/gz/")["Contents"]
        self.assertEqual(len(listing), r.json()["files"])
        ids = []
        for o in listing:
            self.assertTrue(o["Key"].endswith(".csv.gz"))
            lines = gzip.decompress(self.get(o["Key"])).split(b"\n")
            self.assertEqual(lines[0], b"id")
            ids += [int(x) for x in lines[1:-1]]
        self.assertEqual(sorted(ids), list(range(1, 100001)))
        self.assert_staging_empty()


if __name__ == "__main__":
    unittest.main()

"""The interop cases, run against localaws (test_interop_localaws.py) and moto (test_interop_moto.py):
what shiftsync uploads, boto3 and `aws s3 cp` read back byte for byte (SHA-256); what the AWS CLI
uploads (its defaults: 8 MiB parts), shiftsync downloads; multipart ETags are the ones AWS's rule
gives for the part size shiftsync used; keys that need percent-encoding; --recursive both ways;
content type and metadata; ls and rm.

A class using the mixin provides: self.ss (transfer_fixture.Shiftsync), self.bucket, self.s3 (a
boto3 client that may read and write the bucket), self.cli(*args) (the AWS CLI with such
credentials), self.tmp (a temp folder of the class) and self.path(*parts) (a path under it, its
folder created)."""
import json
import os

from transfer_fixture import (MiB, PART, multipart_etag, multipart_etag_file, data, listxattrs, sha256,
                              sha256_file, single_etag, strings_in, write_data)

SIZES = {"0 B": 0, "1 B": 1, "part-1": PART - 1, "part": PART, "part+1": PART + 1, "5 parts + 7 B": 5 * PART + 7}

# Keys that need percent-encoding in a URL path or in a canonical request, each a trap for some client.
ODD_KEYS = [
    "odd keys/with space/and  two  spaces.txt",
    "odd keys/unicode/naïve-日本語-ü.bin",
    "odd keys/plus+sign=equals&and.txt",
    "odd keys/percent%20literal%2Fnot-a-slash.txt",
    "odd keys/question?hash#semi;colon:at@dollar$comma,.txt",
    "odd keys/tilde~star*quote'paren(1)!.txt",
]

TREE = {  # relative path -> size
    "a.txt": 1000,
    "empty.txt": 0,
    "sub/b.bin": PART + 3,  # multipart at --part-size 5MiB
    "sub/empty-too": 0,
    "sub/deeper/c.txt": 17,
    "sub/deeper/deepest/d.dat": 4096,
    "with space/e f.txt": 33,
}


def parse_json_output(text):
    """ls --json: one JSON document, or one JSON value per line."""
    try:
        return json.loads(text)
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def local_tree(root):
    """{relative path: sha256} of every file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            out[os.path.relpath(full, root)] = sha256_file(full)
    return out


class InteropCases:
    odd_keys = ODD_KEYS
    # False where the server cannot take a ListObjectsV2 with '/' in its prefix or delimiter (moto 5.2.1
    # with signature checks on refuses boto3's own): then the listing steps are left out.
    lists_by_prefix = True

    # ---------------------------------------------------------------- helpers
    def folder(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(p, exist_ok=True)
        return p

    def url(self, key):
        return f"s3://{self.bucket}/{key}"

    def boto3_sha(self, key):
        return sha256(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def cli_sha(self, key):
        dest = self.path("cli-read", key.replace("/", "_"))
        self.cli("s3", "cp", self.url(key), dest, "--only-show-errors")
        return sha256_file(dest)

    def etag(self, key):
        return self.s3.head_object(Bucket=self.bucket, Key=key)["ETag"]

    def assert_etag(self, key, content, part_size=PART):
        """AWS's ETag for what shiftsync sent: one PUT below the part size, multipart above, either at it."""
        got = self.etag(key)
        if len(content) < part_size:
            self.assertEqual(got, single_etag(content), f"{key}: {len(content)} B is below the part size: one PutObject")
        elif len(content) > part_size:
            self.assertEqual(got, multipart_etag(content, part_size), f"{key}: multipart ETag with {part_size} B parts")
        else:
            self.assertIn(got, (single_etag(content), multipart_etag(content, part_size)), key)

    def cp(self, *args, **kwargs):
        r = self.ss.run("cp", *args, **kwargs)
        self.assertEqual(r.returncode, 0, str(r))
        return r

    def check_report(self, report, size, objects=1):
        for field in ("bytes", "objects", "seconds", "mb_per_s", "retries", "peak_buffered_bytes"):
            self.assertIn(field, report)
        self.assertEqual(report["bytes"], size)
        self.assertEqual(report["objects"], objects)
        self.assertGreaterEqual(report["seconds"], 0)
        self.assertGreaterEqual(report["retries"], 0)

    # ---------------------------------------------------------------- sizes
    def test_sizes_upload_read_back_by_boto3_and_aws_cli_and_downloaded_again(self):
        for name, size in SIZES.items():
            with self.subTest(size=name):
                content = data(size, seed=size)
                src = self.path("sizes", f"{size}.bin")
                with open(src, "wb") as f:
                    f.write(content)
                key = f"sizes/{size}.bin"
                r = self.cp(src, self.url(key), "--part-size", "5MiB", "--json")
                self.check_report(r.json(), size)
                self.assertEqual(self.boto3_sha(key), sha256(content), "boto3 reads back other bytes")
                self.assertEqual(self.cli_sha(key), sha256(content), "aws s3 cp reads back other bytes")
                self.assert_etag(key, content)
                self.check_parts(key, size)

                dest = self.path("sizes-down", f"{size}.bin")
                r = self.cp(self.url(key), dest, "--part-size", "5MiB", "--json")
                self.check_report(r.json(), size)
                self.assertEqual(sha256_file(dest), sha256(content), "shiftsync downloads other bytes")
                self.assertFalse(os.path.exists(dest + ".shiftsync-partial"))

                r = self.cp(self.url(key), "-")
                self.assertEqual(sha256(r.stdout), sha256(content), "shiftsync writes other bytes to stdout")

    def check_parts(self, key, size):
        """Server-side part layout; the localaws suite checks it, moto has no GetObjectAttributes parts."""

    def test_stdin_of_unknown_length_spans_several_parts(self):
        content = data(3 * PART + 123, seed=77)
        r = self.cp("-", self.url("stdin/piped.bin"), "--part-size", "5MiB", "--json", input=content)
        self.check_report(r.json(), len(content))
        self.assertEqual(self.boto3_sha("stdin/piped.bin"), sha256(content))
        self.assertEqual(self.cli_sha("stdin/piped.bin"), sha256(content))
        self.assertEqual(self.etag("stdin/piped.bin"), multipart_etag(content, PART))

    def test_download_to_stdout_puts_the_json_on_stderr(self):
        content = data(2 * PART + 5, seed=78)
        self.s3.put_object(Bucket=self.bucket, Key="stdout/obj.bin", Body=content)
        r = self.cp(self.url("stdout/obj.bin"), "-", "--json")
        self.assertEqual(sha256(r.stdout), sha256(content), "stdout must hold exactly the object's bytes")
        self.check_report(r.json_from_stderr(), len(content))

    # ---------------------------------------------------------------- the AWS CLI's uploads
    def test_aws_cli_multipart_uploads_download_byte_exact(self):
        for size in (8 * MiB, 2 * 8 * MiB + 1):
            with self.subTest(size=size):
                src = self.path("cli-up", f"{size}.bin")
                digest = write_data(src, size, seed=size + 1)
                key = f"cli-up/{size}.bin"
                self.cli("s3", "cp", src, self.url(key), "--only-show-errors")
                self.assertEqual(self.etag(key), multipart_etag_file(src, 8 * MiB),
                                 "the AWS CLI uploads in 8 MiB parts from 8 MiB on (the peer, not shiftsync)")
                dest = self.path("cli-down", f"{size}.bin")
                self.cp(self.url(key), dest)
                self.assertEqual(sha256_file(dest), digest)
                r = self.cp(self.url(key), "-")
                self.assertEqual(sha256(r.stdout), digest)

    # ---------------------------------------------------------------- keys
    def test_keys_that_need_percent_encoding(self):
        for i, key in enumerate(self.odd_keys):
            with self.subTest(key=key):
                size = PART + 11 if i == 0 else 100 + i  # one multipart, the rest single PUTs
                content = data(size, seed=1000 + i)
                src = self.path("odd", f"{i}.bin")
                with open(src, "wb") as f:
                    f.write(content)
                self.cp(src, self.url(key), "--part-size", "5MiB")
                self.assertEqual(self.boto3_sha(key), sha256(content), "boto3 finds other bytes under the exact key")
                self.assertEqual(self.cli_sha(key), sha256(content))
                self.assert_etag(key, content)

                other = data(321, seed=2000 + i)
                self.s3.put_object(Bucket=self.bucket, Key=key + ".boto3", Body=other)
                dest = self.path("odd-down", f"{i}.bin")
                self.cp(self.url(key + ".boto3"), dest)
                self.assertEqual(sha256_file(dest), sha256(other))
        listed = {o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="odd keys")["Contents"]}
        self.assertEqual(listed, set(self.odd_keys) | {k + ".boto3" for k in self.odd_keys})
        if not self.lists_by_prefix:
            return
        r = self.ss.run("ls", self.url("odd keys/"), "--recursive")
        self.assertEqual(r.returncode, 0, str(r))
        for key in self.odd_keys:
            self.assertIn(key.split("/", 1)[1], r.text(), "ls shows each key as it is, decoded")

    # ---------------------------------------------------------------- --recursive
    def make_tree(self, root):
        expected = {}
        for i, (rel, size) in enumerate(sorted(TREE.items())):
            expected[rel] = write_data(os.path.join(root, rel), size, seed=3000 + i)
        return expected

    def test_recursive_upload_and_download(self):
        root = self.folder("tree-src")
        expected = self.make_tree(root)
        r = self.cp(root, self.url("tree/"), "--recursive", "--part-size", "5MiB", "--json")
        self.check_report(r.json(), sum(TREE.values()), objects=len(TREE))
        listed = {o["Key"]: o["Size"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="tree")["Contents"]}
        self.assertEqual(listed, {"tree/" + rel: size for rel, size in TREE.items()},
                         "the tree's files, keyed by their path under the prefix (empty files too)")
        for rel in TREE:
            self.assertEqual(self.boto3_sha("tree/" + rel), expected[rel], rel)
        if not self.lists_by_prefix:
            return

        by_cli = os.path.join(self.tmp, "tree-by-cli")
        self.cli("s3", "cp", self.url("tree/"), by_cli, "--recursive", "--only-show-errors")
        self.assertEqual(local_tree(by_cli), expected, "aws s3 cp --recursive reads back another tree")

        down = os.path.join(self.tmp, "tree-down")  # shiftsync creates it
        r = self.cp(self.url("tree/"), down, "--recursive", "--json")
        self.check_report(r.json(), sum(TREE.values()), objects=len(TREE))
        self.assertEqual(local_tree(down), expected, "shiftsync --recursive downloads another tree")

    def test_recursive_download_of_a_tree_the_aws_cli_uploaded(self):
        root = self.folder("cli-tree-src")
        expected = self.make_tree(root)
        self.cli("s3", "cp", root, self.url("cli-tree/"), "--recursive", "--only-show-errors")
        down = os.path.join(self.tmp, "cli-tree-down")
        self.cp(self.url("cli-tree/"), down, "--recursive")
        self.assertEqual(local_tree(down), expected)

    # ---------------------------------------------------------------- content type and metadata
    def test_content_type_and_metadata_are_kept_and_a_download_keeps_none_locally(self):
        for name, size in (("single", 1234), ("multipart", 2 * PART + 1)):
            with self.subTest(upload=name):
                content = data(size, seed=size)
                src = self.path("meta", name)
                with open(src, "wb") as f:
                    f.write(content)
                key = f"meta/{name}.csv"
                self.cp(src, self.url(key), "--part-size", "5MiB", "--content-type", "text/csv; charset=utf-8",
                        "--metadata", "owner=ann", "--metadata", "batch=7")
                head = self.s3.head_object(Bucket=self.bucket, Key=key)
                self.assertEqual(head["ContentType"], "text/csv; charset=utf-8")
                self.assertEqual(head["Metadata"], {"owner": "ann", "batch": "7"})
                self.assertEqual(self.boto3_sha(key), sha256(content))

                folder = self.folder("meta-down", name)
                dest = os.path.join(folder, "file.csv")
                self.cp(self.url(key), dest)
                self.assertEqual(sha256_file(dest), sha256(content))
                self.assertEqual(os.listdir(folder), ["file.csv"], "a download writes nothing beside the file")
                self.assertEqual(listxattrs(dest), [], "a download sets no extended attributes")

    # ---------------------------------------------------------------- ls and rm
    def test_ls_and_rm(self):
        for key in ("lsrm/top.txt", "lsrm/sub/inner.txt", "lsrm/sub/deeper/x.bin", "lsrm-sibling.txt"):
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=key.encode())
        r = self.ss.run("ls", self.url("lsrm/"))
        self.assertEqual(r.returncode, 0, str(r))
        self.assertIn("top.txt", r.text())
        self.assertIn("sub/", r.text())
        self.assertNotIn("inner.txt", r.text(), "ls without --recursive stops at the first /")
        self.assertNotIn("lsrm-sibling", r.text())

        r = self.ss.run("ls", self.url("lsrm/"), "--recursive")
        self.assertEqual(r.returncode, 0, str(r))
        for name in ("top.txt", "sub/inner.txt", "sub/deeper/x.bin"):
            self.assertIn(name, r.text())
        self.assertNotIn("lsrm-sibling", r.text())

        r = self.ss.run("ls", self.url("lsrm/"), "--recursive", "--json")
        self.assertEqual(r.returncode, 0, str(r))
        strings = list(strings_in(parse_json_output(r.text())))
        for name in ("top.txt", "sub/inner.txt", "sub/deeper/x.bin"):
            self.assertTrue(any(s.endswith(name) for s in strings), f"ls --json names {name}: {r.text()[:1000]}")

        r = self.ss.run("ls", f"s3://{self.bucket}")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertIn("lsrm/", r.text())
        self.assertIn("lsrm-sibling.txt", r.text())

        r = self.ss.run("rm", self.url("lsrm/top.txt"))
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(self.keys("lsrm"), {"lsrm/sub/inner.txt", "lsrm/sub/deeper/x.bin", "lsrm-sibling.txt"})

        r = self.ss.run("rm", self.url("lsrm/"), "--recursive")
        self.assertEqual(r.returncode, 0, str(r))
        self.assertEqual(self.keys("lsrm"), {"lsrm-sibling.txt"}, "rm --recursive removes the prefix's objects only")

    def keys(self, prefix):
        return {o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix).get("Contents", [])}

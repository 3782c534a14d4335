"""The mistakes a user makes with cp/ls/rm, and what shiftsync says: usage errors exit 2, failures exit 1,
each with a message that names the thing (path, bucket, key, S3 action and resource) — and nothing half
done: no object from a failed upload, no file from a failed download. Against localaws, as the connector
role unless said otherwise."""
import os
import time
import unittest

from transfer_fixture import (BUCKET, EXTERNAL_ID, INSPECTOR_ROLE, OTHER_BUCKET, PART, REGION, ROLE_ARN,
                              LocalAwsTransferCase, journal_open_uploads, kill9)


def rule(operation, **kw):
    return {"service": "s3", "operation": operation, **kw}


class UserErrors(LocalAwsTransferCase):
    def tearDown(self):
        self.aws.clear_faults()
        self.abort_all()

    def failed(self, *args, code=1, **kw):
        r = self.ss.run(*args, **kw)
        self.assertEqual(r.returncode, code, str(r))
        self.assertNotEqual(r.err().strip(), "", "a failure says why on stderr")
        return r

    # ---------------------------------------------------------------- usage
    def test_usage_errors_exit_2(self):
        src, _ = self.file("usage.bin", 10, 1)
        dest = f"s3://{BUCKET}/usage.bin"
        for args in (("cp",), ("cp", src), ("cp", src, dest, "--part-size", "12XB"),
                     ("cp", src, dest, "--part-size", "-5MiB"), ("cp", src, dest, "--checksum", "md5"),
                     ("cp", src, dest, "--progress", "sometimes"), ("cp", src, dest, "--metadata", "no-equals-sign"),
                     ("cp", src, "s3://"), ("ls", self.tmp),
                     ("rm", src), ("cp", src, dest, "--no-such-flag")):
            with self.subTest(args=args[1:]):
                self.failed(*args, code=2)
        self.assert_no_object("usage.bin")

    def test_directory_without_recursive_is_a_usage_error(self):
        folder = self.folder("a-folder")
        self.file("a-folder/inside.txt", 5, 2)
        r = self.failed("cp", folder, f"s3://{BUCKET}/a-folder/", code=2)
        self.assertIn("--recursive", r.err())
        self.assertIn("a-folder", r.err())
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET, Prefix="a-folder").get("KeyCount"), 0)

    def test_missing_source_file(self):
        missing = os.path.join(self.tmp, "no-such-file.csv")
        r = self.ss.run("cp", missing, f"s3://{BUCKET}/never.csv")
        self.assertIn(r.returncode, (1, 2), str(r))
        self.assertIn(missing, r.err())
        self.assertRegex(r.err(), r"(?i)no such file|does not exist|not found")
        self.assert_no_object("never.csv")

    # ---------------------------------------------------------------- what S3 says
    def test_no_such_bucket(self):
        src, _ = self.file("nsb.bin", 10, 3)
        as_inspector = ["--region", REGION, "--endpoint-url", self.aws.endpoint, "--role-arn", INSPECTOR_ROLE,
                        "--external-id", EXTERNAL_ID]  # may use any bucket: S3 then says the bucket is not there
        for args in (("cp", src, "s3://no-such-bucket-here/k"), ("cp", "s3://no-such-bucket-here/k", self.path("nsb")),
                     ("ls", "s3://no-such-bucket-here/")):
            with self.subTest(args=args):
                r = self.failed(*args, connect=as_inspector)
                self.assertIn("NoSuchBucket", r.err())
                self.assertIn("no-such-bucket-here", r.err())
        self.assertFalse(os.path.exists(self.path("nsb")))

    def test_no_such_key(self):
        dest = os.path.join(self.folder("nsk"), "out.bin")
        r = self.failed("cp", f"s3://{BUCKET}/no/such/key.bin", dest)
        self.assertRegex(r.err(), r"(?i)NoSuchKey|not found|does not exist")
        self.assertIn("no/such/key.bin", r.err())
        self.assert_no_local(dest)
        r = self.failed("cp", f"s3://{BUCKET}/no/such/key.bin", "-")
        self.assertEqual(r.stdout, b"")

    def test_access_denied_names_the_action_and_the_resource(self):
        src, _ = self.file("secret.txt", 10, 4)
        big, _ = self.file("secret-big.bin", PART + 1, 5)
        cases = [
            (("cp", src, f"s3://{OTHER_BUCKET}/secret.txt"), "s3:PutObject", f"arn:aws:s3:::{OTHER_BUCKET}/secret.txt"),
            (("cp", big, f"s3://{OTHER_BUCKET}/secret-big.bin", "--part-size", "5MiB"), "s3:PutObject",
             f"arn:aws:s3:::{OTHER_BUCKET}/secret-big.bin"),
            (("cp", f"s3://{OTHER_BUCKET}/secret.txt", self.path("denied/secret.txt")), "s3:GetObject",
             f"arn:aws:s3:::{OTHER_BUCKET}/secret.txt"),
            (("ls", f"s3://{OTHER_BUCKET}/"), "s3:ListBucket", f"arn:aws:s3:::{OTHER_BUCKET}"),
            (("rm", f"s3://{OTHER_BUCKET}/secret.txt"), "s3:DeleteObject", f"arn:aws:s3:::{OTHER_BUCKET}/secret.txt"),
        ]
        self.s3.put_object(Bucket=OTHER_BUCKET, Key="secret.txt", Body=b"not for the connector")
        for args, action, resource in cases:
            with self.subTest(args=args):
                r = self.failed(*args)
                self.assertIn("AccessDenied", r.err())
                self.assertIn(action, r.err())
                url = "s3://" + resource[len("arn:aws:s3:::"):]
                self.assertTrue(resource in r.err() or url in r.err(), f"the message names {resource} or {url}")
        self.assertEqual(self.get("secret.txt", bucket=OTHER_BUCKET), b"not for the connector")
        self.assertFalse(os.path.exists(self.path("denied/secret.txt")))

    def test_wrong_external_id_names_the_role(self):
        src, _ = self.file("extid.bin", 10, 6)
        connect = ["--region", REGION, "--endpoint-url", self.aws.endpoint, "--role-arn", ROLE_ARN,
                   "--external-id", "not-the-external-id"]
        r = self.failed("cp", src, f"s3://{BUCKET}/extid.bin", connect=connect)
        self.assertIn("AccessDenied", r.err())
        self.assertIn(ROLE_ARN, r.err())

    # ---------------------------------------------------------------- a source that changes under us
    def changing_upload(self, name, size, change, operation):
        src, _ = self.file(f"changing/{name}", size, 7)
        journal = self.path(f"changing/{name}.journal")
        self.aws.set_faults([rule(operation, bandwidth_bytes_per_second=1 * 1024 * 1024)])
        assumed = self.assume_role_count()
        p = self.ss.start("cp", src, f"s3://{BUCKET}/changing/{name}", "--part-size", "5MiB", "--journal", journal)
        self.addCleanup(kill9, p)
        if operation == "UploadPart":
            self.wait_for("the multipart upload", lambda: self.open_uploads("changing/"), process=p)
        else:  # PutObject is logged when it ends: wait for shiftsync's AssumeRole, then a little
            self.wait_for("shiftsync's AssumeRole", lambda: self.assume_role_count() > assumed, process=p)
        time.sleep(0.7)  # the body takes seconds at 1 MiB/s
        change(src)
        try:
            _, err = p.communicate(timeout=180)
        finally:
            kill9(p)
        err = err.decode(errors="replace")
        self.assertEqual(p.returncode, 1, err)
        self.assertRegex(err, r"(?i)chang|size|modified|grew|shr[ua]nk|end of file|short read", "the message says the file changed")
        self.assertIn(name, err)
        self.assert_no_object(f"changing/{name}")
        journaled = journal_open_uploads(journal)
        for key, upload_id in self.open_uploads("changing/"):
            self.assertIn(upload_id, journaled)

    def assume_role_count(self):
        return sum(1 for e in self.aws.request_log() if e["operation"] == "AssumeRole")

    def test_source_file_appended_to_during_a_multipart_upload(self):
        def append(path):
            with open(path, "ab") as f:
                f.write(b"appended while uploading" * 40000)
        self.changing_upload("grows.bin", 3 * PART, append, "UploadPart")

    def test_source_file_truncated_during_a_multipart_upload(self):
        self.changing_upload("shrinks.bin", 3 * PART, lambda path: os.truncate(path, PART // 2), "UploadPart")

    def test_source_file_appended_to_during_a_single_put(self):
        def append(path):
            with open(path, "ab") as f:
                f.write(b"x" * 1000)
        self.changing_upload("grows-small.bin", 3 * 1024 * 1024, append, "PutObject")

    # ---------------------------------------------------------------- where things land (AWS CLI's rules)
    def test_upload_to_a_prefix_and_download_into_a_folder_keep_the_name(self):
        src, _ = self.file("names/report.csv", 100, 8)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/names/")
        self.assert_ok(r)
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="names/report.csv")["ContentLength"], 100)
        folder = self.folder("names-down")
        r = self.ss.run("cp", f"s3://{BUCKET}/names/report.csv", folder)
        self.assert_ok(r)
        self.assertEqual(os.listdir(folder), ["report.csv"])


if __name__ == "__main__":
    unittest.main()

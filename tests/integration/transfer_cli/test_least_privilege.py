"""Least privilege for cp/ls/rm: with localaws holding exactly the connector guide's policies, every IAM
action of every request shiftsync made as the connector role is one the guide grants (read from
../shared/reference/iam at test time), except s3:AbortMultipartUpload, which the guide leaves out on
purpose: a failing multipart upload warns once (naming the permission and the lifecycle rule
AbortIncompleteMultipartUpload) and leaves its upload id in the journal. With the permission granted
(an extra role in the connector's account), the abort happens; `rm --incomplete-uploads` aborts what
the journal holds."""
import json
import os
import unittest

from transfer_fixture import (ABORT_LIST_ROLE, ABORT_ROLE, BUCKET, EXTERNAL_ID, PART, REGION, LocalAwsTransferCase,
                              documented_actions, journal_open_uploads, read_journal, sha256, sha256_file)

PERSISTENT_UPLOAD_PART_FAILURE = [{"service": "s3", "operation": "UploadPart", "error_rate": 1, "count": -1}]


def connect_as(endpoint, role_arn):
    return ["--region", REGION, "--endpoint-url", endpoint, "--role-arn", role_arn, "--external-id", EXTERNAL_ID]


class DocumentedPolicy(LocalAwsTransferCase):
    def tearDown(self):
        self.aws.clear_faults()
        self.abort_all()

    def test_every_action_cp_ls_rm_use_is_documented(self):
        since = len(self.aws.request_log())  # this test's requests only: others here provoke refusals
        small, small_sha = self.file("lp/small.bin", 1000, 1)
        big, big_sha = self.file("lp/big.bin", 2 * PART + 1, 2)
        tree = os.path.join(self.tmp, "lp", "tree")
        for rel, size, seed in (("a", 10, 3), ("d/b", PART + 1, 4), ("d/e/empty", 0, 5)):
            self.file(f"lp/tree/{rel}", size, seed)
        steps = [
            ("cp", small, f"s3://{BUCKET}/lp/small.bin"),
            ("cp", big, f"s3://{BUCKET}/lp/big.bin", "--part-size", "5MiB", "--content-type", "application/x-test",
             "--metadata", "k=v"),
            ("cp", tree, f"s3://{BUCKET}/lp/tree/", "--recursive", "--part-size", "5MiB"),
            ("cp", f"s3://{BUCKET}/lp/big.bin", self.path("lp-down/big.bin")),
            ("cp", f"s3://{BUCKET}/lp/small.bin", self.path("lp-down/small.bin")),
            ("cp", f"s3://{BUCKET}/lp/tree/", os.path.join(self.tmp, "lp-down", "tree"), "--recursive"),
            ("ls", f"s3://{BUCKET}/lp/"),
            ("ls", f"s3://{BUCKET}/lp/", "--recursive", "--json"),
            ("ls", f"s3://{BUCKET}"),
            ("rm", f"s3://{BUCKET}/lp/small.bin"),
            ("rm", f"s3://{BUCKET}/lp/tree/", "--recursive"),
        ]
        for step in steps:
            r = self.ss.run(*step)
            self.assertEqual(r.returncode, 0, str(r))
        r = self.ss.run("cp", "-", f"s3://{BUCKET}/lp/stdin.bin", "--part-size", "5MiB", input=b"z" * (PART + 9))
        self.assert_ok(r)
        r = self.ss.run("cp", f"s3://{BUCKET}/lp/stdin.bin", "-")
        self.assert_ok(r)
        self.assertEqual(sha256(r.stdout), sha256(b"z" * (PART + 9)))
        self.assertEqual(sha256_file(self.path("lp-down/big.bin")), big_sha)
        self.assertEqual(sha256_file(self.path("lp-down/small.bin")), small_sha)

        granted, refused = self.connector_actions(since=since)
        self.assertLessEqual({"s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"}, granted,
                             "the request log shows the connector role doing the work")
        self.assertLessEqual(granted, documented_actions(), "actions outside the connector guide's policies")
        self.assertEqual(refused, set(), "nothing was refused on the happy path")

    def test_refused_abort_warns_once_and_journals_the_upload(self):
        src, _ = self.file("refused/big.bin", 2 * PART + 1, 10)
        journal = self.path("refused/journal.jsonl")
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/refused/big.bin", "--part-size", "5MiB", "--journal", journal)
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        self.assert_no_object("refused/big.bin")
        warnings = self.failure_lines(r.err())
        self.assertEqual(len(warnings), 1, f"one warning naming s3:AbortMultipartUpload: {r.err()}")
        self.assertIn("AbortIncompleteMultipartUpload", r.err(), "the warning points at the lifecycle rule")
        uploads = self.open_uploads("refused/")
        self.assertEqual(len(uploads), 1, "the refused abort leaves exactly this upload in progress")
        self.assertIn(uploads[0][1], journal_open_uploads(journal), "the upload id is in the journal")
        refused = [e for e in self.aws.request_log() if "!s3:AbortMultipartUpload" in e.get("actions", [])]
        self.assertGreaterEqual(len(refused), 1, "shiftsync tried AbortMultipartUpload")

    def test_several_refused_aborts_warn_once_and_journal_every_upload(self):
        tree = os.path.join(self.tmp, "several")
        for i in range(3):
            self.file(f"several/f{i}.bin", PART + 100 + i, 20 + i)
        journal = self.path("several-journal.jsonl")
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", tree, f"s3://{BUCKET}/several/", "--recursive", "--part-size", "5MiB",
                        "--journal", journal)
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        self.assertEqual(len(self.failure_lines(r.err())), 1, f"one warning for the whole run: {r.err()}")
        uploads = self.open_uploads("several/")
        self.assertGreaterEqual(len(uploads), 1)
        journaled = journal_open_uploads(journal)
        for key, upload_id in uploads:
            self.assertIn(upload_id, journaled, f"{key}: an upload left in progress that the journal does not name")
        for i in range(3):
            self.assert_no_object(f"several/f{i}.bin")

    def test_default_journal_is_under_xdg_state_home(self):
        src, _ = self.file("default-journal/big.bin", PART + 1, 30)
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/default-journal/big.bin", "--part-size", "5MiB")
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        uploads = self.open_uploads("default-journal/")
        self.assertEqual(len(uploads), 1)
        self.assertIn(uploads[0][1], journal_open_uploads(self.ss.default_journal),
                      "$XDG_STATE_HOME/shiftsync/incomplete-uploads.jsonl names the upload")
        for entry in read_journal(self.ss.default_journal):
            self.assertIsInstance(entry, dict, "the journal is JSON lines of objects")

    def test_rm_incomplete_uploads_with_abort_granted_empties_the_journal(self):
        src, _ = self.file("rm-incomplete/big.bin", PART + 1, 40)
        journal = self.path("rm-incomplete-journal.jsonl")
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/rm-incomplete/big.bin", "--part-size", "5MiB", "--journal", journal)
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        [(_, upload_id)] = self.open_uploads("rm-incomplete/")
        self.assertIn(upload_id, journal_open_uploads(journal))

        r = self.ss.run("rm", "--incomplete-uploads", f"s3://{BUCKET}/rm-incomplete/", "--journal", journal,
                        connect=connect_as(self.aws.endpoint, ABORT_ROLE))
        self.assert_ok(r)
        self.assertEqual(self.open_uploads("rm-incomplete/"), [], "the journal's upload was aborted")
        self.assertNotIn(upload_id, journal_open_uploads(journal), "an aborted upload leaves the journal")


class DocumentedPolicyRmIncomplete(LocalAwsTransferCase):
    """`rm --incomplete-uploads` as the documented role: it may try ListMultipartUploads ("where permitted")
    and AbortMultipartUpload, is refused both, and says so; nothing is lost from the journal."""
    tolerated_refusals = {"s3:AbortMultipartUpload", "s3:ListBucketMultipartUploads"}

    def test_refused_everywhere_keeps_the_journal_and_names_the_permission(self):
        src, _ = self.file("kept/big.bin", PART + 1, 50)
        journal = self.path("kept-journal.jsonl")
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/kept/big.bin", "--part-size", "5MiB", "--journal", journal)
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        [(_, upload_id)] = self.open_uploads("kept/")
        before = read_journal(journal)

        r = self.ss.run("rm", "--incomplete-uploads", f"s3://{BUCKET}/", "--journal", journal)
        self.assertEqual(r.returncode, 1, f"nothing could be aborted: a failure\n{r}")
        self.assertIn("s3:AbortMultipartUpload", r.err())
        self.assertEqual(self.open_uploads("kept/"), [("kept/big.bin", upload_id)])
        self.assertEqual(read_journal(journal), before, "entries that could not be aborted stay in the journal")
        self.abort_all()


class AbortGranted(LocalAwsTransferCase):
    """The connector role's policies plus s3:AbortMultipartUpload (shiftsync-connector-abort), or plus that
    and s3:ListBucketMultipartUploads (shiftsync-connector-abort-list)."""

    @classmethod
    def assert_least_privilege(cls):
        granted, refused = cls.connector_actions("arn:aws:sts::111122223333:assumed-role/shiftsync-connector-abort")
        allowed = documented_actions() | {"s3:AbortMultipartUpload", "s3:ListBucketMultipartUploads"}
        if not granted or not (granted | refused) <= allowed:
            raise AssertionError(f"least privilege with the abort roles: granted {sorted(granted)}, "
                                 f"refused {sorted(refused)}")

    def test_failing_upload_is_aborted_without_a_warning(self):
        src, _ = self.file("granted/big.bin", 2 * PART + 1, 60)
        journal = self.path("granted-journal.jsonl")
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/granted/big.bin", "--part-size", "5MiB", "--journal", journal,
                        connect=connect_as(self.aws.endpoint, ABORT_ROLE))
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        self.assert_no_object("granted/big.bin")
        self.assertEqual(self.open_uploads("granted/"), [], "ListMultipartUploads: the upload was aborted")
        self.assertEqual(self.failure_lines(r.err(), "AbortIncompleteMultipartUpload"), [],
                         "no lifecycle-rule warning when the abort worked")
        aborts = [e for e in self.aws.request_log()
                  if e["operation"] == "AbortMultipartUpload" and "shiftsync-connector-abort/" in e["principal"]]
        self.assertEqual([e["status"] for e in aborts], [204], json.dumps(aborts))
        self.assertEqual(journal_open_uploads(journal), {}, "an aborted upload is not left open in the journal")

    def test_abort_and_list_role_sees_no_uploads_after_a_failure(self):
        src, _ = self.file("granted-list/big.bin", PART + 1, 61)
        self.aws.set_faults(PERSISTENT_UPLOAD_PART_FAILURE)
        r = self.ss.run("cp", src, f"s3://{BUCKET}/granted-list/big.bin", "--part-size", "5MiB",
                        connect=connect_as(self.aws.endpoint, ABORT_LIST_ROLE))
        self.aws.clear_faults()
        self.assertEqual(r.returncode, 1, str(r))
        self.assertEqual(self.open_uploads("granted-list/"), [])


if __name__ == "__main__":
    unittest.main()

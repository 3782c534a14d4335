"""A staging bucket in another region than the workgroup's: localaws answers as S3 and Redshift do
(S3's AuthorizationHeaderMalformed naming the bucket's region, x-amz-bucket-region, LocationConstraint;
Redshift's PermanentRedirect for UNLOAD and COPY), checked with boto3; and shiftsync extract, load and
cp say where the bucket is and what to do, leaving nothing behind."""
import os
import unittest

import boto3
from botocore.config import Config

from extract_fixture import BUCKET, CUSTOMER, DATABASE, WORKGROUP, ExtractCase, extract_config
from transfer_fixture import EXTERNAL_ID, INSPECTOR_ROLE, REGION

ELSEWHERE = "eu-west-1"
FAR_BUCKET = "staging-in-eu"
CONNECTOR_ROLE = f"arn:aws:iam::{CUSTOMER}:role/shiftsync-connector"


class StagingInAnotherRegion(ExtractCase):
    @classmethod
    def localaws_config(cls):
        config = extract_config()
        customer = next(a for a in config["accounts"] if a["id"] == CUSTOMER)
        customer["buckets"] = list(customer.get("buckets", [])) + [{"name": FAR_BUCKET, "region": ELSEWHERE}]
        return config

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.inspector_credentials
        session = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                aws_session_token=c["SessionToken"])
        cls.s3_far = session.client("s3", region_name=ELSEWHERE, endpoint_url=cls.aws.endpoint,
                                    config=Config(retries={"max_attempts": 3, "mode": "standard"}))
        cls.sql("create table if not exists r_source (id int, v varchar(10))")
        cls.sql("insert into r_source values (1, 'one'), (2, 'two')")

    def far_keys(self):
        return [o["Key"] for o in self.s3_far.list_objects_v2(Bucket=FAR_BUCKET).get("Contents", [])]

    def log_entries_since(self, since):
        return self.aws.request_log()[since:]

    # ---- localaws as S3 and Redshift
    def test_s3_names_the_bucket_region_and_boto3_follows_it(self):
        since = len(self.aws.request_log())
        # The suite's client signs for us-east-1: S3 refuses with the bucket's region and botocore's
        # redirector signs again for it — which only works if both answers are S3's.
        head = self.s3.head_bucket(Bucket=FAR_BUCKET)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], ELSEWHERE)
        self.s3.put_object(Bucket=FAR_BUCKET, Key="boto3/object", Body=b"far away")
        self.assertEqual(self.s3.get_object(Bucket=FAR_BUCKET, Key="boto3/object")["Body"].read(), b"far away")
        self.assertEqual(self.s3_far.get_object(Bucket=FAR_BUCKET, Key="boto3/object")["Body"].read(), b"far away")
        refused = [e for e in self.log_entries_since(since) if e.get("error") == "AuthorizationHeaderMalformed"]
        self.assertTrue(refused, "the us-east-1 client was never told the bucket is elsewhere")
        self.s3_far.delete_object(Bucket=FAR_BUCKET, Key="boto3/object")
        self.assertEqual(self.far_keys(), [])
        # GetBucketLocation answers whatever region it was signed for.
        self.assertEqual(self.s3.get_bucket_location(Bucket=FAR_BUCKET)["LocationConstraint"], ELSEWHERE)
        self.assertIn(self.s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"], (None, ""))

    def test_create_bucket_follows_the_location_constraint_rules(self):
        self.s3_far.create_bucket(Bucket="made-in-eu", CreateBucketConfiguration={"LocationConstraint": ELSEWHERE})
        self.assertEqual(self.s3_far.get_bucket_location(Bucket="made-in-eu")["LocationConstraint"], ELSEWHERE)
        self.s3.create_bucket(Bucket="made-in-us-east-1")
        self.assertIn(self.s3.get_bucket_location(Bucket="made-in-us-east-1")["LocationConstraint"], (None, ""))
        # A regional endpoint other than us-east-1's wants a constraint, and its own.
        with self.assertRaises(Exception) as caught:
            self.s3_far.create_bucket(Bucket="no-constraint-in-eu")
        self.assertEqual(self.error_code(caught), "IllegalLocationConstraintException")
        for name in ("made-in-eu", "made-in-us-east-1"):
            self.s3.delete_bucket(Bucket=name)

    def unload_error(self, region_clause):
        sid = self.rsd.execute_statement(
            WorkgroupName=WORKGROUP, Database=DATABASE,
            Sql=f"UNLOAD ('select * from r_source') TO 's3://{FAR_BUCKET}/direct/' IAM_ROLE '{CONNECTOR_ROLE}' "
                f"FORMAT CSV {region_clause}")["Id"]
        self.wait_for("the UNLOAD to end", lambda: self.rsd.describe_statement(Id=sid)["Status"] in
                      ("FINISHED", "FAILED", "ABORTED"))
        d = self.rsd.describe_statement(Id=sid)
        self.assertEqual(d["Status"], "FAILED", d)
        return d["Error"]

    def test_unload_to_a_bucket_in_another_region_fails_as_redshift_does(self):
        error = self.unload_error("")
        self.assertIn("different region from this cluster", error)
        self.assertIn("PermanentRedirect", error)
        wrong = self.unload_error("REGION 'us-west-2'")
        self.assertIn("PermanentRedirect", wrong)
        self.assertIn(ELSEWHERE, wrong)
        # With the right REGION the region check passes; the connector role may not write there.
        right = self.unload_error(f"REGION '{ELSEWHERE}'")
        self.assertNotIn("PermanentRedirect", right)
        self.assertIn("AccessDenied", right)
        self.assertEqual(self.far_keys(), [])

    # ---- shiftsync
    def assert_names_both_regions(self, r):
        self.assertEqual(r.returncode, 1, str(r))
        err = r.err()
        self.assertIn(f"staging bucket s3://{FAR_BUCKET}/ is in region {ELSEWHERE}", err)
        self.assertIn(f"workgroup is in {REGION}", err)
        self.assertIn(f"Use a staging bucket in {REGION}", err)
        self.assertEqual(self.far_keys(), [], "something was written to the far bucket")

    def test_extract_refuses_a_staging_bucket_in_another_region(self):
        dest = self.path("far.csv")
        r = self.ss.run("extract", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging",
                        f"s3://{FAR_BUCKET}/extract/", "--via", "unload", "--sql", "select * from r_source",
                        "--to", dest)
        self.assert_names_both_regions(r)
        self.assertFalse(os.path.exists(dest))

    def test_load_refuses_a_staging_bucket_in_another_region(self):
        self.sql("create table if not exists r_target (id int, v varchar(10))")
        source = self.path("far-load.csv")
        with open(source, "w") as f:
            f.write("id,v\n3,three\n")
        r = self.ss.run("load", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging",
                        f"s3://{FAR_BUCKET}/load/", "--from", source, "--table", "r_target")
        self.assert_names_both_regions(r)
        self.assertEqual(self.psql_scalar("select count(*) from r_target"), "0")

    def test_cp_says_which_region_and_works_there(self):
        source = self.path("far-cp.bin")
        with open(source, "wb") as f:
            f.write(b"x" * 1000)
        r = self.ss.run("cp", source, f"s3://{FAR_BUCKET}/cp/object")
        self.assertEqual(r.returncode, 1, str(r))
        self.assertIn(f"the bucket is in region {ELSEWHERE}", r.err())
        self.assertIn(f"--region {ELSEWHERE}", r.err())
        there = ["--region", ELSEWHERE, "--endpoint-url", self.aws.endpoint, "--role-arn", INSPECTOR_ROLE,
                 "--external-id", EXTERNAL_ID]
        ok = self.ss.run("cp", source, f"s3://{FAR_BUCKET}/cp/object", connect=there)
        self.assert_ok(ok)
        self.assertEqual(self.s3_far.get_object(Bucket=FAR_BUCKET, Key="cp/object")["Body"].read(), b"x" * 1000)
        self.s3_far.delete_object(Bucket=FAR_BUCKET, Key="cp/object")


if __name__ == "__main__":
    unittest.main()

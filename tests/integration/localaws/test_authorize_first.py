"""IAM decides before any lookup, in every service (issue #14, item 5): a caller whose identity
policies do not allow an action is told AccessDenied whether or not the bucket, role or workgroup
it names exists, as AWS answers (identity-policy evaluation comes first and reveals nothing). The
same names asked by a caller that holds the permission are then "not found".

The caller without permission is the operator user, whose policy allows only sts:AssumeRole. The
one with permission is a user of the operator's account allowed everything; the default workgroup
lives in the customer's account, so for that user it does not exist either."""
import unittest

import boto3
from botocore.exceptions import ClientError

from localaws_fixture import NO_RETRIES, REGION, LocalAWSTestCase, default_config

ALL_KEY, ALL_SECRET = "AKIAOPERATORALLOWALL", "allowed-everything-secret-for-tests-only"
NO_BUCKET = "no-such-bucket-anywhere"
NO_WORKGROUP = "no-such-workgroup"
DELETE_BODY = {"Objects": [{"Key": "a"}], "Quiet": True}


def s3_calls(s3):
    return {
        "GetObject": lambda: s3.get_object(Bucket=NO_BUCKET, Key="k"),
        "PutObject": lambda: s3.put_object(Bucket=NO_BUCKET, Key="k", Body=b"x"),
        "ListObjectsV2": lambda: s3.list_objects_v2(Bucket=NO_BUCKET),
        "DeleteObjects": lambda: s3.delete_objects(Bucket=NO_BUCKET, Delete=DELETE_BODY),
        "CreateMultipartUpload": lambda: s3.create_multipart_upload(Bucket=NO_BUCKET, Key="k"),
        "ListMultipartUploads": lambda: s3.list_multipart_uploads(Bucket=NO_BUCKET),
        "GetBucketLocation": lambda: s3.get_bucket_location(Bucket=NO_BUCKET),
        "DeleteBucket": lambda: s3.delete_bucket(Bucket=NO_BUCKET),
    }


def named_calls(session, endpoint):
    serverless = session.client("redshift-serverless", endpoint_url=endpoint, config=NO_RETRIES)
    data = session.client("redshift-data", endpoint_url=endpoint, config=NO_RETRIES)
    calls = {}
    for workgroup in (NO_WORKGROUP, "default-workgroup"):  # absent everywhere / in another account
        calls[f"GetCredentials {workgroup}"] = lambda w=workgroup: serverless.get_credentials(workgroupName=w)
        calls[f"GetWorkgroup {workgroup}"] = lambda w=workgroup: serverless.get_workgroup(workgroupName=w)
        calls[f"ExecuteStatement {workgroup}"] = lambda w=workgroup: data.execute_statement(
            WorkgroupName=w, Database="dev", Sql="select 1")
        calls[f"ListDatabases {workgroup}"] = lambda w=workgroup: data.list_databases(WorkgroupName=w, Database="dev")
    return calls


class AuthorizeFirstTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        config = default_config()
        operator = next(a for a in config["accounts"] if a["id"] == "568237466542")
        operator["users"].append({
            "name": "allowed-everything", "access_keys": [{"id": ALL_KEY, "secret": ALL_SECRET}],
            "policies": [{"name": "all", "document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]})
        return config

    def allowed_session(self):
        return boto3.Session(aws_access_key_id=ALL_KEY, aws_secret_access_key=ALL_SECRET, region_name=REGION)

    def outcome(self, call):
        with self.assertRaises(ClientError) as e:
            call()
        error = e.exception.response["Error"]
        return error["Code"], error.get("Message", ""), e.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_s3_without_permission_a_missing_bucket_is_access_denied(self):
        denied = self.aws.operator_session().client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        allowed = self.allowed_session().client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        for name, call in s3_calls(denied).items():
            with self.subTest(name):
                code, message, status = self.outcome(call)
                self.assertEqual((code, status), ("AccessDenied", 403), message)
        for name, call in s3_calls(allowed).items():
            with self.subTest(name + " allowed"):
                self.assertEqual(self.outcome(call)[0], "NoSuchBucket")
        # HEAD has no body: the status says it.
        self.assertEqual(self.outcome(lambda: denied.head_bucket(Bucket=NO_BUCKET))[2], 403)
        self.assertEqual(self.outcome(lambda: allowed.head_bucket(Bucket=NO_BUCKET))[2], 404)

    def test_sts_a_missing_role_is_access_denied(self):
        sts = self.aws.operator_session().client("sts", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        code, message, _ = self.outcome(lambda: sts.assume_role(
            RoleArn="arn:aws:iam::111122223333:role/no-such-role", RoleSessionName="probe"))
        self.assertEqual(code, "AccessDenied")
        self.assertIn("sts:AssumeRole", message)

    def test_serverless_and_data_api_without_permission_a_missing_workgroup_is_access_denied(self):
        for name, call in named_calls(self.aws.operator_session(), self.aws.endpoint).items():
            with self.subTest(name):
                code, message, _ = self.outcome(call)
                self.assertEqual(code, "AccessDeniedException", message)
                self.assertIn(":568237466542:workgroup/", message, "the ARN it would have in the caller's account")
        for name, call in named_calls(self.allowed_session(), self.aws.endpoint).items():
            with self.subTest(name + " allowed"):
                self.assertEqual(self.outcome(call)[0], "ResourceNotFoundException")


if __name__ == "__main__":
    unittest.main()

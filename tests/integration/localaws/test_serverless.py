"""Redshift Serverless GetCredentials through boto3, with the documented role and a role without
the permission."""
import datetime
import unittest

import boto3
from botocore.exceptions import ClientError

from localaws_fixture import EXTERNAL_ID, NO_RETRIES, REGION, LocalAWSTestCase, default_config, with_connector_account_role

LIMITED_ROLE = "arn:aws:iam::111122223333:role/no-serverless"


class ServerlessTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        # The default setup plus a role that may be assumed but lacks redshift-serverless:GetCredentials.
        customer = next(a for a in default_config()["accounts"] if a["id"] == "111122223333")
        documented = customer["roles"][0]
        return with_connector_account_role("no-serverless", [documented["policies"][1]])  # S3 only

    def client(self, session):
        return session.client("redshift-serverless", endpoint_url=self.aws.endpoint, config=NO_RETRIES)

    def test_get_credentials_for_assumed_role(self):
        out = self.client(self.aws.role_session()).get_credentials(workgroupName="default-workgroup", dbName="dev")
        self.assertEqual(out["dbUser"], "IAMR:shiftsync-connector")
        self.assertGreaterEqual(len(out["dbPassword"]), 32)
        lifetime = out["expiration"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(850 < lifetime.total_seconds() <= 900, lifetime)
        self.assertIn("nextRefreshTime", out)

    def test_duration_is_honoured_and_bounded(self):
        client = self.client(self.aws.role_session())
        out = client.get_credentials(workgroupName="default-workgroup", durationSeconds=3600)
        lifetime = out["expiration"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(3550 < lifetime.total_seconds() <= 3600, lifetime)
        for bad in (899, 3601):
            with self.assertRaises(ClientError) as e:
                client.get_credentials(workgroupName="default-workgroup", durationSeconds=bad)
            self.assertEqual(self.error_code(e), "ValidationException")

    def test_unknown_workgroup(self):
        with self.assertRaises(ClientError) as e:
            self.client(self.aws.role_session()).get_credentials(workgroupName="nope")
        self.assertEqual(self.error_code(e), "ResourceNotFoundException")

    def test_unknown_database(self):
        with self.assertRaises(ClientError) as e:
            self.client(self.aws.role_session()).get_credentials(workgroupName="default-workgroup", dbName="other")
        self.assertEqual(self.error_code(e), "ValidationException")

    def test_role_without_permission_is_denied(self):
        session = self.aws.role_session(role_arn=LIMITED_ROLE)
        with self.assertRaises(ClientError) as e:
            self.client(session).get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "AccessDeniedException")
        message = e.exception.response["Error"]["Message"]
        self.assertIn("redshift-serverless:GetCredentials", message)
        self.assertIn("assumed-role/no-serverless/test", message)

    def test_operator_user_sees_no_workgroup_of_another_account(self):
        with self.assertRaises(ClientError) as e:
            self.client(self.aws.operator_session()).get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "ResourceNotFoundException")

    def test_bad_secret_is_invalid_signature(self):
        c = self.aws.assume_role()
        bad = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key="y" * 40,
                            aws_session_token=c["SessionToken"], region_name=REGION)
        with self.assertRaises(ClientError) as e:
            self.client(bad).get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "InvalidSignatureException")


if __name__ == "__main__":
    unittest.main()

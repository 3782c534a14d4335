"""Redshift Serverless through boto3: GetCredentials with the documented role and a role without
the permission, GetWorkgroup and ListWorkgroups (shaped as botocore's model says, with the
workgroup endpoint), and IAM deciding before any lookup: a caller without the permission is
refused whether or not the workgroup exists."""
import datetime
import json
import os
import sys
import unittest

import boto3
from botocore.exceptions import ClientError

from localaws_fixture import EXTERNAL_ID, NO_RETRIES, REGION, LocalAWSTestCase, default_config, with_connector_account_role

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws_postgres"))
from check_botocore_shapes import check  # noqa: E402  (generic: a botocore shape against a JSON value)

LIMITED_ROLE = "arn:aws:iam::111122223333:role/no-serverless"
READER_ROLE = "arn:aws:iam::111122223333:role/workgroup-reader"
ADMIN_KEY, ADMIN_SECRET = "AKIAOPERATORADMIN001", "operator-admin-secret-for-tests-only-0001"
CUSTOM_DOMAIN = "warehouse.example.test"


def allow(*actions):
    return {"name": "allow", "document": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}}


class ServerlessTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        # The default setup plus: a role that may be assumed but lacks redshift-serverless:GetCredentials;
        # a role that may also read workgroups; a custom domain on the workgroup; and in the
        # operator's account (which has no workgroup) a user allowed every redshift-serverless action.
        customer = next(a for a in default_config()["accounts"] if a["id"] == "111122223333")
        documented = customer["roles"][0]
        config = with_connector_account_role("no-serverless", [documented["policies"][1]])  # S3 only
        accounts = {a["id"]: a for a in config["accounts"]}
        customer = accounts["111122223333"]
        customer["roles"].append({"name": "workgroup-reader", "trust_policy": documented["trust_policy"],
                                  "policies": [allow("redshift-serverless:GetWorkgroup",
                                                     "redshift-serverless:ListWorkgroups",
                                                     "redshift-serverless:GetCredentials")]})
        customer["workgroups"][0]["custom_domain_name"] = CUSTOM_DOMAIN
        accounts["568237466542"]["users"].append({
            "name": "serverless-admin", "access_keys": [{"id": ADMIN_KEY, "secret": ADMIN_SECRET}],
            "policies": [allow("redshift-serverless:*")]})
        return config

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

    def test_operator_user_may_not_get_credentials(self):
        # The operator's policy allows only sts:AssumeRole: that is the answer, before any lookup
        # (the workgroup is in another account; it used to say "not found").
        with self.assertRaises(ClientError) as e:
            self.client(self.aws.operator_session()).get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "AccessDeniedException")
        message = e.exception.response["Error"]["Message"]
        self.assertIn("redshift-serverless:GetCredentials", message)
        self.assertIn("arn:aws:redshift-serverless:us-east-1:568237466542:workgroup/default-workgroup", message)

    def test_without_permission_a_missing_workgroup_is_access_denied_not_not_found(self):
        limited = self.client(self.aws.role_session(role_arn=LIMITED_ROLE))
        reader = self.client(self.aws.role_session(role_arn=READER_ROLE))
        calls = {
            "GetCredentials": lambda c: c.get_credentials(workgroupName="does-not-exist"),
            "GetWorkgroup": lambda c: c.get_workgroup(workgroupName="does-not-exist"),
            "GetCredentials by domain": lambda c: c.get_credentials(customDomainName="nowhere.example.test"),
        }
        for name, call in calls.items():
            with self.subTest(name):
                with self.assertRaises(ClientError) as denied:
                    call(limited)
                self.assertEqual(self.error_code(denied), "AccessDeniedException")
                # Authorised on the ARN the workgroup would have in the caller's account.
                self.assertIn("arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/",
                              denied.exception.response["Error"]["Message"])
                # With the permission, the same names are not found.
                with self.assertRaises(ClientError) as missing:
                    call(reader)
                self.assertEqual(self.error_code(missing), "ResourceNotFoundException")

    def test_a_workgroup_of_another_account_is_not_found(self):
        admin = boto3.Session(aws_access_key_id=ADMIN_KEY, aws_secret_access_key=ADMIN_SECRET, region_name=REGION)
        client = self.client(admin)
        for call in (lambda: client.get_credentials(workgroupName="default-workgroup"),
                     lambda: client.get_workgroup(workgroupName="default-workgroup")):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(self.error_code(e), "ResourceNotFoundException")
        self.assertEqual(client.list_workgroups()["workgroups"], [])

    def test_custom_domain_name_names_the_workgroup(self):
        out = self.client(self.aws.role_session()).get_credentials(customDomainName=CUSTOM_DOMAIN)
        self.assertEqual(out["dbUser"], "IAMR:shiftsync-connector")

    def test_get_workgroup_has_the_endpoint_and_botocore_s_shape(self):
        client = self.client(self.aws.role_session(role_arn=READER_ROLE))
        raw = []
        client.meta.events.register("after-call.redshift-serverless.GetWorkgroup",
                                    lambda http_response, **_: raw.append(http_response.content))
        workgroup = client.get_workgroup(workgroupName="default-workgroup")["workgroup"]
        model = client.meta.service_model.operation_model("GetWorkgroup").output_shape
        problems = []
        check(model, json.loads(raw[0]), "GetWorkgroup", problems)
        self.assertEqual(problems, [])
        self.assertEqual(workgroup["workgroupName"], "default-workgroup")
        self.assertEqual(workgroup["workgroupId"], "8f1c2b7e-4d3a-4e5f-9a6b-0c1d2e3f4a5b")
        self.assertEqual(workgroup["workgroupArn"], "arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/"
                                                    "8f1c2b7e-4d3a-4e5f-9a6b-0c1d2e3f4a5b")
        self.assertEqual(workgroup["status"], "AVAILABLE")
        self.assertEqual(workgroup["customDomainName"], CUSTOM_DOMAIN)
        # The endpoint is the one localaws printed after "ready" and the admin call names.
        printed = self.aws.postgres
        self.assertEqual(workgroup["endpoint"]["address"], printed["address"])
        self.assertEqual(workgroup["endpoint"]["port"], printed["port"])
        self.assertEqual(self.aws.admin("GET", "postgres"), printed)
        self.assertTrue(os.path.isfile(printed["ca"]), printed["ca"])
        listed = client.list_workgroups()["workgroups"]
        self.assertEqual([w["workgroupName"] for w in listed], ["default-workgroup"])
        self.assertEqual(listed[0]["endpoint"]["port"], printed["port"])

    def test_the_documented_role_may_not_get_the_workgroup(self):
        # The guide's policy grants GetCredentials, not GetWorkgroup: a client of the documented
        # role knows the endpoint from its configuration, not from the API.
        with self.assertRaises(ClientError) as e:
            self.client(self.aws.role_session()).get_workgroup(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "AccessDeniedException")
        self.assertIn("redshift-serverless:GetWorkgroup", e.exception.response["Error"]["Message"])

    def test_bad_secret_is_invalid_signature(self):
        c = self.aws.assume_role()
        bad = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key="y" * 40,
                            aws_session_token=c["SessionToken"], region_name=REGION)
        with self.assertRaises(ClientError) as e:
            self.client(bad).get_credentials(workgroupName="default-workgroup")
        self.assertEqual(self.error_code(e), "InvalidSignatureException")


if __name__ == "__main__":
    unittest.main()

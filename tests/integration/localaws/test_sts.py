"""STS and authentication through boto3: AssumeRole with ExternalId, GetCallerIdentity, and the
authentication failures AWS reports (bad secret, unknown key, expired session, skew)."""
import datetime
import unittest

import boto3
from botocore.exceptions import ClientError

from localaws_fixture import (EXTERNAL_ID, NO_RETRIES, OPERATOR_KEY, REGION, ROLE_ARN, LocalAWSTestCase,
                              default_config)


class StsTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        # Sessions as short as 5 s, so that clients' refresh logic can be tested without waiting.
        config = default_config()
        config["sts"] = {"min_duration_seconds": 5}
        return config

    def sts(self, session=None):
        return (session or self.aws.operator_session()).client("sts", endpoint_url=self.aws.endpoint, config=NO_RETRIES)

    def test_operator_identity(self):
        me = self.sts().get_caller_identity()
        self.assertEqual(me["Account"], "568237466542")
        self.assertEqual(me["Arn"], "arn:aws:iam::568237466542:user/operator")
        self.assertTrue(me["UserId"].startswith("AIDA"))

    def test_assume_role_with_external_id(self):
        c = self.aws.assume_role(duration=900)
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(len(c["SecretAccessKey"]), 40)
        lifetime = c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(850 < lifetime.total_seconds() <= 900, lifetime)
        session = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                aws_session_token=c["SessionToken"], region_name=REGION)
        me = self.sts(session).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/test")
        self.assertEqual(me["Account"], "111122223333")
        self.assertTrue(me["UserId"].startswith("AROA") and me["UserId"].endswith(":test"))

    def test_wrong_external_id_is_access_denied(self):
        with self.assertRaises(ClientError) as e:
            self.aws.assume_role(external_id="not-the-right-one")
        self.assertEqual(self.error_code(e), "AccessDenied")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("is not authorized to perform: sts:AssumeRole on resource: " + ROLE_ARN, str(e.exception))
        self.assertIn("arn:aws:iam::568237466542:user/operator", str(e.exception))

    def test_missing_external_id_is_access_denied(self):
        with self.assertRaises(ClientError) as e:
            self.aws.assume_role(external_id=None)
        self.assertEqual(self.error_code(e), "AccessDenied")

    def test_unknown_role_is_access_denied(self):
        with self.assertRaises(ClientError) as e:
            self.aws.assume_role(role_arn="arn:aws:iam::111122223333:role/nope")
        self.assertEqual(self.error_code(e), "AccessDenied")

    def test_short_sessions_from_config(self):
        sts = self.sts()
        c = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="short", ExternalId=EXTERNAL_ID, DurationSeconds=900)
        self.assertTrue(c["Credentials"]["AccessKeyId"].startswith("ASIA"))
        # botocore refuses DurationSeconds < 900 itself; shiftsync's own client does not, so ask raw.
        from botocore.config import Config
        raw = self.aws.operator_session().client("sts", endpoint_url=self.aws.endpoint,
                                                 config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
        out = raw.assume_role(RoleArn=ROLE_ARN, RoleSessionName="short", ExternalId=EXTERNAL_ID, DurationSeconds=5)
        lifetime = out["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(0 < lifetime.total_seconds() <= 5, lifetime)
        with self.assertRaises(ClientError) as e:
            raw.assume_role(RoleArn=ROLE_ARN, RoleSessionName="short", ExternalId=EXTERNAL_ID, DurationSeconds=4)
        self.assertEqual(self.error_code(e), "ValidationError")

    def test_duration_beyond_role_maximum(self):
        with self.assertRaises(ClientError) as e:
            self.aws.assume_role(duration=7200)
        self.assertEqual(self.error_code(e), "ValidationError")
        self.assertIn("MaxSessionDuration", str(e.exception))

    def test_assumed_role_cannot_assume_itself_without_trust(self):
        # The role's trust policy names the operator's account only (and redshift.amazonaws.com).
        session = self.aws.role_session()
        with self.assertRaises(ClientError) as e:
            self.sts(session).assume_role(RoleArn=ROLE_ARN, RoleSessionName="again", ExternalId=EXTERNAL_ID)
        self.assertEqual(self.error_code(e), "AccessDenied")

    def test_bad_secret_is_signature_mismatch(self):
        bad = boto3.Session(aws_access_key_id=OPERATOR_KEY, aws_secret_access_key="x" * 40, region_name=REGION)
        with self.assertRaises(ClientError) as e:
            self.sts(bad).get_caller_identity()
        self.assertEqual(self.error_code(e), "SignatureDoesNotMatch")
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_unknown_key_is_invalid_client_token(self):
        bad = boto3.Session(aws_access_key_id="AKIANOTAREALKEY00000", aws_secret_access_key="x" * 40, region_name=REGION)
        with self.assertRaises(ClientError) as e:
            self.sts(bad).get_caller_identity()
        self.assertEqual(self.error_code(e), "InvalidClientTokenId")

    def test_wrong_session_token_is_invalid_client_token(self):
        c = self.aws.assume_role()
        bad = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                            aws_session_token=c["SessionToken"][:-4] + "AAAA", region_name=REGION)
        with self.assertRaises(ClientError) as e:
            self.sts(bad).get_caller_identity()
        self.assertEqual(self.error_code(e), "InvalidClientTokenId")

    def test_expired_session_is_expired_token(self):
        session = self.aws.role_session(duration=900)
        sts = self.sts(session)
        sts.get_caller_identity()
        # Move localaws's credential clock past the session's end instead of sleeping 15 minutes.
        self.aws.set_clock_offset(901)
        try:
            with self.assertRaises(ClientError) as e:
                sts.get_caller_identity()
            self.assertEqual(self.error_code(e), "ExpiredToken")
            s3 = session.client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
            with self.assertRaises(ClientError) as e:
                s3.list_objects_v2(Bucket="unload-example")
            self.assertEqual(self.error_code(e), "ExpiredToken")
        finally:
            self.aws.set_clock_offset(0)

    def test_unknown_service_is_named(self):
        ddb = self.aws.operator_session().client("dynamodb", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as e:
            ddb.list_tables()
        self.assertEqual(self.error_code(e), "UnknownServiceException")
        self.assertIn("dynamodb", str(e.exception))

    def test_skewed_request_time(self):
        sts = self.sts()

        # A client whose clock runs 20 minutes fast: botocore signs with datetime's clock.
        import botocore.auth as auth
        real = auth.datetime.datetime

        class Fast(real):
            @classmethod
            def utcnow(cls):
                return real.utcnow() + datetime.timedelta(minutes=20)

            @classmethod
            def now(cls, tz=None):
                return real.now(tz) + datetime.timedelta(minutes=20)

        auth.datetime.datetime = Fast
        try:
            with self.assertRaises(ClientError) as e:
                sts.get_caller_identity()
        finally:
            auth.datetime.datetime = real
        self.assertEqual(self.error_code(e), "SignatureDoesNotMatch")
        self.assertIn("Signature expired", str(e.exception))


if __name__ == "__main__":
    unittest.main()

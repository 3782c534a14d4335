"""STS AssumeRoleWithWebIdentity through boto3 (sent unsigned, as botocore sends it) and through
boto3's own web-identity credential provider (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN): JWTs
signed here with an RSA key whose public half localaws's OIDC provider holds, the trust policy's
Federated principal and sub/aud conditions, and each way a token can be refused."""
import base64
import json
import os
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from localaws_fixture import REGION, LocalAWSTestCase, default_config

ISSUER = "https://oidc.localaws.test/cluster/7F3A"
PROVIDER = "oidc.localaws.test/cluster/7F3A"
AUDIENCE = "sts.amazonaws.com"
SUBJECT = "system:serviceaccount:etl:shiftsync"
ROLE_ARN = "arn:aws:iam::111122223333:role/shiftsync-web-identity"
UNTRUSTING_ROLE_ARN = "arn:aws:iam::111122223333:role/shiftsync-connector"

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(key=KEY, alg="RS256", **claims):
    payload = {"iss": ISSUER, "sub": SUBJECT, "aud": AUDIENCE, "iat": int(time.time()),
               "exp": int(time.time()) + 3600}
    payload.update(claims)
    signing_input = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": "k1"}).encode()) + "." + \
        b64url(json.dumps(payload).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def web_identity_config():
    config = default_config()
    customer = config["accounts"][1]
    public_pem = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    customer["oidc_providers"] = [{"url": ISSUER, "client_ids": [AUDIENCE], "public_key_pem": public_pem}]
    role = json.loads(json.dumps(customer["roles"][0]))  # the connector's permissions, another trust
    role["name"] = "shiftsync-web-identity"
    role["trust_policy"] = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{PROVIDER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{PROVIDER}:sub": SUBJECT, f"{PROVIDER}:aud": AUDIENCE}}}]}
    customer["roles"].append(role)
    return config


class WebIdentityTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        return web_identity_config()

    def anonymous_sts(self):
        # No credentials at all: AssumeRoleWithWebIdentity needs none.
        return boto3.client("sts", endpoint_url=self.aws.endpoint, region_name=REGION,
                            config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))

    def assume(self, token, role_arn=ROLE_ARN, session="etl-pod"):
        return self.anonymous_sts().assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName=session,
                                                                  WebIdentityToken=token)

    def refused(self, token, **kwargs):
        with self.assertRaises(ClientError) as failed:
            self.assume(token, **kwargs)
        return failed.exception.response["Error"]

    def test_boto3_assumes_the_role_and_the_session_works(self):
        out = self.assume(jwt())
        self.assertEqual(out["SubjectFromWebIdentityToken"], SUBJECT)
        self.assertEqual(out["Audience"], AUDIENCE)
        self.assertEqual(out["Provider"], PROVIDER)
        c = out["Credentials"]
        session = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                aws_session_token=c["SessionToken"], region_name=REGION)
        me = session.client("sts", endpoint_url=self.aws.endpoint).get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:sts::111122223333:assumed-role/shiftsync-web-identity/etl-pod")

    def test_boto3_default_chain_with_the_token_file(self):
        home = tempfile.mkdtemp(prefix="localaws-webid-")
        self.addCleanup(shutil.rmtree, home, ignore_errors=True)
        token_file = os.path.join(home, "token")
        with open(token_file, "w") as f:
            f.write(jwt())
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=home, AWS_CONFIG_FILE=os.path.join(home, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"),
                   AWS_WEB_IDENTITY_TOKEN_FILE=token_file, AWS_ROLE_ARN=ROLE_ARN,
                   AWS_ROLE_SESSION_NAME="from-the-chain", AWS_ENDPOINT_URL_STS=self.aws.endpoint,
                   AWS_EC2_METADATA_DISABLED="true")
        with mock.patch.dict(os.environ, env, clear=True):
            session = boto3.Session(region_name=REGION)
            self.assertEqual(session.get_credentials().method, "assume-role-with-web-identity")
            me = session.client("sts").get_caller_identity()
        self.assertEqual(me["Arn"], "arn:aws:sts::111122223333:assumed-role/shiftsync-web-identity/from-the-chain")

    def test_a_role_whose_trust_does_not_name_the_provider_is_access_denied(self):
        error = self.refused(jwt(), role_arn=UNTRUSTING_ROLE_ARN)
        self.assertEqual(error["Code"], "AccessDenied")
        self.assertIn("sts:AssumeRoleWithWebIdentity", error["Message"])

    def test_a_role_that_does_not_exist_is_access_denied_too(self):
        # The provider is the RoleArn's account's; a missing role fails as an untrusting one does,
        # so an answer never tells which roles exist.
        error = self.refused(jwt(), role_arn="arn:aws:iam::111122223333:role/no-such-role")
        self.assertEqual(error["Code"], "AccessDenied")
        self.assertIn("sts:AssumeRoleWithWebIdentity", error["Message"])

    def test_the_trust_conditions_see_the_subject(self):
        self.assertEqual(self.refused(jwt(sub="system:serviceaccount:other:intruder"))["Code"], "AccessDenied")

    def test_wrong_audience_unknown_issuer_and_bad_signature_are_invalid_tokens(self):
        for token, words in ((jwt(aud="someone-else"), "Incorrect token audience"),
                             (jwt(iss="https://elsewhere.test"), "No OpenIDConnect provider found"),
                             (jwt(key=OTHER_KEY), "signature"),
                             (jwt(alg="none"), "signature"),
                             ("not.a-jwt", "not a valid JWT")):
            error = self.refused(token)
            self.assertEqual(error["Code"], "InvalidIdentityToken", token)
            self.assertIn(words, error["Message"])

    def test_expired_token(self):
        error = self.refused(jwt(exp=int(time.time()) - 60))
        self.assertEqual(error["Code"], "ExpiredTokenException")
        self.assertIn("Token expired", error["Message"])

    def test_empty_token_is_a_validation_error(self):
        # botocore refuses tokens under 4 characters before sending; say it on the wire instead.
        body = urllib.parse.urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                                       "RoleArn": ROLE_ARN, "RoleSessionName": "s1", "WebIdentityToken": ""})
        req = urllib.request.Request(self.aws.endpoint + "/", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        with self.assertRaises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(failed.exception.code, 400)
        self.assertIn("<Code>ValidationError</Code>", failed.exception.read().decode())

    def test_other_sts_calls_still_need_a_signature(self):
        with self.assertRaises(ClientError) as failed:
            self.anonymous_sts().get_caller_identity()
        self.assertEqual(failed.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_request_log_has_the_action_and_never_the_token(self):
        token = jwt()
        self.assume(token, session="logged")
        for _ in range(100):
            log = self.aws.request_log()
            if any(r["operation"] == "AssumeRoleWithWebIdentity" and r["status"] == 200 for r in log):
                break
            time.sleep(0.05)
        ok = [r for r in log if r["operation"] == "AssumeRoleWithWebIdentity" and r["status"] == 200]
        self.assertTrue(ok)
        self.assertIn("sts:AssumeRoleWithWebIdentity", ok[-1]["actions"])
        with open(os.path.join(self.aws.data_dir, "requests.jsonl")) as f:
            self.assertNotIn(token.split(".")[2], f.read())


if __name__ == "__main__":
    unittest.main()

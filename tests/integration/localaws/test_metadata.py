"""localaws's EC2 instance metadata (IMDSv2) and container credentials endpoints, read by botocore's
own providers (the default chain of a boto3 Session with only the endpoint variables set), whose
credentials are then real localaws STS sessions: GetCallerIdentity with them names the role."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
from botocore.credentials import ContainerProvider
from botocore.exceptions import CredentialRetrievalError
from botocore.utils import ContainerMetadataFetcher

from localaws_fixture import NO_RETRIES, REGION, ROLE_ARN, LocalAWS, LocalAWSTestCase, default_config

INSTANCE_ID = "i-0a1b2c3d4e5f60718"
CONTAINER_TOKEN = "container-auth-4f1d9c27e0b8"


def metadata_config():
    """The default setup, with the connector role also trusting EC2 and ECS tasks, served as the
    instance's and the container's role."""
    config = default_config()
    role = config["accounts"][1]["roles"][0]
    role["trust_policy"]["Statement"].append(
        {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]},
         "Action": "sts:AssumeRole"})
    config["metadata"] = {
        "instance": {"role_arn": ROLE_ARN, "instance_id": INSTANCE_ID, "session_seconds": 900},
        "container": {"role_arn": ROLE_ARN, "authorization_token": CONTAINER_TOKEN},
    }
    return config


class MetadataTest(LocalAWSTestCase):
    @classmethod
    def config(cls):
        return metadata_config()

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="localaws-metadata-")
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)

    @property
    def imds_base(self):
        return self.aws.endpoint + "/_localaws/metadata/ec2"

    @property
    def container_uri(self):
        return self.aws.endpoint + "/_localaws/metadata/container/credentials"

    def only_env(self, **variables):
        """A process environment with nothing AWS-related but `variables` (and empty config files)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(HOME=self.home, AWS_CONFIG_FILE=os.path.join(self.home, "config"),
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.home, "credentials"))
        env.update(variables)
        return mock.patch.dict(os.environ, env, clear=True)

    def caller_arn(self, session):
        sts = session.client("sts", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        return sts.get_caller_identity()["Arn"]

    def http(self, method, url, headers=None):
        req = urllib.request.Request(url, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def imds_token(self, ttl="60"):
        status, token = self.http("PUT", self.imds_base + "/latest/api/token",
                                  {"X-aws-ec2-metadata-token-ttl-seconds": ttl})
        self.assertEqual(status, 200)
        return token

    # ---- through botocore's own providers

    def test_boto3_default_chain_reads_imdsv2(self):
        with self.only_env(AWS_EC2_METADATA_SERVICE_ENDPOINT=self.imds_base):
            session = boto3.Session(region_name=REGION)
            creds = session.get_credentials()
            self.assertEqual(creds.method, "iam-role")
            arn = self.caller_arn(session)
        self.assertEqual(arn, f"arn:aws:sts::111122223333:assumed-role/shiftsync-connector/{INSTANCE_ID}")
        # botocore used IMDSv2: one token, then the role list and the role's credentials with it.
        counters = self.aws.counters()
        self.assertGreaterEqual(counters["ec2-metadata.GetToken"]["requests"], 1)
        self.assertGreaterEqual(counters["ec2-metadata.GetRoleCredentials"]["status"]["200"], 1)
        self.assertNotIn("401", counters.get("ec2-metadata.GetMetadata", {}).get("status", {}))

    def test_boto3_default_chain_reads_container_credentials_with_token_file(self):
        token_file = os.path.join(self.home, "token")
        with open(token_file, "w") as f:
            f.write(CONTAINER_TOKEN)
        with self.only_env(AWS_CONTAINER_CREDENTIALS_FULL_URI=self.container_uri,
                           AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file):
            session = boto3.Session(region_name=REGION)
            self.assertEqual(session.get_credentials().method, "container-role")
            arn = self.caller_arn(session)
        self.assertEqual(arn, "arn:aws:sts::111122223333:assumed-role/shiftsync-connector/container")

    def test_container_credentials_carry_the_role_s_permissions(self):
        provider = ContainerProvider(environ={"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.container_uri,
                                              "AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN})
        creds = provider.load().get_frozen_credentials()
        session = boto3.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                                aws_session_token=creds.token, region_name=REGION)
        s3 = session.client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        s3.put_object(Bucket="unload-example", Key="metadata-test/x", Body=b"x")
        with self.assertRaises(Exception) as denied:
            s3.list_buckets()  # not in the role's policies
        self.assertIn("AccessDenied", str(denied.exception))

    def test_container_endpoint_refuses_a_wrong_or_missing_token(self):
        fetcher = ContainerMetadataFetcher(sleep=lambda _: None)
        for environ, status in (({"AWS_CONTAINER_AUTHORIZATION_TOKEN": "not-the-token"}, "403"), ({}, "401")):
            environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = self.container_uri
            with self.assertRaises(CredentialRetrievalError) as refused:
                ContainerProvider(environ=environ, fetcher=fetcher).load()
            self.assertIn(f"non 200 response {status}", str(refused.exception))

    # ---- IMDSv2's token rules, on the wire

    def test_imds_needs_a_live_token(self):
        creds_path = self.imds_base + "/latest/meta-data/iam/security-credentials/"
        self.assertEqual(self.http("GET", creds_path)[0], 401)
        self.assertEqual(self.http("GET", creds_path, {"X-aws-ec2-metadata-token": "made-up"})[0], 401)
        token = self.imds_token(ttl="60")
        status, role = self.http("GET", creds_path, {"X-aws-ec2-metadata-token": token})
        self.assertEqual((status, role), (200, "shiftsync-connector"))
        status, body = self.http("GET", creds_path + "shiftsync-connector", {"X-aws-ec2-metadata-token": token})
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual((doc["Code"], doc["Type"]), ("Success", "AWS-HMAC"))
        self.assertTrue(doc["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(self.http("GET", creds_path + "other-role", {"X-aws-ec2-metadata-token": token})[0], 404)
        # The token dies with its TTL (localaws's clock, moved forward).
        self.aws.set_clock_offset(61)
        try:
            self.assertEqual(self.http("GET", creds_path, {"X-aws-ec2-metadata-token": token})[0], 401)
        finally:
            self.aws.set_clock_offset(0)

    def test_imds_token_request_rules(self):
        url = self.imds_base + "/latest/api/token"
        self.assertEqual(self.http("PUT", url)[0], 400)
        self.assertEqual(self.http("PUT", url, {"X-aws-ec2-metadata-token-ttl-seconds": "21601"})[0], 400)
        self.assertEqual(self.http("PUT", url, {"X-aws-ec2-metadata-token-ttl-seconds": "0"})[0], 400)
        self.assertEqual(self.http("GET", url, {"X-aws-ec2-metadata-token-ttl-seconds": "60"})[0], 405)
        forwarded = {"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "10.0.0.1"}
        self.assertEqual(self.http("PUT", url, forwarded)[0], 403)
        self.assertEqual(self.http("PUT", url, {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})[0], 200)

    def test_request_log_names_the_calls_but_holds_no_credentials(self):
        token = self.imds_token()
        status, body = self.http("GET", self.imds_base + "/latest/meta-data/iam/security-credentials/shiftsync-connector",
                                 {"X-aws-ec2-metadata-token": token})
        self.assertEqual(status, 200)
        secret = json.loads(body)["SecretAccessKey"]
        session_token = json.loads(body)["Token"]
        # The log line is written after the response: wait for it rather than race the writer.
        for _ in range(100):
            log = self.aws.request_log()
            if any(r["operation"] == "GetRoleCredentials" for r in log):
                break
            time.sleep(0.05)
        entries = [r for r in log if r["service"] == "ec2-metadata"]
        self.assertTrue(any(r["operation"] == "GetRoleCredentials" and
                            r["principal"].endswith("assumed-role/shiftsync-connector/" + INSTANCE_ID)
                            for r in entries), entries)
        with open(os.path.join(self.aws.data_dir, "requests.jsonl")) as f:
            text = f.read()
        for secret_text in (secret, session_token, token, CONTAINER_TOKEN):
            self.assertNotIn(secret_text, text)


class MetadataConfigTest(unittest.TestCase):
    def test_a_role_that_does_not_trust_ec2_is_a_startup_error(self):
        config = default_config()
        config["metadata"] = {"instance": {"role_arn": ROLE_ARN}}
        data_dir = tempfile.mkdtemp(prefix="localaws-metadata-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        config_path = os.path.join(data_dir, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        run = subprocess.run([os.environ.get("LOCALAWS_BIN", "localaws"), "--port", "0", "--data-dir", data_dir,
                              "--config", config_path], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, "")  # never "ready"
        self.assertIn("does not trust ec2.amazonaws.com", run.stderr)

    def test_imds_v1_when_the_config_allows_it(self):
        config = metadata_config()
        config["metadata"]["instance"]["imds_v1"] = True
        aws = LocalAWS(config=config)
        self.addCleanup(aws.cleanup)
        aws.start()
        url = aws.endpoint + "/_localaws/metadata/ec2/latest/meta-data/instance-id"
        with urllib.request.urlopen(url, timeout=10) as resp:  # no token at all
            self.assertEqual(resp.read().decode(), INSTANCE_ID)
        bad_token = urllib.request.Request(url, headers={"X-aws-ec2-metadata-token": "made-up"})
        with self.assertRaises(urllib.error.HTTPError) as refused:  # a token sent must still be valid
            urllib.request.urlopen(bad_token, timeout=10)
        self.assertEqual(refused.exception.code, 401)

    def test_without_a_metadata_section_the_endpoints_answer_404(self):
        aws = LocalAWS()
        self.addCleanup(aws.cleanup)
        aws.start()
        for path in ("ec2/latest/api/token", "container/credentials"):
            req = urllib.request.Request(aws.endpoint + "/_localaws/metadata/" + path, method="PUT",
                                         headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})
            with self.assertRaises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(missing.exception.code, 404)


if __name__ == "__main__":
    unittest.main()

"""Runs a command against a real moto_server with signature checking on.

moto (the preinstalled Python package) is a server no one here wrote. It starts on a free loopback
port with INITIAL_NO_AUTH_ACTION_COUNT set so that exactly the fixture's own setup calls go
unauthenticated; everything after that, including every call of the command, must carry a valid
SigV4 signature from an IAM user that the fixture creates. The command gets:
  SHIFTSYNC_MOTO_URL, SHIFTSYNC_MOTO_ACCESS_KEY_ID, SHIFTSYNC_MOTO_SECRET_ACCESS_KEY,
  SHIFTSYNC_MOTO_ROLE_ARN (a role that trusts the user, for AssumeRole with an ExternalId),
  and the same as SHIFTSYNC_S3_* for tests/interop/s3, with bucket shiftsync-interop (created with
  the user's signed request).
moto is stopped afterwards whatever happens; the command's exit code is returned.
"""
import json
import os
import socket
import subprocess
import sys
import time

import boto3

SETUP_CALLS = 4  # create_user, create_access_key, put_user_policy, create_role


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited early with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start listening within 30 s")


def main():
    command = sys.argv[1:]
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_CALLS))
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, moto)
        url = f"http://127.0.0.1:{port}"
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="shiftsync-operator")
        key = iam.create_access_key(UserName="shiftsync-operator")["AccessKey"]
        iam.put_user_policy(UserName="shiftsync-operator", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        role = iam.create_role(RoleName="shiftsync-connector", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "a1efa791-4530-43a0-962d-74e2ccf18309"}}}]}))
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        s3.create_bucket(Bucket="shiftsync-interop")
        child_env = dict(os.environ,
                         SHIFTSYNC_S3_URL=url,
                         SHIFTSYNC_S3_BUCKET="shiftsync-interop",
                         SHIFTSYNC_S3_ACCESS_KEY_ID=key["AccessKeyId"],
                         SHIFTSYNC_S3_SECRET_ACCESS_KEY=key["SecretAccessKey"],
                         SHIFTSYNC_S3_AWS_ETAGS="1",
                         SHIFTSYNC_MOTO_URL=url,
                         SHIFTSYNC_MOTO_ACCESS_KEY_ID=key["AccessKeyId"],
                         SHIFTSYNC_MOTO_SECRET_ACCESS_KEY=key["SecretAccessKey"],
                         SHIFTSYNC_MOTO_ROLE_ARN=role["Role"]["Arn"])
        return subprocess.run(command, env=child_env).returncode
    finally:
        moto.terminate()
        try:
            moto.wait(10)
        except subprocess.TimeoutExpired:
            moto.kill()


if __name__ == "__main__":
    sys.exit(main())

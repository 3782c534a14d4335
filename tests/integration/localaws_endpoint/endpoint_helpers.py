"""Helpers for the workgroup endpoint tests: credentials from the AWS CLI, and psql against the
endpoint localaws printed. A password travels only in psql's environment (PGPASSWORD), never on a
command line or in a message."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws"))

from localaws_fixture import EXTERNAL_ID, ROLE_ARN, LocalAWS, LocalAWSTestCase, default_config  # noqa: E402,F401

WORKGROUP = "default-workgroup"
CONNECTOR_DB_USER = "IAMR:shiftsync-connector"


def cli_credentials(aws, role_credentials, *extra):
    """`aws redshift-serverless get-credentials` as the given (assumed-role) credentials: the
    parsed JSON answer, dbUser / dbPassword / expiration."""
    out = aws.cli("redshift-serverless", "get-credentials", "--workgroup-name", WORKGROUP, "--output", "json",
                  *extra, credentials=role_credentials)
    return json.loads(out.stdout)


def conninfo(endpoint, user, sslmode="verify-full", ca=None, host=None, dbname="dev"):
    """A libpq conninfo for the endpoint ({"address", "port", "ca"}), without the password."""
    parts = {"host": host or endpoint["address"], "port": endpoint["port"], "dbname": dbname, "user": user,
             "sslmode": sslmode, "sslrootcert": ca or endpoint["ca"], "connect_timeout": 10}
    return " ".join(f"{k}='{v}'" for k, v in parts.items())


def psql(info, password, sql):
    """Runs `sql` through psql; the CompletedProcess (stdout: unaligned tuples only)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10",
           "PGPASSFILE": os.devnull, "HOME": os.devnull}
    return subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", info, "-c", sql], env=env,
                          capture_output=True, text=True, timeout=60)

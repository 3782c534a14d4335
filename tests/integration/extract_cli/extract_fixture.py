"""Shared pieces of the `shiftsync extract` suites: localaws with the connector guide's policies (the
transfer suites' fixture), SQL through the Data API as the connector role, psql as the cluster's
superuser over localaws's private socket, and the comparisons.

Normalisation against psql (what `psql -c "COPY (query) TO STDOUT WITH CSV HEADER"` prints for the same
query on localaws's own PostgreSQL): both outputs are parsed as CSV keeping which fields were quoted
(NULL is an empty unquoted field, "" an empty string), then per column type: booleans t/f are
true/false; bytea's \\x prefix is dropped (VARBYTE is hex); REAL and DOUBLE PRECISION compare as the
same float (both sides print a shortest round-trip form, which may choose exponent notation
differently); every other value must be the same characters.
"""
import copy
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "transfer_cli"))
from transfer_fixture import (BUCKET, CONNECTOR_PRINCIPAL, CUSTOMER, LocalAwsTransferCase, kill9, Result,  # noqa: E402,F401
                              transfer_config)

import boto3  # noqa: E402,F401

WORKGROUP = "default-workgroup"
DATABASE = "dev"
STAGING = f"s3://{BUCKET}/extract-staging/"
STAGING_PREFIX = "extract-staging/"
# The connector role's policies, trusted by the operator's account only (the guide's trust-policy.json,
# without the redshift.amazonaws.com statement): a role UNLOAD cannot run as.
UNTRUSTED_ROLE = f"arn:aws:iam::{CUSTOMER}:role/shiftsync-connector-no-redshift"


def extract_config():
    """The transfer suites' localaws config plus UNTRUSTED_ROLE."""
    config = transfer_config()
    customer = next(a for a in config["accounts"] if a["id"] == CUSTOMER)
    connector = customer["roles"][0]
    trust = copy.deepcopy(connector["trust_policy"])
    trust["Statement"] = [s for s in trust["Statement"] if "Service" not in s.get("Principal", {})]
    assert trust["Statement"], "the connector's trust policy has a statement for the operator's account"
    customer["roles"].append({"name": "shiftsync-connector-no-redshift", "trust_policy": trust,
                              "policies": copy.deepcopy(connector["policies"]), "max_session_duration": 3600})
    return config


def parse_csv(data):
    """Records of (value, quoted) pairs from RFC 4180 CSV text."""
    records, record, field, quoted, i, n = [], [], [], False, 0, len(data)
    at_field_start = True
    while i < n:
        c = data[i]
        if at_field_start and c == '"':
            quoted, at_field_start = True, False
            i += 1
            while True:
                j = data.index('"', i)
                field.append(data[i:j])
                if j + 1 < n and data[j + 1] == '"':
                    field.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            continue
        at_field_start = False
        if c == ',':
            record.append(("".join(field), quoted))
            field, quoted, at_field_start = [], False, True
        elif c == '\n' or (c == '\r' and i + 1 < n and data[i + 1] == '\n' and not quoted):
            record.append(("".join(field), quoted))
            records.append(record)
            record, field, quoted, at_field_start = [], [], False, True
            if c == '\r':
                i += 1
        else:
            field.append(c)
        i += 1
    if field or record:
        record.append(("".join(field), quoted))
        records.append(record)
    return records


def normalised(records, types):
    """Records as comparable tuples (None for NULL), normalised per column type (module docstring)."""
    out = []
    for record in records:
        row = []
        for (value, quoted), kind in zip(record, types):
            if value == "" and not quoted:
                row.append(None)
            elif kind == "bool":
                row.append({"t": "true", "f": "false"}.get(value, value))
            elif kind == "bytea":
                row.append(value[2:] if value.startswith("\\x") else value)
            elif kind == "float":
                row.append(float(value))
            else:
                row.append(value)
        out.append(tuple(row))
    return out


class ExtractCase(LocalAwsTransferCase):
    """LocalAwsTransferCase (connector role, least privilege at the end) plus Data API SQL and psql."""

    @classmethod
    def localaws_config(cls):
        return extract_config()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # SIGTERM before the fixture's kill -9, so localaws stops its PostgreSQL (class cleanups run LIFO).
        cls.addClassCleanup(cls.aws.stop)
        session = cls.aws.role_session()
        cls.rsd = session.client("redshift-data", endpoint_url=cls.aws.endpoint)

    # ---- SQL as the connector role, through the Data API
    @classmethod
    def sql(cls, statement, timeout=300):
        sid = cls.rsd.execute_statement(WorkgroupName=WORKGROUP, Database=DATABASE, Sql=statement)["Id"]
        deadline = time.monotonic() + timeout
        while True:
            d = cls.rsd.describe_statement(Id=sid)
            if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
                break
            assert time.monotonic() < deadline, f"{statement[:100]!r} still running"
            time.sleep(0.05)
        assert d["Status"] == "FINISHED", f"{statement[:300]!r}: {d.get('Error')}"
        return d

    # ---- psql as the superuser of localaws's PostgreSQL (for expectations only)
    def psql_copy(self, query):
        socket_dir = os.path.join(self.aws.data_dir, "postgres", "socket")
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U", "postgres", "-d",
                            DATABASE, "-c", f"COPY ({query}) TO STDOUT WITH CSV HEADER"],
                           capture_output=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        return p.stdout.decode()

    def psql_scalar(self, query):
        socket_dir = os.path.join(self.aws.data_dir, "postgres", "socket")
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U", "postgres",
                            "-d", DATABASE, "-c", query], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    # ---- shiftsync extract
    def extract(self, *args, **kwargs):
        return self.ss.run("extract", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging", STAGING, *args,
                           **kwargs)

    def extract_ok(self, *args, **kwargs):
        r = self.extract(*args, "--json", **kwargs)
        self.assert_ok(r)
        return r

    def staged_keys(self):
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=STAGING_PREFIX)
        return [o["Key"] for o in out.get("Contents", [])]

    def assert_staging_empty(self):
        self.assertEqual(self.staged_keys(), [], "the run left objects in the staging prefix")

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

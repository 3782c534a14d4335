"""Shared pieces of the `shiftsync sync` suites: the extract suites' localaws fixture (the connector role,
least privilege at the end), an application PostgreSQL (sink_postgres.SinkPostgres), and configs written
per test. `shiftsync sync` gets its AWS settings from the config (region, endpoint, role, external id)
and the operator's keys from the environment, as a scheduled worker would."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "extract_cli"))
sys.path.insert(0, os.path.join(HERE, "..", "load_cli"))
from extract_fixture import BUCKET, DATABASE, WORKGROUP, ExtractCase, kill9, parse_csv  # noqa: E402,F401
from localaws_fixture import EXTERNAL_ID, REGION, ROLE_ARN  # noqa: E402
from sink_postgres import SinkPostgres  # noqa: E402

STAGING_PREFIX = "sync-staging/"
STAGING = f"s3://{BUCKET}/{STAGING_PREFIX}"


def yaml_quote(value):
    return json.dumps(value)  # JSON strings are YAML strings


class SyncCase(ExtractCase):
    """ExtractCase plus an application PostgreSQL (cls.app) and helpers to write configs and run sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app = SinkPostgres(user="app", database="appdb")
        cls.addClassCleanup(cls.app.stop)
        cls.app.start()
        cls.config_count = 0

    def redshift_connection(self, name="warehouse"):
        return (f"  {name}:\n    type: redshift\n    workgroup: {WORKGROUP}\n    database: {DATABASE}\n"
                f"    region: {REGION}\n    endpoint_url: {yaml_quote(self.aws.endpoint)}\n"
                f"    role_arn: {yaml_quote(ROLE_ARN)}\n    external_id: {yaml_quote(EXTERNAL_ID)}\n"
                f"    staging: {yaml_quote(STAGING)}\n")

    def app_connection(self, name="app"):
        # The password through the environment, as the docs tell users to: never in the file.
        dsn = f"host=127.0.0.1 port={self.app.port} dbname={self.app.database} user={self.app.user} " \
              "password=${APP_DB_PASSWORD}"
        return f"  {name}:\n    type: postgres\n    dsn: {yaml_quote(dsn)}\n"

    def write_config(self, body, connections=None):
        type(self).config_count += 1
        path = self.path("sync", f"config-{self.config_count}.yaml")
        conns = connections if connections is not None else self.redshift_connection() + self.app_connection()
        with open(path, "w") as f:
            f.write("connections:\n" + conns + body)
        return path

    @property
    def state_path(self):
        return os.path.join(self.ss.home, "state", "sync.db")

    def sync(self, config, *args, timeout=600, env=None):
        environment = {**self.ss.env, "APP_DB_PASSWORD": self.app.password, **(env or {})}
        return self.ss.run("sync", "--config", config, "--state", self.state_path, "--progress", "never", *args,
                           connect=[], timeout=timeout, env=environment)

    def sync_ok(self, config, *args, **kwargs):
        r = self.sync(config, *args, **kwargs)
        self.assertEqual(r.returncode, 0, r)
        self.assertNotIn(self.app.password, r.err(), "the application database's password reached the output")
        return r

    def start_sync(self, config, *args):
        environment = {**self.ss.env, "APP_DB_PASSWORD": self.app.password}
        return self.ss.start("sync", "--config", config, "--state", self.state_path, "--progress", "never", *args,
                             connect=[], env=environment)

    # ---- reading back
    def warehouse_rows(self, query):
        """Rows of a query on localaws's PostgreSQL (the warehouse), as tuples, None for NULL."""
        recs = parse_csv(self.psql_copy(query))[1:]
        return [tuple(None if (v == "" and not q) else v for v, q in rec) for rec in recs]

    def app_rows(self, query):
        recs = parse_csv(self.app.copy_out(query))[1:]
        return [tuple(None if (v == "" and not q) else v for v, q in rec) for rec in recs]

    def sync_staging_keys(self):
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=STAGING_PREFIX)
        return [o["Key"] for o in out.get("Contents", [])]

    def assert_sync_staging_empty(self):
        self.assertEqual(self.sync_staging_keys(), [], "the sync left objects in the staging prefix")

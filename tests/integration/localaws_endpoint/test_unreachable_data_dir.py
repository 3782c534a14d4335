"""localaws as root with a --data-dir the `postgres` OS user cannot reach (issue #14, item 6), and
the cause of every 500 on stderr.

Before: started as root with a data dir inside a `mktemp -d` directory (0700, root's), localaws
printed "ready", then answered every Data API call with HTTP 500 InternalServerException and
wrote nothing to stderr (initdb, running as postgres, could not reach the directory). Now PostgreSQL
gets CAP_DAC_READ_SEARCH and everything works; where that capability cannot be had, localaws
refuses to start and names the directory and the fix."""
import os
import shutil
import subprocess
import tempfile
import unittest

from botocore.exceptions import ClientError

from endpoint_helpers import CONNECTOR_DB_USER, LocalAWS, cli_credentials, conninfo, psql
from localaws_fixture import NO_RETRIES

AS_ROOT = os.geteuid() == 0


def closed_directory(test):
    """A fresh `mktemp -d` directory: mode 0700, root's — closed to the postgres user."""
    path = tempfile.mkdtemp(prefix="localaws-closed-")
    test.addCleanup(shutil.rmtree, path, ignore_errors=True)
    return path


@unittest.skipUnless(AS_ROOT, "PostgreSQL runs as another OS user only when localaws runs as root")
class UnreachableDataDirTest(unittest.TestCase):
    def test_a_data_dir_inside_a_closed_directory_works(self):
        closed = closed_directory(self)
        aws = LocalAWS(data_dir=os.path.join(closed, "localaws"))
        self.addCleanup(aws.cleanup)
        aws.start()
        session = aws.role_session()
        rsd = session.client("redshift-data", endpoint_url=aws.endpoint, config=NO_RETRIES)
        self.assertEqual(rsd.list_databases(WorkgroupName="default-workgroup", Database="dev")["Databases"], ["dev"])
        creds = cli_credentials(aws, aws.assume_role())
        r = psql(conninfo(aws.postgres, creds["dbUser"]), creds["dbPassword"], "select current_user")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, CONNECTOR_DB_USER), r.stderr)
        # Nothing above the data dir was opened up: the capability did it, and localaws said so.
        self.assertEqual(os.stat(closed).st_mode & 0o777, 0o700)
        self.assertIn("CAP_DAC_READ_SEARCH", aws.stderr_text())

    @unittest.skipUnless(shutil.which("setpriv"), "needs setpriv (util-linux)")
    def test_without_the_capability_it_refuses_to_start_naming_the_directory_and_the_fix(self):
        closed = closed_directory(self)
        data_dir = os.path.join(closed, "localaws")
        # localaws itself without CAP_DAC_READ_SEARCH in its bounding set cannot hand it on.
        run = subprocess.run(["setpriv", "--bounding-set=-dac_read_search", os.environ.get("LOCALAWS_BIN", "localaws"),
                              "--port", "0", "--data-dir", data_dir], capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertEqual(run.stdout, "", "never ready")
        self.assertIn(f"cannot reach {data_dir}/postgres", run.stderr)
        self.assertIn(f"may not search {closed} (mode 0700, owner root)", run.stderr)
        self.assertIn(f"chmod o+x {closed}", run.stderr)


class ServerErrorsAreLoggedTest(unittest.TestCase):
    def test_a_cluster_that_cannot_start_answers_500_and_stderr_says_why(self):
        data_dir = tempfile.mkdtemp(prefix="localaws-broken-")
        self.addCleanup(shutil.rmtree, data_dir, ignore_errors=True)
        # A cluster directory that claims to be one (so no initdb) but is not: pg_ctl cannot start it.
        os.makedirs(os.path.join(data_dir, "postgres", "data"))
        with open(os.path.join(data_dir, "postgres", "data", "PG_VERSION"), "w") as f:
            f.write("15\n")
        aws = LocalAWS(data_dir=data_dir)
        self.addCleanup(aws.cleanup)
        aws.start()  # S3 and STS still work; the failure belongs to the Data API and the endpoint
        session = aws.role_session()
        rsd = session.client("redshift-data", endpoint_url=aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as failed:
            rsd.list_databases(WorkgroupName="default-workgroup", Database="dev")
        self.assertEqual(failed.exception.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.assertEqual(failed.exception.response["Error"]["Code"], "InternalServerException")
        serverless = session.client("redshift-serverless", endpoint_url=aws.endpoint, config=NO_RETRIES)
        with self.assertRaises(ClientError) as failed:
            serverless.get_credentials(workgroupName="default-workgroup")
        self.assertEqual(failed.exception.response["Error"]["Code"], "InternalServerException")

        logged = aws.stderr_text()
        self.assertIn("localaws: 500 InternalServerException for redshift-data.ListDatabases (request ", logged)
        self.assertIn("localaws: 500 InternalServerException for redshift-serverless.GetCredentials (request ", logged)
        self.assertIn("the database refused IAMR:shiftsync-connector's password: PostgreSQL for the Data API: "
                      "pg_ctl failed", logged)


if __name__ == "__main__":
    unittest.main()

"""The workgroup endpoint (issue #14's acceptance): psql connects with the password the AWS CLI's
`aws redshift-serverless get-credentials` returns — as the connector role, assumed with its
ExternalId — over TLS verified against the CA localaws printed (sslmode=verify-full); the password
is refused once localaws's clock passes its expiration; a connection without TLS is refused; a wrong
CA fails verification; only users GetCredentials issued a password to may log in over TCP."""
import datetime
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

from endpoint_helpers import CONNECTOR_DB_USER, LocalAWS, LocalAWSTestCase, cli_credentials, conninfo, psql


class EndpointTest(LocalAWSTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role = cls.aws.assume_role()  # the documented flow: the operator assumes the connector role

    def setUp(self):
        self.addCleanup(self.aws.set_clock_offset, 0)

    def credentials(self, *extra):
        return cli_credentials(self.aws, self.role, *extra)

    def connect(self, creds, sql="select 1", **kwargs):
        return psql(conninfo(self.aws.postgres, creds["dbUser"], **kwargs), creds["dbPassword"], sql)

    def assert_connects(self, creds, **kwargs):
        r = self.connect(creds, **kwargs)
        self.assertEqual(r.returncode, 0, r.stderr)

    def assert_refused(self, creds, words, **kwargs):
        r = self.connect(creds, **kwargs)
        self.assertNotEqual(r.returncode, 0, "connected, but should have been refused")
        self.assertIn(words, r.stderr)
        self.assertNotIn(creds["dbPassword"], r.stderr + r.stdout)

    def test_the_endpoint_is_printed_after_ready(self):
        endpoint = self.aws.postgres
        self.assertEqual(endpoint["address"], "127.0.0.1")
        self.assertNotEqual(endpoint["port"], self.aws.port)
        self.assertTrue(os.path.isfile(endpoint["ca"]), endpoint["ca"])
        self.assertEqual(self.aws.admin("GET", "postgres"), endpoint)

    def test_psql_connects_with_get_credentials_over_verified_tls(self):
        creds = self.credentials()
        self.assertEqual(creds["dbUser"], CONNECTOR_DB_USER)
        sql = ("select current_user, (select ssl from pg_stat_ssl where pid = pg_backend_pid()), "
               "pg_has_role('rss_admin', 'member')")
        # The certificate names both: an IP address SAN and a DNS SAN.
        for host in ("127.0.0.1", "localhost"):
            with self.subTest(host=host):
                r = self.connect(creds, sql, host=host)
                self.assertEqual(r.returncode, 0, r.stderr)
                # The RedshiftDbRoles tag's role is granted, as on the Data API path.
                self.assertEqual(r.stdout.strip(), "IAMR:shiftsync-connector|t|t")

    def test_the_password_is_refused_once_the_clock_passes_its_expiration(self):
        creds = self.credentials("--duration-seconds", "3600")
        self.assert_connects(creds)
        self.aws.set_clock_offset(1800)  # half-way: still valid
        self.assert_connects(creds)
        self.aws.set_clock_offset(3700)  # past the expiration: PostgreSQL itself refuses it
        self.assert_refused(creds, "password authentication failed")
        self.aws.set_clock_offset(0)  # the refusal was the expiry, not a changed password
        self.assert_connects(creds)

    def test_credentials_issued_under_a_shifted_clock_last_their_duration(self):
        # (Less than the role session's hour: past that, the session itself expires.)
        self.aws.set_clock_offset(1800)
        creds = self.credentials()  # 900 s from localaws's now, i.e. half an hour ahead of the wall clock
        # The CLI v1 prints timestamps as the service sent them: epoch seconds.
        ahead = creds["expiration"] - datetime.datetime.now(datetime.timezone.utc).timestamp()
        self.assertGreater(ahead, 1800, "the expiration is on localaws's clock")
        self.assert_connects(creds)
        self.aws.set_clock_offset(1800 + 901)
        self.assert_refused(creds, "password authentication failed")

    def test_a_connection_without_tls_is_refused(self):
        creds = self.credentials()
        self.assert_refused(creds, "no encryption", sslmode="disable")

    def test_a_wrong_ca_fails_verification(self):
        creds = self.credentials()
        other = tempfile.mkdtemp(prefix="localaws-other-ca-")
        self.addCleanup(shutil.rmtree, other, ignore_errors=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", os.path.join(other, "ca.key"), "-out", os.path.join(other, "ca.crt"),
                        "-subj", "/CN=someone else's CA", "-days", "2"], check=True, capture_output=True)
        self.assert_refused(creds, "certificate verify failed", ca=os.path.join(other, "ca.crt"))
        self.assert_connects(creds)  # and the right one still verifies

    def test_a_wrong_password_is_refused(self):
        creds = dict(self.credentials())
        creds["dbPassword"] = "not-" + creds["dbPassword"]
        self.assert_refused(creds, "password authentication failed")

    def test_only_users_given_credentials_may_log_in_over_tcp(self):
        self.credentials()  # PostgreSQL runs from here on
        socket_dir = os.path.join(self.aws.data_dir, "postgres", "socket")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U", "postgres", "-d", "dev",
                        "-c", "drop role if exists admin_made; create role admin_made login password 'known-to-admin'"],
                       check=True, capture_output=True, text=True, timeout=60)
        # A role with a password it did not get from GetCredentials, and the superuser: no
        # pg_hba.conf line lets them in over TCP.
        for user, password in (("admin_made", "known-to-admin"), ("postgres", "anything")):
            with self.subTest(user=user):
                r = psql(conninfo(self.aws.postgres, user), password, "select 1")
                self.assertNotEqual(r.returncode, 0, f"{user} logged in over TCP")
                self.assertIn("no pg_hba.conf entry", r.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EndpointAcrossRestartTest(unittest.TestCase):
    def test_pg_port_is_honoured_and_the_ca_and_passwords_survive_a_restart(self):
        port = free_port()
        aws = LocalAWS(extra_args=["--pg-port", str(port)])
        self.addCleanup(aws.cleanup)
        aws.start()
        self.assertEqual(aws.postgres["port"], port)
        with open(aws.postgres["ca"], "rb") as f:
            ca_before = f.read()
        creds = cli_credentials(aws, aws.assume_role())
        info = conninfo(aws.postgres, creds["dbUser"])
        self.assertEqual(psql(info, creds["dbPassword"], "select 1").returncode, 0)

        aws.stop()
        aws.start()  # the same data dir and --pg-port
        self.assertEqual(aws.postgres["port"], port)
        with open(aws.postgres["ca"], "rb") as f:
            self.assertEqual(f.read(), ca_before, "a client's saved CA keeps verifying the endpoint")
        # An existing cluster is started before "ready": a password issued before the restart logs
        # in at once, before any AWS call.
        r = psql(info, creds["dbPassword"], "select current_user")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, CONNECTOR_DB_USER), r.stderr)

    def test_a_pg_port_in_use_is_refused_at_start(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            aws = LocalAWS(extra_args=["--pg-port", str(port)])
            self.addCleanup(aws.cleanup)
            with self.assertRaises(RuntimeError) as refused:
                aws.start()
            self.assertIn(f"cannot reserve 127.0.0.1:{port}", str(refused.exception))


if __name__ == "__main__":
    unittest.main()

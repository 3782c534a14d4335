"""shiftsync query from the outside: exit codes and errors that say what failed and what to do —
never a secret. Runs under moto_fixture.py (SHIFTSYNC_MOTO_*). moto's Data API never finishes a
statement, so rows and their formats are tested against localaws (and row_writer in unit tests)."""
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["SHIFTSYNC_BIN"]


class Cli(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.TemporaryDirectory(prefix="shiftsync-cli-")
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": self.home.name,  # no stray ~/.aws
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": os.environ["SHIFTSYNC_MOTO_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": os.environ["SHIFTSYNC_MOTO_SECRET_ACCESS_KEY"],
        }
        self.url = os.environ["SHIFTSYNC_MOTO_URL"]

    def tearDown(self):
        self.home.cleanup()

    def shiftsync(self, *args, env=None):
        return subprocess.run([BIN, *args], env=env or self.env, capture_output=True, text=True, timeout=60)

    def query(self, *extra, env=None):
        return self.shiftsync("query", "select * from addresses", "--region", "us-east-1", "--endpoint-url", self.url,
                              *extra, env=env)

    def test_wait_timeout_names_the_statement_and_its_state(self):
        # moto's Data API never finishes a statement: exactly what a stuck warehouse looks like.
        r = self.query("--timeout", "1")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"statement [0-9a-f-]{36}")
        self.assertIn("still STARTED when the wait timed out", r.stderr)

    def test_missing_region_says_how_to_set_it(self):
        r = self.shiftsync("query", "select 1", "--endpoint-url", self.url)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no region", r.stderr)
        self.assertIn("--region", r.stderr)

    def test_unknown_profile_is_named(self):
        env = dict(self.env)
        del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
        r = self.query("--profile", "does-not-exist", env=env)
        self.assertEqual(r.returncode, 2)
        self.assertIn("profile 'does-not-exist' not found", r.stderr)

    def test_malformed_config_file_is_named_with_its_line(self):
        env = dict(self.env)
        config = os.path.join(self.home.name, "config")
        with open(config, "w") as f:
            f.write("[default]\nregion us-east-1\n")
        env["AWS_CONFIG_FILE"] = config
        r = self.query(env=env)
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2", r.stderr)

    def test_wrong_secret_is_reported_without_the_secret(self):
        env = dict(self.env, AWS_SECRET_ACCESS_KEY="wrong-secret-abcdef123456")
        r = self.query(env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("ExecuteStatement", r.stderr)
        self.assertNotIn("wrong-secret-abcdef123456", r.stderr + r.stdout)

    def test_bad_parameter_syntax(self):
        r = self.query("--param", "novalue")
        self.assertEqual(r.returncode, 2)
        self.assertIn("name=value", r.stderr)


if __name__ == "__main__":
    unittest.main()

"""The secrets check that `make test` runs over the whole suite's log: it must catch each kind of
secret (or it proves nothing) and pass what is safe to print."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CHECK = os.path.join(ROOT, "tools", "setup", "check_no_secrets.py")

LEAKS = {
    "session token": "token=IQoJb3JpZ2luX2VjEAbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "authorization": "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    "presigned": "GET /?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    "token header": "x-amz-security-token: AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW",
    "secret key": "using secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY for the operator",
}

SAFE = "\n".join([
    "statement 1f0c... FAILED: relation \"nope\" does not exist",
    "assumed arn:aws:iam::111122223333:role/shiftsync-connector with ExternalId (sent)",
    "access key AKIAIOSFODNN7EXAMPLE, session token <hidden; --show-token shows it>",
    "SignedHeaders=host;x-amz-date",
])


def run_check(text):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(text)
    try:
        return subprocess.run([sys.executable, CHECK, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)


class CheckNoSecrets(unittest.TestCase):
    def test_each_kind_of_secret_fails_the_check_without_being_echoed(self):
        for kind, line in LEAKS.items():
            with self.subTest(kind=kind):
                result = run_check(SAFE + "\n" + line + "\n")
                self.assertEqual(result.returncode, 1, result.stdout)
                self.assertIn(":5:", result.stdout)  # names the line
                secret_part = line.split()[-1][-20:]
                self.assertNotIn(secret_part, result.stdout)

    def test_safe_diagnostics_pass(self):
        result = run_check(SAFE)
        self.assertEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Fails when a log holds something secret: a secret key the tests use, a session token (localaws
issues them with the same prefix as AWS's, "IQoJb3JpZ2luX2VjE"), an Authorization header's SigV4
credential, a presigned URL's signature, or a session token header with its value.

`make test` runs it over ctest's log of the whole suite (every test's output), so a secret that
reaches any log or error message any test prints fails the build.

    check_no_secrets.py LOG [LOG ...]      exit 0: clean; 1: found (what and where, never the secret)
"""
import re
import sys

# Secret keys the suite's fixtures use (localaws's operator; AWS's documentation example key).
KNOWN_SECRET_KEYS = ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]

PATTERNS = [
    ("a session token", re.compile(r"IQoJb3JpZ2luX2VjE[A-Za-z0-9+/=]{16,}")),
    ("an Authorization header's credential and signature",
     re.compile(r"AWS4-HMAC-SHA256\s+Credential=\S+.*Signature=[0-9a-f]{16,}", re.IGNORECASE)),
    ("a presigned URL's signature", re.compile(r"X-Amz-Signature=[0-9a-f]{16,}", re.IGNORECASE)),
    ("a session token header's value", re.compile(r"x-amz-security-token\s*[:=]\s*[A-Za-z0-9+/=%]{24,}", re.IGNORECASE)),
] + [("a secret key the tests use", re.compile(re.escape(key))) for key in KNOWN_SECRET_KEYS]


def findings(text):
    for line_number, line in enumerate(text.splitlines(), 1):
        for what, pattern in PATTERNS:
            if pattern.search(line):
                yield line_number, what


def main(paths):
    found = 0
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for line_number, what in findings(text):
            print(f"{path}:{line_number}: {what} reached the log (not shown here)")
            found += 1
    if found:
        print(f"check_no_secrets: {found} secret(s) in the logs: find the code that printed them and redact it")
        return 1
    print(f"check_no_secrets: no secrets in {len(paths)} log(s)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))

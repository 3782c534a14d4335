"""The coroutine-hazard checker finds each GCC 12 shape in hazards.cpp, exactly on the lines marked
`// HAZARD: <shape>`, and nothing in safe.cpp (the safe spelling of each)."""
import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "..", "coroutine_hazards.py")
FINDING = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):\d+: (?P<shape>[a-z-]+): ")


def run_check(name):
    path = os.path.join(HERE, name)
    proc = subprocess.run(["/usr/bin/python3", CHECK, "--file", path, "--", "-std=c++20", "-I" + HERE],
                          capture_output=True, text=True, timeout=120)
    found = set()
    for line in proc.stdout.splitlines():
        m = FINDING.match(line)
        if m:
            found.add((int(m["line"]), m["shape"]))
    return proc, found


def marked(name):
    expected = set()
    with open(os.path.join(HERE, name)) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"// HAZARD: ([a-z-]+)$", line.rstrip())
            if m:
                expected.add((n, m[1]))
    return expected


class CoroutineHazards(unittest.TestCase):
    def test_every_shape_is_found_where_marked(self):
        proc, found = run_check("hazards.cpp")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        expected = marked("hazards.cpp")
        self.assertEqual({s for _, s in expected}, {"temporary", "conditional", "default-arg"})
        self.assertEqual(sorted(expected - found), [], "hazards missed")
        self.assertEqual(sorted(found - expected), [], "reported on lines not marked")

    def test_safe_spellings_pass(self):
        proc, found = run_check("safe.cpp")
        self.assertEqual(sorted(found), [], proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_a_file_clang_cannot_parse_is_an_error_not_a_pass(self):
        proc, _ = run_check("broken.cpp")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("clang cannot parse it", proc.stderr)


if __name__ == "__main__":
    unittest.main()

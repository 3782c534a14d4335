#!/usr/bin/env python3
"""Checks Data API responses that localaws produced against botocore's redshift-data model.

Usage: check_botocore_shapes.py DIR
DIR holds <Operation>.<n>.json files (response bodies) and <Operation>.<n>.error files (an error
code). Every member must exist in the output shape with the JSON type the model gives it (unions
with exactly one member), required members must be present, and error codes must be among the
operation's modelled errors. Exits non-zero listing every mismatch.
"""
import json
import os
import sys
import unittest

import botocore.session

MODEL = botocore.session.get_session().get_service_model("redshift-data")
COMMON_ERRORS = {"UnknownOperationException", "AccessDeniedException", "ThrottlingException"}


def check(shape, value, path, problems):
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        for name in value:
            if name not in shape.members:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        if shape.metadata.get("union") and len(value) != 1:
            problems.append(f"{path}: a union must set exactly one member, has {sorted(value)}")
        for name, member in value.items():
            if name in shape.members:
                check(shape.members[name], member, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for i, item in enumerate(value):
            check(shape.member, item, f"{path}[{i}]", problems)
    elif kind == "string" or kind == "blob":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string, got {value!r}")
        elif getattr(shape, "enum", None) and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in {shape.enum}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer, got {value!r}")
    elif kind == "double":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean, got {value!r}")
    elif kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected epoch seconds, got {value!r}")


class Shapes(unittest.TestCase):
    def test_every_dumped_response(self):
        directory = sys.argv[1]
        files = sorted(os.listdir(directory))
        self.assertTrue(files, "nothing to check")
        problems, seen = [], set()
        for name in files:
            operation = name.split(".")[0]
            seen.add(operation)
            op = MODEL.operation_model(operation)
            with open(os.path.join(directory, name)) as f:
                text = f.read()
            if name.endswith(".error"):
                allowed = {e.name for e in op.error_shapes} | COMMON_ERRORS
                if text.strip() not in allowed:
                    problems.append(f"{name}: {text.strip()} is not an error of {operation}")
                continue
            check(op.output_shape, json.loads(text), name, problems)
        self.assertEqual(problems, [])
        self.assertEqual(seen, set(MODEL.operation_names), "every operation was exercised")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])

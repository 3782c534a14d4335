"""Shared pieces of the `shiftsync load` suites: the extract suites' fixture (localaws with the guide's
policies, SQL as the connector role, psql as the superuser, least privilege at the end) plus CSV writing
and table reading."""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "extract_cli"))
from extract_fixture import (BUCKET, DATABASE, WORKGROUP, ExtractCase, kill9, parse_csv)  # noqa: E402,F401

STAGING = f"s3://{BUCKET}/load-staging/"
STAGING_PREFIX = "load-staging/"


def csv_text(header, rows):
    """CSV as shiftsync reads it: None is an empty unquoted field (NULL), "" a quoted empty string."""
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for row in rows:
        fields = []
        for v in row:
            if v is None:
                fields.append("")
            else:
                s = str(v)
                if s == "" or any(c in s for c in ',"\r\n'):
                    s = '"' + s.replace('"', '""') + '"'
                fields.append(s)
        out.write(",".join(fields) + "\n")
    return out.getvalue()


class LoadCase(ExtractCase):
    def write_csv(self, name, header, rows):
        path = self.path("load", name)
        with open(path, "w", newline="") as f:
            f.write(csv_text(header, rows))
        return path

    def load(self, *args, **kwargs):
        return self.ss.run("load", "--workgroup", WORKGROUP, "--database", DATABASE, "--staging", STAGING, *args,
                           **kwargs)

    def load_ok(self, *args, **kwargs):
        r = self.load(*args, "--json", **kwargs)
        self.assert_ok(r)
        return r

    def table_rows(self, table, order_by="1"):
        """The table's rows as psql's CSV prints them (records of (value, quoted))."""
        return parse_csv(self.psql_copy(f"select * from {table} order by {order_by}"))[1:]

    def values(self, table, order_by="1"):
        """Rows as tuples, None for NULL."""
        return [tuple(None if (v == "" and not q) else v for v, q in rec) for rec in self.table_rows(table, order_by)]

    def load_staging_keys(self):
        out = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=STAGING_PREFIX)
        return [o["Key"] for o in out.get("Contents", [])]

    def assert_load_staging_empty(self):
        self.assertEqual(self.load_staging_keys(), [], "the load left objects in the staging prefix")

"""Redshift's VARBYTE (aliases VARBINARY, BINARY VARYING) through boto3, printed the way Redshift
prints it everywhere: lowercase hex without PostgreSQL's "\\x" prefix. GetStatementResult gives a
stringValue of hex (typeName "varbyte"), UNLOAD writes hex in text and CSV files, COPY reads that
hex back, and a value longer than VARBYTE(n) fails the statement."""
import unittest

from data_api_helpers import BUCKET, DataApiTestCase

ROWS = [(1, bytes([0x00, 0xFF, 0x10]), b"abc"), (2, None, bytes([0x4D])), (3, b"", bytes(range(256)))]


class VarbyteTest(DataApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for sql in ("create table blobs (id int4, b varbyte(4), c varbinary(300))",
                    "insert into blobs values " + ", ".join(
                        f"({i}, {cls.literal(b)}, {cls.literal(c)})" for i, b, c in ROWS)):
            d = cls.wait(cls.submit(sql))
            if d["Status"] != "FINISHED":
                raise RuntimeError(f"setup failed: {d.get('Error')}")

    @staticmethod
    def literal(value):
        return "null" if value is None else f"from_hex('{value.hex()}')"

    def test_result_is_lowercase_hex_in_string_value(self):
        meta, records = self.query("select b, c from blobs order by id")
        self.assertEqual([m["typeName"] for m in meta], ["varbyte", "varbyte"])
        expected = [[{"isNull": True} if v is None else {"stringValue": v.hex()} for v in (b, c)] for _, b, c in ROWS]
        self.assertEqual(records, expected)
        self.assertNotIn("blobValue", str(records))
        self.assertEqual(self.scalar("select 'abc'::varbyte"), "616263")
        self.assertEqual(self.scalar("select to_varbyte('4', 'hex')"), "04")

    def test_longer_than_declared_fails(self):
        error = self.run_failed("insert into blobs values (9, from_hex('0102030405'), null)")
        self.assertEqual(error, "ERROR: value too long for type binary varying(4)")
        self.assertEqual(self.scalar("select count(*) from blobs where id = 9"), 0)

    def unloaded(self, prefix):
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]
        self.assertEqual(len(keys), 1, keys)
        return self.s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read().decode()

    def test_unload_writes_hex_and_copy_reads_it_back(self):
        self.run_ok(f"UNLOAD ('select id, b, c from blobs order by id') TO 's3://{BUCKET}/varbyte/text_' "
                    "IAM_ROLE default PARALLEL OFF")
        self.assertEqual(self.unloaded("varbyte/text_"),
                         "".join(f"{i}|{'' if b is None else b.hex()}|{c.hex()}\n" for i, b, c in ROWS))
        self.run_ok(f"UNLOAD ('select id, b, c from blobs order by id') TO 's3://{BUCKET}/varbyte/csv_' "
                    "IAM_ROLE default CSV HEADER PARALLEL OFF")
        csv_text = self.unloaded("varbyte/csv_")
        self.assertEqual(csv_text.splitlines()[:3], ["id,b,c", "1,00ff10,616263", "2,,4d"])
        self.assertNotIn("\\x", csv_text)

        self.run_ok("create table blobs_back (like blobs)")
        self.run_ok(f"COPY blobs_back FROM 's3://{BUCKET}/varbyte/csv_' IAM_ROLE default CSV IGNOREHEADER 1")
        _, back = self.query("select id, b, c from blobs_back order by id")
        _, original = self.query("select id, b, c from blobs order by id")
        # The empty VARBYTE of row 3 loads as NULL: an empty field is NULL for COPY (as in Redshift).
        original[2][1] = {"isNull": True}
        self.assertEqual(back, original)


if __name__ == "__main__":
    unittest.main()

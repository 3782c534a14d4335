"""Exact values: a table with every type extract promises (NULLs in every column, quotes, commas, LF and
CRLF, tabs, backslashes, multi-byte UTF-8, empty strings, exact decimals, float round trips, SUPER,
VARBYTE), extracted by the Data API and by UNLOAD: byte-identical CSV and NDJSON, equal to what psql
prints for the same query (after the documented normalisation), in both formats and compressions."""
import gzip
import json
import os
import subprocess
import unittest

from extract_fixture import ExtractCase, normalised, parse_csv

COLUMNS = [  # name, DDL type, comparison kind
    ("id", "int", "text"), ("i2", "smallint", "text"), ("i8", "bigint", "text"), ("d", "numeric(38,10)", "text"),
    ("d2", "numeric(12,2)", "text"), ("r", "real", "float"), ("f", "double precision", "float"),
    ("b", "boolean", "bool"), ("c", "char(12)", "text"), ("v", "varchar(200)", "text"), ("dt", "date", "text"),
    ("tm", "time", "text"), ("ttz", "timetz", "text"), ("ts", "timestamp", "text"), ("tstz", "timestamptz", "text"),
    ("s", "super", "text"), ("vb", "varbyte(64)", "bytea"),
]

ROWS = [
    "(1, 1, 1, 1.5, 1.50, 1.1, 0.1, true, 'plain', 'plain', '2026-12-02', '13:45:00', '13:45:00+00', "
    "'2026-12-02 13:45:00', '2026-12-02 13:45:00+00', JSON_PARSE('{\"a\":[1,2,{\"b\":null}]}'), 'abc'::varbyte)",
    "(2, -32768, -9223372036854775808, -1234567890123456789012345678.0123456789, -9999999999.99, 3.4e38, "
    "1.7976931348623157e308, false, 'a,b', 'comma, \"quote\" and ''apostrophe''', '0001-01-01', '00:00:00.000001', "
    "'23:59:59.999999+05:30', '2000-02-29 23:59:59.999999', '1999-12-31 23:59:59.5+00', JSON_PARSE('\"just a string\"'), "
    "''::varbyte)",
    "(3, 32767, 9223372036854775807, 0.0000000001, 0.00, -1e-30, -2.5e-300, true, '', 'line one\nline two', "
    "'9999-12-31', '12:00:00.120000', '00:00:00-08', '1970-01-01 00:00:00', '1970-01-01 00:00:00.000001+00', "
    "JSON_PARSE('12.5'), 'hi'::varbyte)",
    "(4, 0, 0, 0, 0, 0, 0, false, 'tab\there', 'crlf\r\nend', '2024-02-29', '23:59:59', '12:34:56.5+00', "
    "'2024-02-29 12:00:00.1', '2024-02-29 12:00:00.12+00', JSON_PARSE('[]'), 'x'::varbyte)",
    "(5, 5, 5, 5, 5, 5, 5, true, 'back\\\\slash', 'back\\\\slash \\\\N and \\\\\\\\ twice', '2026-01-01', '01:02:03', "
    "'01:02:03+01', '2026-01-01 01:02:03', '2026-01-01 01:02:03+00', JSON_PARSE('{\"k\":\"v, q\"}'), 'yz'::varbyte)",
    "(6, 6, 6, 6, 6, 6, 6, true, 'uni', 'multi-byte: ünïcödé 日本語 🎉 and an empty next', '2026-01-01', '01:02:03', "
    "'01:02:03+01', '2026-01-01 01:02:03', '2026-01-01 01:02:03+00', JSON_PARSE('{\"ü\":\"日本\"}'), 'Z'::varbyte)",
    "(7, 7, 7, 7, 7, 7, 7, false, '\"', '', '2026-01-01', '01:02:03', '01:02:03+01', '2026-01-01 01:02:03', "
    "'2026-01-01 01:02:03+00', JSON_PARSE('null'), '!'::varbyte)",
    "(8" + ", NULL" * (len(COLUMNS) - 1) + ")",
]

QUERY = "select * from every_type order by id"
PSQL_QUERY = "select * from every_type order by id"


class ExtractValues(ExtractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sql("create table every_type (" + ", ".join(f"{n} {t}" for n, t, _ in COLUMNS) + ")")
        cls.sql("insert into every_type values " + ", ".join(ROWS))

    def both_paths(self, *args):
        """(data-api output, unload output) of `QUERY` written with `args` (a --to is added)."""
        outputs = []
        for via in ("data-api", "unload"):
            name = self.path(f"values/{via}-{abs(hash(args))}" + (args[0] if args and args[0].startswith(".") else ".csv"))
            rest = args[1:] if args and args[0].startswith(".") else args
            r = self.extract_ok("--sql", QUERY, "--to", name, "--via", via, *rest)
            self.assertEqual(r.json()["path"], via)
            self.assertEqual(r.json()["rows"], len(ROWS))
            outputs.append(self.read(name))
            self.assert_staging_empty()
        return outputs

    def test_csv_is_byte_identical_by_either_path_and_matches_psql(self):
        by_api, by_unload = self.both_paths()
        self.assertEqual(by_api, by_unload)
        kinds = [k for _, _, k in COLUMNS]
        ours = parse_csv(by_api.decode())
        theirs = parse_csv(self.psql_copy(PSQL_QUERY))
        self.assertEqual([v for v, _ in ours[0]], [n for n, _, _ in COLUMNS], "the header names every column")
        self.assertEqual(normalised(ours[1:], kinds), normalised(theirs[1:], kinds))
        # NULL is an empty unquoted field and an empty string is "": row 8 is all NULL after its id, row 7's v is "".
        self.assertIn(b'\n8' + b',' * (len(COLUMNS) - 1) + b'\n', by_api)
        self.assertIn(b',"",', by_api)
        self.assertIn(b'crlf\r\nend', by_api, "a CRLF inside a value stays as it was")

    def test_exact_digits_and_canonical_forms(self):
        text = self.both_paths()[0].decode()
        self.assertIn("-1234567890123456789012345678.0123456789", text)
        self.assertIn("0.0000000001", text)
        self.assertIn("-9999999999.99", text)
        self.assertIn(",0.00,", text, "a decimal keeps its scale's trailing zeros")
        self.assertIn("1.7976931348623157e+308", text)
        self.assertIn(",1.1,0.1,true,", text, "REAL prints as the float it is, booleans as true/false")
        self.assertIn("12:00:00.12,", text, "a time's fraction loses trailing zeros only")
        self.assertIn(",616263\n", text.replace("\r\n", "\n"), "VARBYTE is lowercase hex")

    def test_ndjson_is_identical_by_either_path_and_each_line_is_json(self):
        by_api, by_unload = self.both_paths(".ndjson")
        self.assertEqual(by_api, by_unload)
        lines = by_api.decode().splitlines()
        self.assertEqual(len(lines), len(ROWS))
        first = json.loads(lines[0])
        self.assertEqual(list(first), [n for n, _, _ in COLUMNS])
        self.assertEqual(first["s"], {"a": [1, 2, {"b": None}]}, "SUPER is embedded as JSON")
        self.assertIs(first["b"], True)
        second = json.loads(lines[1], parse_float=str, parse_int=str)
        self.assertEqual(second["d"], "-1234567890123456789012345678.0123456789", "decimals keep every digit")
        self.assertEqual(second["i8"], "-9223372036854775808")
        last = json.loads(lines[-1])
        self.assertTrue(all(last[n] is None for n, _, _ in COLUMNS[1:]))
        self.assertEqual(json.loads(lines[6])["v"], "", "an empty string is not null")

    def test_compressed_outputs_hold_the_same_bytes(self):
        plain = self.both_paths()[0]
        gz_api, gz_unload = self.both_paths(".csv.gz")
        self.assertEqual(gzip.decompress(gz_api), plain)
        self.assertEqual(gzip.decompress(gz_unload), plain)
        zst = self.path("values/out.csv.zst")
        self.extract_ok("--sql", QUERY, "--to", zst, "--via", "unload")
        p = subprocess.run(["zstd", "-dc", zst], capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, plain)

    def test_stdout_and_a_table_with_a_condition(self):
        r = self.extract("--table", "public.every_type", "--where", "id in (1, 2)", "--to", "-", "--via", "unload")
        self.assert_ok(r)
        records = parse_csv(r.stdout.decode())
        self.assertEqual(sorted(rec[0][0] for rec in records[1:]), ["1", "2"])
        self.assert_staging_empty()

    def test_empty_result_and_one_row(self):
        for where, expected_rows in (("id > 100", 0), ("id = 3", 1)):
            outputs = []
            for via in ("data-api", "unload"):
                out = self.path(f"values/small-{via}-{expected_rows}.csv")
                r = self.extract_ok("--table", "every_type", "--where", where, "--to", out, "--via", via)
                self.assertEqual(r.json()["rows"], expected_rows)
                outputs.append(self.read(out))
            self.assertEqual(outputs[0], outputs[1])
            self.assertEqual(len(parse_csv(outputs[0].decode())), 1 + expected_rows)
        self.assert_staging_empty()

    def test_auto_says_why_it_chose(self):
        r = self.extract_ok("--sql", QUERY, "--to", self.path("values/auto.csv"))
        self.assertEqual(r.json()["path"], "data-api")
        self.assertIn("EXPLAIN estimates", r.json()["auto"])


if __name__ == "__main__":
    unittest.main()

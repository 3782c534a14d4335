"""Redshift functions localaws provides on PostgreSQL, through boto3: JSON_PARSE turns a VARCHAR
parameter into a SUPER value, as loaders write them (insert ... values (JSON_PARSE(:p))), and reads
back as the same JSON; malformed JSON fails the statement with a clear error and inserts nothing."""
import json
import unittest

from data_api_helpers import DataApiTestCase

DOCUMENTS = [
    {"order": 1, "items": [{"sku": "a-1", "qty": 2, "price": 9.5}], "note": None, "gift": True},
    [1, 2.5, "three", None, False, {"deep": [[]]}],
    "zażółć 日本語 \"quoted\" \\ back\nslash",
    12345678901234567890,
    -0.125,
    True,
    None,
    {},
]


class JsonParseTest(DataApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.wait(cls.submit("create table events (id int4, payload super)"))
        if d["Status"] != "FINISHED":
            raise RuntimeError(f"setup failed: {d.get('Error')}")

    def test_parameters_parsed_into_super_read_back_as_the_same_json(self):
        for i, document in enumerate(DOCUMENTS):
            self.run_ok("insert into events values (:id, JSON_PARSE(:p))",
                        Parameters=[{"name": "id", "value": str(i)}, {"name": "p", "value": json.dumps(document)}])
        meta, records = self.query("select id, payload from events where id < 100 order by id")
        self.assertEqual(meta[1]["typeName"], "super")
        self.assertEqual([r[0]["longValue"] for r in records], list(range(len(DOCUMENTS))))
        for record, document in zip(records, DOCUMENTS):
            self.assertEqual(json.loads(record[1]["stringValue"]), document)

    def test_json_parse_in_expressions_and_any_case(self):
        self.assertEqual(json.loads(self.scalar("""select json_parse('{"k": [1, {"x": "y"}]}')""")),
                         {"k": [1, {"x": "y"}]})
        self.assertTrue(self.scalar("""select Json_Parse('[1,2]') = JSON_PARSE('[1, 2]')"""))
        self.assertIsNone(self.scalar("select json_parse(null)"))

    def test_malformed_json_fails_clearly_and_inserts_nothing(self):
        cases = {'{"a": nope}': 'Token "nope" is invalid.', '[1, 2': "The input string ended unexpectedly."}
        for text, detail in cases.items():
            error = self.run_failed("insert into events values (100, JSON_PARSE(:p))",
                                    Parameters=[{"name": "p", "value": text}])
            self.assertEqual(error, "ERROR: JSON parsing error: " + detail)
        self.assertEqual(self.scalar("select count(*) from events where id = 100"), 0)


if __name__ == "__main__":
    unittest.main()

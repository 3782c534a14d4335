"""VARCHAR(n) and CHAR(n) are counted in bytes, as Redshift counts them, through boto3: ten 3-byte
characters do not fit varchar(12) (30 bytes), on INSERT, after widening with ALTER TABLE, and in
COPY (load error 1204 in sys_load_error_detail); ColumnMetadata keeps the declared length; a table
made before localaws installed the check (an older data dir) gets it at the next start."""
import unittest

from data_api_helpers import (BUCKET, EXTERNAL_ID, NO_RETRIES, ROLE_ARN, DataApiTestCase,  # noqa: F401
                              LocalAWS)

TEN_3_BYTE = "日" * 10
TOO_LONG_12 = "ERROR: value too long for type character varying(12)"


class CharacterLengthsTest(DataApiTestCase):
    def test_ten_three_byte_characters_do_not_fit_varchar_12(self):
        self.run_ok("create table names (id int4, name varchar(12))")
        self.assertEqual(self.run_failed(f"insert into names values (1, '{TEN_3_BYTE}')"), TOO_LONG_12)
        self.assertEqual(self.run_failed("insert into names values (1, :v)", Parameters=[{"name": "v", "value": TEN_3_BYTE}]),
                         TOO_LONG_12)
        self.run_ok("insert into names values (2, '日本語日')")  # 12 bytes
        meta, _ = self.query("select name from names")
        self.assertEqual((meta[0]["typeName"], meta[0]["precision"]), ("varchar", 12))

        self.run_ok("alter table names alter column name type varchar(30)")
        self.run_ok(f"insert into names values (3, '{TEN_3_BYTE}')")
        self.assertEqual(self.run_failed("update names set name = name || 'x' where id = 3"),
                         "ERROR: value too long for type character varying(30)")
        self.assertEqual(self.scalar("select string_agg(id::text, ',' order by id) from names"), "2,3")

    def test_copy_reports_string_length_exceeds_ddl_length(self):
        self.run_ok("create table loaded_names (id int4, name varchar(12))")
        self.s3.put_object(Bucket=BUCKET, Key="bytes/names.csv", Body=f"1,ok\n2,{TEN_3_BYTE}\n".encode())
        error = self.run_failed(f"copy loaded_names from 's3://{BUCKET}/bytes/' iam_role default csv")
        self.assertIn("Load into table 'loaded_names' failed", error)
        _, records = self.query("select error_code, trim(column_name), trim(error_message) from sys_load_error_detail "
                                "where file_name like '%bytes/names.csv' order by start_time")
        self.assertEqual([next(iter(f.values())) for f in records[-1]], [1204, "name", "String length exceeds DDL length"])
        self.assertEqual(self.scalar("select count(*) from loaded_names"), 0)

class CheckInstalledAtStartTest(DataApiTestCase):
    """A localaws of its own: this test restarts it."""

    def test_a_table_from_before_gets_the_check_at_the_next_start(self):
        self.run_ok("create table older (name varchar(12))")
        self.superuser_sql("drop trigger localaws_byte_lengths on older")  # as a data dir from before this check
        self.run_ok(f"insert into older values ('{TEN_3_BYTE}')")
        self.aws.stop()
        restarted = LocalAWS(data_dir=self.aws.data_dir)
        self.addClassCleanup(restarted.stop)
        type(self).aws = restarted.start()
        session = self.aws.role_session(external_id=EXTERNAL_ID, role_arn=ROLE_ARN)
        type(self).rsd = session.client("redshift-data", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        self.assertEqual(self.run_failed(f"insert into older values ('{TEN_3_BYTE}')"), TOO_LONG_12)


if __name__ == "__main__":
    unittest.main()

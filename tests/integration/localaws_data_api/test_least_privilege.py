"""Least privilege, through boto3: the connector guide's policy allows exactly the calls the flow
needs; calls outside it, or an action taken out of it, fail with AccessDeniedException naming the
action; TEMP taken from the database role rss_admin makes temp-table staging fail with PostgreSQL's
permission error in DescribeStatement's Error."""
import copy
import unittest

from botocore.exceptions import ClientError

from data_api_helpers import DATABASE, WORKGROUP, DataApiTestCase, default_config

STATEMENT_ACTIONS = ("CancelStatement", "DescribeStatement", "DescribeTable", "ExecuteStatement",
                     "GetStatementResult", "ListDatabases", "ListSchemas", "ListTables")


def config_without(action):
    """localaws's default config with one action taken out of the connector role's policy."""
    config = copy.deepcopy(default_config())
    removed = 0
    for account in config["accounts"]:
        for role in account.get("roles", []):
            for policy in role.get("policies", []):
                for statement in policy["document"]["Statement"]:
                    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                    removed += actions.count(action)
                    statement["Action"] = [a for a in actions if a != action]
    assert removed == 1, f"{action} is in the default policy exactly once"
    return config


class PolicyTestCase(DataApiTestCase):
    def assert_denied(self, action, call):
        with self.assertRaises(ClientError) as caught:
            call()
        self.assertEqual(self.error_code(caught), "AccessDeniedException")
        self.assertIn("redshift-data:" + action, caught.exception.response["Error"]["Message"])

    def call_each_documented_action(self, skip=()):
        """One call of every action of the documented policy except `skip`; each must succeed."""
        calls = {
            "ListDatabases": lambda: self.rsd.list_databases(WorkgroupName=WORKGROUP, Database=DATABASE),
            "ListSchemas": lambda: self.rsd.list_schemas(WorkgroupName=WORKGROUP, Database=DATABASE),
            "ListTables": lambda: self.rsd.list_tables(WorkgroupName=WORKGROUP, Database=DATABASE, SchemaPattern="public"),
            "DescribeTable": lambda: self.rsd.describe_table(WorkgroupName=WORKGROUP, Database=DATABASE,
                                                            Schema="public", Table="policy_probe"),
        }
        self.run_ok("CREATE TABLE IF NOT EXISTS policy_probe (id int4)")
        self.assertEqual(self.scalar("SELECT count(*) FROM policy_probe"), 0)  # Execute/Describe/GetStatementResult
        sleeper = self.submit("select pg_sleep(30)")
        self.wait_until_running(sleeper, "select pg_sleep(30)")
        self.assertTrue(self.rsd.cancel_statement(Id=sleeper)["Status"])
        self.assertEqual(self.wait(sleeper)["Status"], "ABORTED")
        for action, call in calls.items():
            if action not in skip:
                call()


class DocumentedPolicyTest(PolicyTestCase):
    """The default setup: the guide's policy, nothing more."""

    def test_documented_actions_all_work(self):
        self.call_each_documented_action()

    def test_actions_outside_the_policy_are_denied(self):
        statement_id = self.run_ok("select 1")["Id"]
        self.assert_denied("BatchExecuteStatement", lambda: self.rsd.batch_execute_statement(
            WorkgroupName=WORKGROUP, Database=DATABASE, Sqls=["select 1", "select 2"]))
        self.assert_denied("GetStatementResultV2", lambda: self.rsd.get_statement_result_v2(Id=statement_id))
        self.assert_denied("ListStatements", lambda: self.rsd.list_statements())


class ListTablesTakenOutTest(PolicyTestCase):
    """The guide's policy minus redshift-data:ListTables: exactly ListTables fails."""

    @classmethod
    def config(cls):
        return config_without("redshift-data:ListTables")

    def test_only_list_tables_is_denied(self):
        self.assert_denied("ListTables", lambda: self.rsd.list_tables(
            WorkgroupName=WORKGROUP, Database=DATABASE, SchemaPattern="public"))
        self.call_each_documented_action(skip=("ListTables",))
        self.assert_denied("ListTables", lambda: self.rsd.list_tables(WorkgroupName=WORKGROUP, Database=DATABASE))


class TempTakenFromDatabaseRoleTest(DataApiTestCase):
    """REVOKE TEMP ON DATABASE dev FROM rss_admin. Neither the connector role (it owns nothing) nor any
    localaws API can do that, so it runs as the private cluster's superuser over its Unix socket, as
    a Redshift admin would in a superuser session; everything observed goes through boto3."""

    def test_temp_table_staging_needs_temp_on_the_database(self):
        self.run_ok("CREATE TABLE staged_target (id int4, v varchar(10))")  # starts PostgreSQL and the default setup
        self.superuser_sql("REVOKE TEMP ON DATABASE dev FROM rss_admin")
        error = self.run_failed("CREATE TEMP TABLE stage (LIKE staged_target)")
        self.assertEqual(error, 'ERROR: permission denied to create temporary tables in database "dev"')

        self.superuser_sql("GRANT TEMP ON DATABASE dev TO rss_admin")
        # The guide's staging pattern, in one session: the temp table survives between statements.
        session = self.rsd.execute_statement(WorkgroupName=WORKGROUP, Database=DATABASE, SessionKeepAliveSeconds=60,
                                             Sql="CREATE TEMP TABLE stage (LIKE staged_target)")
        self.assertEqual(self.wait(session["Id"])["Status"], "FINISHED")
        session_id = session["SessionId"]
        for sql in ("INSERT INTO stage VALUES (1, 'a'), (2, 'b')", "INSERT INTO staged_target SELECT * FROM stage"):
            d = self.wait(self.rsd.execute_statement(Sql=sql, SessionId=session_id)["Id"])
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
        self.assertEqual(self.scalar("SELECT count(*) FROM staged_target"), 2)


if __name__ == "__main__":
    unittest.main()

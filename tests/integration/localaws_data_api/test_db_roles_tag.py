"""The role's RedshiftDbRoles tag decides the database user's role memberships, both ways, through
boto3: a role the tag names is granted, a role it stops naming is revoked (its privileges are gone),
and a role an admin granted in SQL stays. localaws's STS takes no session tags, so the tag changes in
the config between two runs of localaws on the same data dir (PostgreSQL keeps its roles)."""
import copy
import unittest


from data_api_helpers import EXTERNAL_ID, NO_RETRIES, ROLE_ARN, DataApiTestCase, LocalAWS, default_config

CONNECTOR_USER = "IAMR:shiftsync-connector"
MEMBERSHIPS = (
    "select string_agg(r.rolname, ',' order by r.rolname) from pg_auth_members m "
    "join pg_roles r on r.oid = m.roleid "
    f"where m.member = (select oid from pg_roles where rolname = '{CONNECTOR_USER}')")


def config_with_db_roles(value):
    """localaws's default config with the connector role's RedshiftDbRoles tag set to `value`."""
    config = copy.deepcopy(default_config())
    tagged = 0
    for account in config["accounts"]:
        for role in account.get("roles", []):
            if role["name"] == "shiftsync-connector":
                role.setdefault("tags", {})["RedshiftDbRoles"] = value
                tagged += 1
    assert tagged == 1
    return config


class DbRolesTagTest(DataApiTestCase):
    """Starts with the default tag (rss_admin); each restart keeps the data dir and changes the tag."""

    @classmethod
    def restart_with_db_roles(cls, value):
        cls.aws.stop()  # SIGTERM: PostgreSQL stops too; the first server's cleanup removes the dir
        restarted = LocalAWS(data_dir=cls.aws.data_dir, config=config_with_db_roles(value))
        cls.addClassCleanup(restarted.stop)
        cls.aws = restarted.start()
        session = cls.aws.role_session(external_id=EXTERNAL_ID, role_arn=ROLE_ARN)
        cls.rsd = session.client("redshift-data", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    def test_dropping_a_role_from_the_tag_revokes_it_and_keeps_admin_grants(self):
        self.assertEqual(self.scalar(MEMBERSHIPS), "rss_admin")  # starts PostgreSQL, provisions the user
        self.superuser_sql(
            "create role reporting nologin; create role audit nologin;"
            "create table report_only (a int4); insert into report_only values (7); grant select on report_only to reporting;"
            "create table audit_only (a int4); grant select on audit_only to audit;"
            f'grant audit to "{CONNECTOR_USER}"')

        self.restart_with_db_roles("rss_admin:reporting")
        self.assertEqual(self.scalar(MEMBERSHIPS), "audit,reporting,rss_admin")
        self.assertEqual(self.scalar("select sum(a) from report_only"), 7)

        self.restart_with_db_roles("rss_admin")
        self.assertEqual(self.scalar(MEMBERSHIPS), "audit,rss_admin", "reporting revoked, the admin's audit kept")
        self.assertEqual(self.run_failed("select sum(a) from report_only"), "ERROR: permission denied for table report_only")
        self.assertEqual(self.scalar("select count(*) from audit_only"), 0)


if __name__ == "__main__":
    unittest.main()

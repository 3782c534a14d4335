// The cluster manager and identity provisioning against a real PostgreSQL 15.
#include <gtest/gtest.h>

#include <thread>

#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"
#include "tools/localaws/redshift/testing/test_cluster.hpp"
#include "tests/support/free_port.hpp"

namespace lr = localaws::redshift;
namespace pg = localaws::redshift::pg;

namespace {

std::string scalar(pg::connection& c, const std::string& sql, std::string* error = nullptr) {
    pg::command_status status;
    auto r = c.exec(sql, status);
    if (!status) {
        if (error) *error = status.message;
        return "<error: " + status.message + ">";
    }
    return PQntuples(r.get()) ? PQgetvalue(r.get(), 0, 0) : "<no rows>";
}

std::unique_ptr<pg::connection> open(pg::cluster& c, const std::string& db, const std::string& user = {}) {
    std::string error;
    auto conn = pg::connection::open(c.conninfo(db, user), error);
    EXPECT_TRUE(conn) << error;
    return conn;
}

}  // namespace

TEST(PgCluster, StartsConnectsStopsAndKeepsDataAcrossRestart) {
    lr::testing::test_cluster tc;
    ASSERT_EQ(tc.start(), "");
    {
        auto c = open(tc.get(), "postgres");
        ASSERT_TRUE(c);
        EXPECT_EQ(scalar(*c, "SHOW server_version_num").substr(0, 2), "15");
        EXPECT_EQ(scalar(*c, "SHOW fsync"), "off");
        EXPECT_EQ(scalar(*c, "SHOW listen_addresses"), "");
        EXPECT_EQ(scalar(*c, "SHOW TimeZone"), "UTC");
        ASSERT_EQ(c->run("CREATE TABLE kept(v text); INSERT INTO kept VALUES ('ünïcode')"), "");
    }
    ASSERT_EQ(tc.get().stop(), "");
    EXPECT_FALSE(tc.get().running());
    std::string error;
    EXPECT_FALSE(pg::connection::open(tc.get().conninfo("postgres"), error));
    ASSERT_EQ(tc.get().start(), "");  // second start reuses the cluster: no initdb
    auto c = open(tc.get(), "postgres");
    ASSERT_TRUE(c);
    EXPECT_EQ(scalar(*c, "SELECT v FROM kept"), "ünïcode");
}

// localaws killed with kill -9 leaves its postmaster running; the next start takes it over.
TEST(PgCluster, StartTakesOverAServerLeftRunning) {
    lr::testing::test_cluster holder;
    pg::cluster_options options;
    options.dir = holder.dir() / "left";
    pg::cluster first(options);
    ASSERT_EQ(first.start(), "");
    {
        auto c = open(first, "postgres");
        ASSERT_EQ(c->run("CREATE TABLE survived(a int)"), "");
    }
    pg::cluster second(options);  // as if the process holding `first` had died
    ASSERT_EQ(second.start(), "");
    auto c = open(second, "postgres");
    ASSERT_TRUE(c);
    EXPECT_EQ(scalar(*c, "SELECT count(*) FROM survived"), "0");
    c.reset();
    EXPECT_EQ(second.stop(), "");
}

TEST(PgCluster, ReportsAClearErrorWhenBinariesAreMissing) {
    lr::testing::test_cluster tc;
    pg::cluster_options options;
    options.dir = tc.dir() / "other";
    options.bin_dir = "/nonexistent/bin";
    pg::cluster broken(options);
    std::string error = broken.start();
    EXPECT_NE(error.find("initdb"), std::string::npos) << error;
}

class Identity : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        cluster_ = new lr::testing::test_cluster;
        ASSERT_EQ(cluster_->start(), "");
        provisioner_ = new lr::identity_provisioner(cluster_->get());
        ASSERT_EQ(provisioner_->ensure_default_setup(), "");
    }
    static void TearDownTestSuite() {
        delete provisioner_;
        delete cluster_;
    }
    static lr::testing::test_cluster* cluster_;
    static lr::identity_provisioner* provisioner_;
};
lr::testing::test_cluster* Identity::cluster_ = nullptr;
lr::identity_provisioner* Identity::provisioner_ = nullptr;

TEST(IdentityNames, MapsArnsToRedshiftUserNames) {
    EXPECT_EQ(lr::db_user_for_arn("arn:aws:sts::111122223333:assumed-role/shiftsync-connector/sess"),
              "IAMR:shiftsync-connector");
    EXPECT_EQ(lr::db_user_for_arn("arn:aws:iam::111122223333:role/path/to/loader"), "IAMR:loader");
    EXPECT_EQ(lr::db_user_for_arn("arn:aws:iam::568237466542:user/operator"), "IAM:operator");
    EXPECT_EQ(lr::db_user_for_arn("arn:aws:iam::568237466542:root"), "");
    EXPECT_EQ(lr::split_db_roles("rss_admin::reporting:"), (std::vector<std::string>{"rss_admin", "reporting"}));
}

TEST_F(Identity, TaggedRoleGrantsTempCreateAndTableWrites) {
    lr::db_identity who{"IAMR:shiftsync-connector", {"rss_admin", "no_such_role"}};
    ASSERT_EQ(provisioner_->ensure_user(who, "dev"), "");
    ASSERT_EQ(provisioner_->ensure_user(who, "dev"), "");  // cached, idempotent
    auto c = open(cluster_->get(), "dev", who.db_user);
    ASSERT_TRUE(c);
    EXPECT_EQ(scalar(*c, "SELECT current_user"), "IAMR:shiftsync-connector");
    EXPECT_EQ(c->run("CREATE TEMP TABLE stage(a int)"), "");
    EXPECT_EQ(c->run("CREATE TABLE public.target(a int); INSERT INTO target VALUES (1); ALTER TABLE target ADD COLUMN b int;"
                     "TRUNCATE target; DROP TABLE target"), "");
    EXPECT_EQ(c->run("CREATE SCHEMA loaders"), "");  // CREATE on the database
    // Another member of rss_admin may write (not ALTER) the tables this user creates.
    ASSERT_EQ(c->run("CREATE TABLE shared(a int)"), "");
    lr::db_identity other{"IAM:operator", {"rss_admin"}};
    ASSERT_EQ(provisioner_->ensure_user(other, "dev"), "");
    auto o = open(cluster_->get(), "dev", other.db_user);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->run("INSERT INTO shared VALUES (2); DELETE FROM shared; TRUNCATE shared"), "");
    EXPECT_NE(o->run("ALTER TABLE shared ADD COLUMN b int").find("must be owner"), std::string::npos);
}

TEST_F(Identity, WithoutTheRoleNothingIsGranted) {
    lr::db_identity who{"IAMR:untagged", {}};
    ASSERT_EQ(provisioner_->ensure_user(who, "dev"), "");
    auto c = open(cluster_->get(), "dev", who.db_user);
    ASSERT_TRUE(c);
    EXPECT_NE(c->run("CREATE TEMP TABLE t(a int)").find("permission denied"), std::string::npos);
    EXPECT_NE(c->run("CREATE TABLE public.t(a int)").find("permission denied"), std::string::npos);
}

TEST_F(Identity, RevokingTempFromTheRoleMakesTempTablesFail) {
    lr::db_identity who{"IAMR:revoked", {"rss_admin"}};
    ASSERT_EQ(provisioner_->ensure_user(who, "dev"), "");
    auto admin = open(cluster_->get(), "dev");
    ASSERT_EQ(admin->run("REVOKE TEMP ON DATABASE dev FROM rss_admin"), "");
    auto c = open(cluster_->get(), "dev", who.db_user);
    EXPECT_NE(c->run("CREATE TEMP TABLE t(a int)").find("permission denied to create temporary tables"),
              std::string::npos);
    ASSERT_EQ(admin->run("GRANT TEMP ON DATABASE dev TO rss_admin"), "");
}

// The RedshiftDbRoles tag changes between calls (session tags): memberships follow it both ways,
// also for a connection already open, while a role an admin granted in SQL stays.
TEST_F(Identity, TagChangesGrantAndRevokeButKeepAdminGrants) {
    auto admin = open(cluster_->get(), "dev");
    ASSERT_EQ(admin->run("CREATE ROLE reporting NOLOGIN; CREATE ROLE audit NOLOGIN;"
                         "CREATE TABLE report_only(a int); GRANT SELECT ON report_only TO reporting;"
                         "CREATE TABLE audit_only(a int); GRANT SELECT ON audit_only TO audit"),
              "");
    const std::string user = "IAMR:tag-changes";
    ASSERT_EQ(provisioner_->ensure_user({user, {"rss_admin", "reporting"}}, "dev"), "");
    ASSERT_EQ(admin->run("GRANT audit TO \"IAMR:tag-changes\""), "");  // an admin's own grant
    auto c = open(cluster_->get(), "dev", user);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->run("SELECT * FROM report_only"), "");
    const std::string memberships =
        "SELECT string_agg(r.rolname, ',' ORDER BY r.rolname) FROM pg_auth_members m JOIN pg_roles r "
        "ON r.oid = m.roleid WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = 'IAMR:tag-changes')";
    EXPECT_EQ(scalar(*admin, memberships), "audit,reporting,rss_admin");

    ASSERT_EQ(provisioner_->ensure_user({user, {"rss_admin"}}, "dev"), "");  // the tag dropped reporting
    EXPECT_EQ(scalar(*admin, memberships), "audit,rss_admin");
    EXPECT_EQ(c->run("SELECT * FROM report_only"), "permission denied for table report_only");
    EXPECT_EQ(c->run("SELECT * FROM audit_only"), "");

    ASSERT_EQ(provisioner_->ensure_user({user, {"reporting", "rss_admin"}}, "dev"), "");  // and names it again
    EXPECT_EQ(c->run("SELECT * FROM report_only"), "");
    ASSERT_EQ(provisioner_->ensure_user({user, {}}, "dev"), "");
    EXPECT_EQ(scalar(*admin, memberships), "audit");

    ASSERT_EQ(provisioner_->ensure_user({user, {"postgres", lr::tag_grantor_role}}, "dev"), "");
    EXPECT_EQ(scalar(*admin, memberships), "audit") << "superuser and bookkeeping roles are never granted";
}

TEST_F(Identity, ExternalConninfoManagesNothingAndConnects) {
    pg::cluster_options options;
    options.external_conninfo = "host=" + pg::conninfo_quote(cluster_->get().socket_dir().string());
    pg::cluster external(options);
    ASSERT_EQ(external.start(), "");
    std::string error;
    auto c = pg::connection::open(external.conninfo("dev"), error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(scalar(*c, "SELECT current_database()"), "dev");
    ASSERT_EQ(external.stop(), "");
    EXPECT_TRUE(pg::connection::open(cluster_->get().conninfo("dev"), error)) << "the server it did not start still runs";
}

TEST_F(Identity, PasswordIsRealAndExpires) {
    lr::db_identity who{"IAMR:direct", {"rss_admin"}};
    auto now = std::chrono::system_clock::now();
    ASSERT_EQ(provisioner_->set_password(who, "dev", "s3cret-pa'ss", now + std::chrono::hours(1)), "");
    auto admin = open(cluster_->get(), "postgres");
    std::string stored = scalar(*admin, "SELECT rolpassword FROM pg_authid WHERE rolname = 'IAMR:direct'");
    EXPECT_EQ(stored.rfind("SCRAM-SHA-256$", 0), 0u) << "stored hashed";
    std::string until = scalar(*admin, "SELECT rolvaliduntil > now() + interval '50 minutes' FROM pg_authid "
                                       "WHERE rolname = 'IAMR:direct'");
    EXPECT_EQ(until, "t");
    ASSERT_EQ(provisioner_->set_password(who, "dev", "other", now - std::chrono::hours(1)), "");
    EXPECT_EQ(scalar(*admin, "SELECT rolvaliduntil < now() FROM pg_authid WHERE rolname = 'IAMR:direct'"), "t");
}

// GetCredentials' password is real: over the optional loopback TCP listener (the "VPC endpoint"
// path) PostgreSQL checks it with SCRAM, and refuses it once VALID UNTIL has passed.
TEST(PgCluster, PasswordLoginOverTcpUntilExpiry) {
    lr::testing::test_cluster holder;  // only for its temporary directory
    pg::cluster_options options;
    options.dir = holder.dir() / "tcp";
    options.tcp_port = shiftsync::testing::free_loopback_port();
    pg::cluster cluster(options);
    ASSERT_EQ(cluster.start(), "");
    lr::identity_provisioner identities(cluster);
    ASSERT_EQ(identities.ensure_default_setup(), "");
    lr::db_identity who{"IAMR:shiftsync-connector", {"rss_admin"}};
    auto now = std::chrono::system_clock::now();
    ASSERT_EQ(identities.set_password(who, "dev", "pw-1", now + std::chrono::minutes(15)), "");
    const std::string base = "host=127.0.0.1 port=" + std::to_string(options.tcp_port) +
                             " dbname=dev user='IAMR:shiftsync-connector' password=";
    std::string error;
    auto c = pg::connection::open(base + "pw-1", error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(scalar(*c, "SELECT current_user"), "IAMR:shiftsync-connector");
    EXPECT_FALSE(pg::connection::open(base + "wrong", error));
    EXPECT_NE(error.find("password authentication failed"), std::string::npos) << error;
    EXPECT_EQ(error.find("wrong"), std::string::npos) << "no secret in the message";
    ASSERT_EQ(identities.set_password(who, "dev", "pw-2", now - std::chrono::seconds(1)), "");
    EXPECT_FALSE(pg::connection::open(base + "pw-2", error)) << "expired";
    ASSERT_EQ(cluster.stop(), "");
}

// The workgroup endpoint at the cluster's level: TLS only, only users set_password() issued a
// password to, and VALID UNTIL moved by set_valid_until() (localaws's clock offset moving).
TEST(PgCluster, TlsEndpointForIssuedUsersWithMovableExpiry) {
    lr::testing::test_cluster holder;  // only for its temporary directory
    pg::cluster_options options;
    options.dir = holder.dir() / "tls";
    options.tcp_port = shiftsync::testing::free_loopback_port();
    options.tls = true;
    pg::cluster cluster(options);
    ASSERT_EQ(cluster.start(), "");
    lr::identity_provisioner identities(cluster);
    ASSERT_EQ(identities.ensure_default_setup(), "");
    const std::string user = "IAMR:endpoint-user";
    auto now = std::chrono::system_clock::now();
    ASSERT_EQ(identities.set_password({user, {"rss_admin"}}, "dev", "pw-tls", now + std::chrono::minutes(15)), "");
    auto info = [&](const std::string& who, const std::string& sslmode, const std::string& password) {
        return "host=127.0.0.1 port=" + std::to_string(options.tcp_port) + " dbname=dev user=" +
               pg::conninfo_quote(who) + " sslmode=" + sslmode + " sslrootcert=" +
               pg::conninfo_quote(cluster.ca_file().string()) + " password=" + pg::conninfo_quote(password);
    };
    std::string error;
    auto c = pg::connection::open(info(user, "verify-full", "pw-tls"), error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(scalar(*c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), "t");
    c.reset();
    EXPECT_FALSE(pg::connection::open(info(user, "disable", "pw-tls"), error));
    EXPECT_NE(error.find("no encryption"), std::string::npos) << error;

    ASSERT_EQ(identities.set_valid_until(user, now - std::chrono::seconds(1)), "");
    EXPECT_FALSE(pg::connection::open(info(user, "verify-full", "pw-tls"), error)) << "expired";
    ASSERT_EQ(identities.set_valid_until(user, now + std::chrono::hours(1)), "");
    EXPECT_TRUE(pg::connection::open(info(user, "verify-full", "pw-tls"), error)) << error;
    EXPECT_EQ(identities.set_valid_until("IAMR:dropped-since", now), "") << "a missing role is no error";

    auto admin = open(cluster, "postgres");
    ASSERT_EQ(admin->run("CREATE ROLE by_hand LOGIN PASSWORD 'by-hand'"), "");
    EXPECT_FALSE(pg::connection::open(info("by_hand", "verify-full", "by-hand"), error));
    EXPECT_NE(error.find("no pg_hba.conf entry"), std::string::npos) << error;
    admin.reset();
    ASSERT_EQ(cluster.stop(), "");
}

// Cancels that used to be lost, against a real PostgreSQL 15. PostgreSQL drops a cancel request that
// reaches a backend still waiting for its next query, so a CancelStatement between STARTED and the
// query's arrival did nothing and the statement ran to completion. These tests put the cancel in
// that window on purpose, every time, and check both the status and that the SQL had no effect.
#include <atomic>

#include "tests/integration/localaws_postgres/data_api_fixture.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

using namespace test_support;
namespace pg = localaws::redshift::pg;

namespace {

constexpr const char* sleep_then_insert = "SELECT pg_sleep(0.5); INSERT INTO cancel_effects VALUES (1)";

std::unique_ptr<pg::connection> superuser() {
    std::string error;
    auto c = pg::connection::open(cluster_environment::cluster->get().conninfo("dev"), error);
    EXPECT_TRUE(c) << error;
    return c;
}

std::string rows_in_cancel_effects() {
    auto c = superuser();
    pg::command_status status;
    auto r = c->exec("SELECT count(*) FROM cancel_effects", status);
    return status ? PQgetvalue(r.get(), 0, 0) : status.message;
}

class StatementCancel : public ::testing::Test {
protected:
    void SetUp() override {
        auto c = superuser();
        ASSERT_EQ(c->run("DROP TABLE IF EXISTS cancel_effects; CREATE TABLE cancel_effects (a int);"
                         "GRANT ALL ON cancel_effects TO PUBLIC"),
                  "");
    }
};

}  // namespace

// The cancel request a CancelStatement sends while the backend is idle is dropped by PostgreSQL;
// the worker notices the statement is cancelled only after it sent the query (here: not at the
// checks right before and right after sending), and must cancel the query itself.
TEST_F(StatementCancel, RunSqlCancelsAQueryWhoseFirstCancelWasLost) {
    auto conn = superuser();
    ASSERT_TRUE(conn);
    for (int attempt = 0; attempt < 5; ++attempt) {
        int probes = 0;
        da::cancel_probe cancelled = [&] {
            if (++probes == 1) {  // before sending: the backend is idle, this cancel is lost
                char ignored[256];
                PGcancel* lost = PQgetCancel(conn->native());
                PQcancel(lost, ignored, sizeof ignored);
                PQfreeCancel(lost);
            }
            return probes > 2;  // seen only while waiting for the result
        };
        auto out = da::run_sql(*conn, sleep_then_insert, {}, 1 << 20, cancelled);
        EXPECT_FALSE(out.status.ok);
        EXPECT_EQ(out.status.sqlstate, "57014") << out.status.message;
        EXPECT_GT(probes, 2);
    }
    EXPECT_EQ(rows_in_cancel_effects(), "0");
}

TEST_F(StatementCancel, RunSqlSendsNothingOnceCancelled) {
    auto conn = superuser();
    ASSERT_TRUE(conn);
    auto out = da::run_sql(*conn, "INSERT INTO cancel_effects VALUES (1)", {}, 1 << 20, [] { return true; });
    EXPECT_EQ(out.status.sqlstate, "57014");
    EXPECT_EQ(da::run_sql(*conn, "SELECT 1", {}, 1 << 20).status.ok, true) << "the connection stays usable";
    EXPECT_EQ(rows_in_cancel_effects(), "0");
}

// Through the engine: the test hook holds each statement after STARTED until it is cancelled, so
// CancelStatement's own cancel request always reaches an idle backend.
TEST_F(StatementCancel, CancelBetweenStartedAndSendAbortsWithoutEffect) {
    da::engine_options options;
    options.workers = 2;
    options.hold_after_started = [] { return std::chrono::milliseconds(30'000); };
    da::statement_engine engine(cluster_environment::cluster->get(), *cluster_environment::identities, options);
    for (bool batch : {false, true}) {
        auto in = sql_input(sleep_then_insert);
        if (batch) in.sqls = {"INSERT INTO cancel_effects VALUES (2)", sleep_then_insert};
        auto out = batch ? engine.batch_execute_statement(connector(), in) : engine.execute_statement(connector(), in);
        ASSERT_TRUE(out) << out.error().message;
        const std::string id(out.value().at("Id").as_string());
        while (engine.describe_statement(connector(), id).value().at("Status") != "STARTED")
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ASSERT_TRUE(engine.cancel_statement(connector(), id));
        auto d = wait_final(engine, connector(), id);
        EXPECT_EQ(status_of(d), "ABORTED") << (batch ? "batch: " : "") << error_of(d);
        EXPECT_EQ(rows_in_cancel_effects(), "0");
    }
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new cluster_environment);
    return RUN_ALL_TESTS();
}

// The Data API statement engine against a real PostgreSQL 15: statuses, typed results and paging,
// parameters, batches, sessions, idempotency, cancellation, limits, catalog operations.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/integration/localaws_postgres/data_api_fixture.hpp"
#include "tools/localaws/data_api/json_dispatch.hpp"

using namespace test_support;

namespace {

class DataApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        engine_ = new da::statement_engine(cluster_environment::cluster->get(), *cluster_environment::identities);
    }
    static void TearDownTestSuite() { delete engine_; }
    static da::statement_engine* engine_;
    da::statement_engine& engine() { return *engine_; }
};
da::statement_engine* DataApi::engine_ = nullptr;

}  // namespace

TEST_F(DataApi, SelectGoesThroughTheStatusesAndDescribesItself) {
    auto d = run(engine(), "SELECT 1 AS one, 'x'::varchar(10) AS letter");
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    EXPECT_EQ(d.at("HasResultSet").as_bool(), true);
    EXPECT_EQ(d.at("ResultRows").as_int64(), 1);
    EXPECT_GT(d.at("ResultSize").as_int64(), 0);
    EXPECT_GT(d.at("Duration").as_int64(), 0);
    EXPECT_GE(d.at("UpdatedAt").as_double(), d.at("CreatedAt").as_double());
    EXPECT_EQ(d.at("DbUser").as_string(), "IAMR:shiftsync-connector");
    EXPECT_EQ(d.at("QueryString").as_string(), "SELECT 1 AS one, 'x'::varchar(10) AS letter");
    EXPECT_GT(d.at("RedshiftQueryId").as_int64(), 0);
    auto r = engine().get_statement_result(connector(), std::string(d.at("Id").as_string()), std::nullopt);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(json::serialize(r.value().at("Records")), R"([[{"longValue":1},{"stringValue":"x"}]])");
    auto meta = r.value().at("ColumnMetadata").as_array();
    EXPECT_EQ(meta[0].at("typeName"), "int4");
    EXPECT_EQ(meta[1].at("typeName"), "varchar");
    EXPECT_EQ(meta[1].at("precision"), 10);
    EXPECT_EQ(r.value().at("TotalNumRows"), 1);
    EXPECT_FALSE(r.value().contains("NextToken"));
}

// The page's text as sent, from PostgreSQL's own output: doubles that read back exactly (17 digits,
// subnormal, largest), NaN and Infinity as strings, escapes, UTF-8 of 2 to 4 bytes, NULL, VARBYTE.
TEST_F(DataApi, PageTextIsExactAndEscaped) {
    auto d = run(engine(), R"(SELECT 0.1::float8 + 0.2::float8 AS d, 'NaN'::float8 AS nan, '-Infinity'::float4 AS inf,
        E'tab\tquote"back\\slash\x01' AS s, 'zürich-東京-😀' AS u, 1.7976931348623157e308::float8 AS big,
        5e-324::float8 AS tiny, 0.1::float4 AS f4, NULL::int AS n, true AS b, decode('00ff', 'hex') AS v)");
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    auto body = engine().get_statement_result_body(connector(), std::string(d.at("Id").as_string()), std::nullopt);
    ASSERT_TRUE(body) << body.error().message;
    const std::string records =
        R"({"Records":[[{"doubleValue":3.0000000000000004E-1},{"stringValue":"NaN"},{"stringValue":"-Infinity"},)"
        R"({"stringValue":"tab\tquote\"back\\slash\u0001"},{"stringValue":"zürich-東京-😀"},)"
        R"({"doubleValue":1.7976931348623157E308},{"doubleValue":5E-324},{"doubleValue":1E-1},{"isNull":true},)"
        R"({"booleanValue":true},{"stringValue":"00ff"}]],"ColumnMetadata":[)";
    EXPECT_EQ(body.value().substr(0, records.size()), records);
    EXPECT_TRUE(body.value().ends_with(R"(,"TotalNumRows":1})")) << body.value();
}

TEST_F(DataApi, DdlAndDmlReportAffectedRowsWithoutAResultSet) {
    ASSERT_EQ(status_of(run(engine(), "CREATE TABLE dml_rows(a int)")), "FINISHED");
    auto d = run(engine(), "INSERT INTO dml_rows SELECT generate_series(1, 42)");
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    EXPECT_FALSE(d.at("HasResultSet").as_bool());
    EXPECT_EQ(d.at("ResultRows").as_int64(), 42);
    auto r = engine().get_statement_result(connector(), std::string(d.at("Id").as_string()), std::nullopt);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "ValidationException");
}

TEST_F(DataApi, PagesThroughAQuarterMillionTypedRows) {
    const char* create = R"(CREATE TABLE typed AS SELECT i,
        CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 30000)::int2 END AS c_int2,
        (i * 3)::int4 AS c_int4, (i::int8 * 1000000007) AS c_int8,
        (i / 1000.0)::numeric(12,3) AS c_numeric, (i / 4.0)::float4 AS c_float4, (i / 8.0)::float8 AS c_float8,
        (i % 2 = 0) AS c_bool, 'ab'::char(4) AS c_char, ('zürich-東京-' || i)::varchar(40) AS c_varchar,
        (date '2020-01-01' + (i % 1000)) AS c_date,
        (timestamp '2020-01-01 00:00:00' + i * interval '1 second') AS c_timestamp,
        (timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute') AS c_timestamptz,
        (time '00:00:00' + (i % 86400) * interval '1 second') AS c_time
      FROM generate_series(1, 250000) AS i)";
    ASSERT_EQ(status_of(run(engine(), create)), "FINISHED");
    auto d = run(engine(), "SELECT * FROM typed ORDER BY i");
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    ASSERT_EQ(d.at("ResultRows").as_int64(), 250000);
    const std::string id(d.at("Id").as_string());
    std::optional<std::string> token;
    std::int64_t i = 0;
    int pages = 0;
    do {
        auto page = engine().get_statement_result(connector(), id, token);
        ASSERT_TRUE(page) << page.error().message;
        ++pages;
        const auto& o = page.value();
        ASSERT_EQ(o.at("TotalNumRows").as_int64(), 250000);
        if (pages == 1) {
            std::vector<std::string> types;
            for (const auto& c : o.at("ColumnMetadata").as_array()) types.emplace_back(c.at("typeName").as_string());
            EXPECT_EQ(types, (std::vector<std::string>{"int4", "int2", "int4", "int8", "numeric", "float4", "float8",
                                                       "bool", "bpchar", "varchar", "date", "timestamp", "timestamptz",
                                                       "time"}));
            const auto& num = o.at("ColumnMetadata").as_array()[4].as_object();
            EXPECT_EQ(num.at("precision"), 12);
            EXPECT_EQ(num.at("scale"), 3);
            EXPECT_EQ(num.at("tableName"), "typed");
            EXPECT_EQ(num.at("schemaName"), "public");
        }
        for (const auto& rec : o.at("Records").as_array()) {
            ++i;
            const auto& f = rec.as_array();
            ASSERT_EQ(f[0].at("longValue").as_int64(), i);
            if (i % 7 == 0)
                ASSERT_TRUE(f[1].at("isNull").as_bool());
            else
                ASSERT_EQ(f[1].at("longValue").as_int64(), i % 30000);
            ASSERT_EQ(f[2].at("longValue").as_int64(), i * 3);
            ASSERT_EQ(f[3].at("longValue").as_int64(), i * 1000000007LL);
            char num[32];
            std::snprintf(num, sizeof num, "%lld.%03lld", static_cast<long long>(i / 1000), static_cast<long long>(i % 1000));
            ASSERT_EQ(f[4].at("stringValue").as_string(), num);
            ASSERT_EQ(f[5].at("doubleValue").as_double(), static_cast<double>(static_cast<float>(i / 4.0)));
            ASSERT_EQ(f[6].at("doubleValue").as_double(), i / 8.0);
            ASSERT_EQ(f[7].at("booleanValue").as_bool(), i % 2 == 0);
            ASSERT_EQ(f[8].at("stringValue").as_string(), "ab  ");
            ASSERT_EQ(f[9].at("stringValue").as_string(), "zürich-東京-" + std::to_string(i));
            if (i == 1) {
                ASSERT_EQ(f[10].at("stringValue").as_string(), "2020-01-02");
                ASSERT_EQ(f[11].at("stringValue").as_string(), "2020-01-01 00:00:01");
                ASSERT_EQ(f[12].at("stringValue").as_string(), "2020-01-01 00:01:00+00");
                ASSERT_EQ(f[13].at("stringValue").as_string(), "00:00:01");
            }
            if (i == 250000) {
                ASSERT_EQ(f[10].at("stringValue").as_string(), "2020-01-01");
                ASSERT_EQ(f[11].at("stringValue").as_string(), "2020-01-03 21:26:40");
                ASSERT_EQ(f[12].at("stringValue").as_string(), "2020-06-22 14:40:00+00");
                ASSERT_EQ(f[13].at("stringValue").as_string(), "21:26:40");
            }
        }
        token.reset();
        if (auto* next = o.if_contains("NextToken")) token = std::string(next->as_string());
    } while (token);
    EXPECT_EQ(i, 250000);
    EXPECT_GT(pages, 5);
    std::printf("paged 250000 rows in %d pages\n", pages);
}

TEST_F(DataApi, NamedParametersBindAsText) {
    auto in = sql_input("SELECT :a::int + 1 AS n, :b AS s, ':not_a_param' AS lit, 1::int AS c");
    in.parameters = {{"a", "41"}, {"b", "hé"}};
    auto out = engine().execute_statement(connector(), in);
    ASSERT_TRUE(out);
    auto d = wait_final(engine(), connector(), std::string(out.value().at("Id").as_string()));
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    EXPECT_EQ(d.at("QueryParameters").as_array().size(), 2u);
    auto r = engine().get_statement_result(connector(), std::string(d.at("Id").as_string()), std::nullopt);
    EXPECT_EQ(json::serialize(r.value().at("Records")),
              R"([[{"longValue":42},{"stringValue":"hé"},{"stringValue":":not_a_param"},{"longValue":1}]])");
    in.parameters = {{"a", "1"}};
    auto missing = engine().execute_statement(connector(), in);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "ValidationException");
}

TEST_F(DataApi, BatchIsOneTransaction) {
    ASSERT_EQ(status_of(run(engine(), "CREATE TABLE batch_t(a int primary key)")), "FINISHED");
    da::execute_input ok = sql_input("");
    ok.sqls = {"INSERT INTO batch_t VALUES (1)", "INSERT INTO batch_t VALUES (2)", "SELECT count(*) FROM batch_t"};
    auto out = engine().batch_execute_statement(connector(), ok);
    ASSERT_TRUE(out);
    const std::string id(out.value().at("Id").as_string());
    auto d = wait_final(engine(), connector(), id);
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    ASSERT_EQ(d.at("SubStatements").as_array().size(), 3u);
    EXPECT_EQ(d.at("SubStatements").as_array()[2].at("Id").as_string(), id + ":3");
    auto r = engine().get_statement_result(connector(), id + ":3", std::nullopt);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(json::serialize(r.value().at("Records")), R"([[{"longValue":2}]])");

    da::execute_input bad = sql_input("");
    bad.sqls = {"INSERT INTO batch_t VALUES (3)", "INSERT INTO batch_t VALUES (1)", "INSERT INTO batch_t VALUES (4)"};
    bad.parameters = {{"unused_by_some", "1"}};
    EXPECT_FALSE(engine().batch_execute_statement(connector(), bad)) << "a parameter no statement uses";
    bad.parameters.clear();
    auto failed = engine().batch_execute_statement(connector(), bad);
    auto fd = wait_final(engine(), connector(), std::string(failed.value().at("Id").as_string()));
    EXPECT_EQ(status_of(fd), "FAILED");
    EXPECT_NE(error_of(fd).find("duplicate key"), std::string::npos) << error_of(fd);
    const auto& subs = fd.at("SubStatements").as_array();
    EXPECT_EQ(subs[0].at("Status"), "FINISHED");
    EXPECT_EQ(subs[1].at("Status"), "FAILED");
    EXPECT_EQ(subs[2].at("Status"), "ABORTED");
    auto count = run(engine(), "SELECT count(*) FROM batch_t");
    auto rows = engine().get_statement_result(connector(), std::string(count.at("Id").as_string()), std::nullopt);
    EXPECT_EQ(json::serialize(rows.value().at("Records")), R"([[{"longValue":2}]])") << "rolled back";
}

TEST_F(DataApi, SessionKeepsTempTablesAndExpires) {
    auto first = sql_input("CREATE TEMP TABLE staged(a int); INSERT INTO staged VALUES (7)");
    first.session_keep_alive_seconds = 1;
    auto out = engine().execute_statement(connector(), first);
    ASSERT_TRUE(out);
    const std::string session(out.value().at("SessionId").as_string());
    ASSERT_EQ(status_of(wait_final(engine(), connector(), std::string(out.value().at("Id").as_string()))), "FINISHED");
    da::execute_input next;
    next.sqls = {"SELECT a FROM staged"};
    next.session_id = session;
    auto second = engine().execute_statement(connector(), next);
    ASSERT_TRUE(second) << second.error().message;
    auto d = wait_final(engine(), connector(), std::string(second.value().at("Id").as_string()));
    ASSERT_EQ(status_of(d), "FINISHED") << error_of(d);
    EXPECT_EQ(d.at("SessionId").as_string(), session);
    // Without the session the temp table is not there (pooled connections are DISCARDed).
    auto outside = run(engine(), "SELECT a FROM staged");
    EXPECT_EQ(status_of(outside), "FAILED");
    EXPECT_NE(error_of(outside).find("does not exist"), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto expired = engine().execute_statement(connector(), next);
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, "ResourceNotFoundException");
}

TEST_F(DataApi, ClientTokenMakesExecuteIdempotent) {
    auto in = sql_input("SELECT 1");
    in.client_token = "token-1";
    auto a = engine().execute_statement(connector(), in);
    auto b = engine().execute_statement(connector(), in);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a.value().at("Id"), b.value().at("Id"));
}

TEST_F(DataApi, CancelAbortsARunningStatement) {
    auto out = engine().execute_statement(connector(), sql_input("SELECT pg_sleep(60)"));
    ASSERT_TRUE(out);
    const std::string id(out.value().at("Id").as_string());
    for (;;) {
        auto d = engine().describe_statement(connector(), id);
        if (d.value().at("Status") == "STARTED") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let pg_sleep begin
    auto c = engine().cancel_statement(connector(), id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().at("Status"), true);
    auto d = wait_final(engine(), connector(), id);
    EXPECT_EQ(status_of(d), "ABORTED") << error_of(d);
    EXPECT_LT(d.at("Duration").as_int64(), 30'000'000'000LL);
    auto again = engine().cancel_statement(connector(), id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, "ValidationException");
}

TEST_F(DataApi, ErrorsAreAwsShaped) {
    auto d = run(engine(), "SELECT * FROM no_such_table");
    EXPECT_EQ(status_of(d), "FAILED");
    EXPECT_EQ(error_of(d), "ERROR: relation \"no_such_table\" does not exist");
    auto missing = engine().describe_statement(connector(), "00000000-0000-4000-8000-000000000000");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "ResourceNotFoundException");
    EXPECT_EQ(engine().describe_statement(connector(), "not-a-uuid").error().code, "ValidationException");
    auto other_user = engine().describe_statement(
        {"arn:aws:iam::1:user/x", {"IAM:x", {}}}, std::string(d.at("Id").as_string()));
    EXPECT_FALSE(other_user) << "statements are private to their database user";
    auto no_db = sql_input("SELECT 1");
    no_db.database = "nope";
    auto ndb = engine().execute_statement(connector(), no_db);
    ASSERT_TRUE(ndb);
    auto nd = wait_final(engine(), connector(), std::string(ndb.value().at("Id").as_string()));
    EXPECT_EQ(status_of(nd), "FAILED");
    EXPECT_EQ(error_of(nd), "FATAL: database \"nope\" does not exist");
    auto in = sql_input("SELECT 1");
    in.workgroup_name = "nope";
    auto wg = engine().execute_statement(connector(), in);
    ASSERT_FALSE(wg);
    EXPECT_EQ(wg.error().code, "ResourceNotFoundException");
    auto big = engine().execute_statement(connector(), sql_input("SELECT '" + std::string(100 * 1024, 'x') + "'"));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, "ValidationException");
    auto dispatched = da::dispatch(engine(), "ExecuteStatement", connector(), json::parse(R"({"Sql": 5})").as_object());
    ASSERT_FALSE(dispatched);
    EXPECT_EQ(dispatched.error().code, "ValidationException");
    auto unknown = da::dispatch(engine(), "Nope", connector(), {});
    EXPECT_EQ(unknown.error().code, "UnknownOperationException");
}

TEST_F(DataApi, ActiveStatementLimitAndResultSizeLimit) {
    da::engine_options options;
    options.max_active_statements_per_workgroup = 2;
    options.max_result_bytes = 1000;
    options.workers = 2;
    da::statement_engine small(cluster_environment::cluster->get(), *cluster_environment::identities, options);
    auto a = small.execute_statement(connector(), sql_input("SELECT pg_sleep(30)"));
    auto b = small.execute_statement(connector(), sql_input("SELECT pg_sleep(30)"));
    ASSERT_TRUE(a && b);
    auto c = small.execute_statement(connector(), sql_input("SELECT 1"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "ActiveStatementsExceededException");
    small.cancel_statement(connector(), std::string(a.value().at("Id").as_string()));
    small.cancel_statement(connector(), std::string(b.value().at("Id").as_string()));
    wait_final(small, connector(), std::string(a.value().at("Id").as_string()));
    wait_final(small, connector(), std::string(b.value().at("Id").as_string()));
    auto d = run(small, "SELECT repeat('x', 100) FROM generate_series(1, 1000)");
    EXPECT_EQ(status_of(d), "FAILED");
    EXPECT_NE(error_of(d).find("100 MB"), std::string::npos);
}

TEST_F(DataApi, CsvResultsThroughV2) {
    auto in = sql_input("SELECT 1 AS a, 'x,y' AS b, NULL::int AS c UNION ALL SELECT 2, 'q\"', 3 ORDER BY 1");
    in.result_format = "CSV";
    auto out = engine().execute_statement(connector(), in);
    const std::string id(out.value().at("Id").as_string());
    ASSERT_EQ(status_of(wait_final(engine(), connector(), id)), "FINISHED");
    auto r = engine().get_statement_result_v2(connector(), id, std::nullopt);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value().at("Records").as_array()[0].at("CSVRecords"), "a,b,c\n1,\"x,y\",\n2,\"q\"\"\",3\n");
    EXPECT_FALSE(engine().get_statement_result(connector(), id, std::nullopt));
}

TEST_F(DataApi, ListsStatements) {
    auto in = sql_input("SELECT 'listed'");
    in.statement_name = "list-me-1";
    auto out = engine().execute_statement(connector(), in);
    wait_final(engine(), connector(), std::string(out.value().at("Id").as_string()));
    da::list_statements_input li;
    li.statement_name = "list-me";
    auto l = engine().list_statements(connector(), li);
    ASSERT_TRUE(l);
    ASSERT_EQ(l.value().at("Statements").as_array().size(), 1u);
    EXPECT_EQ(l.value().at("Statements").as_array()[0].at("QueryString"), "SELECT 'listed'");
}

TEST_F(DataApi, CatalogOperations) {
    ASSERT_EQ(status_of(run(engine(), "CREATE SCHEMA IF NOT EXISTS cat; CREATE TABLE cat.items(id int NOT NULL, "
                                      "name varchar(64), price numeric(10,2), seen timestamp, doc jsonb default '{}');"
                                      "CREATE VIEW cat.items_v AS SELECT id FROM cat.items")),
              "FINISHED");
    da::catalog_input in;
    in.database = "dev";
    in.workgroup_name = "default-workgroup";
    auto dbs = engine().list_databases(connector(), in);
    ASSERT_TRUE(dbs) << dbs.error().message;
    EXPECT_EQ(json::serialize(dbs.value().at("Databases")), R"(["dev"])");
    in.schema_pattern = "ca%";
    auto schemas = engine().list_schemas(connector(), in);
    EXPECT_EQ(json::serialize(schemas.value().at("Schemas")), R"(["cat"])");
    auto tables = engine().list_tables(connector(), in);
    EXPECT_EQ(json::serialize(tables.value().at("Tables")),
              R"([{"name":"items","schema":"cat","type":"TABLE"},{"name":"items_v","schema":"cat","type":"VIEW"}])");
    in.schema = "cat";
    in.table = "items";
    in.max_results = 3;
    auto page1 = engine().describe_table(connector(), in);
    ASSERT_TRUE(page1) << page1.error().message;
    auto cols = page1.value().at("ColumnList").as_array();
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_EQ(cols[0].at("typeName"), "integer");
    EXPECT_EQ(cols[0].at("nullable"), 0);
    EXPECT_EQ(cols[1].at("typeName"), "character varying");
    EXPECT_EQ(cols[1].at("length"), 64);
    EXPECT_EQ(cols[2].at("typeName"), "numeric");
    EXPECT_EQ(cols[2].at("precision"), 10);
    EXPECT_EQ(cols[2].at("scale"), 2);
    in.next_token = std::string(page1.value().at("NextToken").as_string());
    auto page2 = engine().describe_table(connector(), in);
    auto cols2 = page2.value().at("ColumnList").as_array();
    ASSERT_EQ(cols2.size(), 2u);
    EXPECT_EQ(cols2[0].at("typeName"), "timestamp without time zone");
    EXPECT_EQ(cols2[1].at("typeName"), "super");
    EXPECT_FALSE(page2.value().contains("NextToken"));
}

TEST_F(DataApi, ADroppedUserIsProvisionedAgain) {
    da::caller temp{"arn:aws:sts::111122223333:assumed-role/short-lived/s", {"IAMR:short-lived", {"rss_admin"}}};
    ASSERT_EQ(status_of(run(engine(), "SELECT 1", temp)), "FINISHED");
    std::string error;
    auto root = localaws::redshift::pg::connection::open(cluster_environment::cluster->get().conninfo("dev"), error);
    ASSERT_TRUE(root) << error;
    // Its idle pooled connection goes first (DROP ROLE refuses while it is connected); the pool
    // notices the dead connection and opens a new one.
    ASSERT_EQ(root->run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'IAMR:short-lived'"), "");
    // pg_terminate_backend only signals: wait until the backend has really gone.
    ASSERT_EQ(root->run("DO $$BEGIN WHILE EXISTS (SELECT FROM pg_stat_activity WHERE usename = 'IAMR:short-lived') "
                        "LOOP PERFORM pg_sleep(0.01); PERFORM pg_stat_clear_snapshot(); END LOOP; END$$"),
              "");
    ASSERT_EQ(root->run("DROP OWNED BY \"IAMR:short-lived\"; DROP ROLE \"IAMR:short-lived\""), "");
    auto d = run(engine(), "SELECT current_user", temp);
    EXPECT_EQ(status_of(d), "FINISHED") << error_of(d);
}

// Session tags can change the RedshiftDbRoles of the same database user from one call to the next;
// the next statement runs with the new memberships, even on a pooled connection.
TEST_F(DataApi, ATagChangeAppliesToTheNextStatement) {
    std::string error;
    auto root = localaws::redshift::pg::connection::open(cluster_environment::cluster->get().conninfo("dev"), error);
    ASSERT_TRUE(root) << error;
    ASSERT_EQ(root->run("CREATE ROLE readers NOLOGIN; CREATE TABLE readers_only(a int); "
                        "GRANT SELECT ON readers_only TO readers"),
              "");
    auto as = [](std::vector<std::string> roles) {
        return da::caller{"arn:aws:sts::111122223333:assumed-role/tagged/s", {"IAMR:tagged", std::move(roles)}};
    };
    EXPECT_EQ(status_of(run(engine(), "SELECT * FROM readers_only", as({"rss_admin", "readers"}))), "FINISHED");
    auto d = run(engine(), "SELECT * FROM readers_only", as({"rss_admin"}));
    EXPECT_EQ(error_of(d), "ERROR: permission denied for table readers_only");
    EXPECT_EQ(status_of(run(engine(), "SELECT * FROM readers_only", as({"readers"}))), "FINISHED");
}

TEST_F(DataApi, MissingTempGrantSurfacesPostgresError) {
    auto admin = run(engine(), "SELECT 1");
    std::string error;
    auto root = localaws::redshift::pg::connection::open(cluster_environment::cluster->get().conninfo("dev"), error);
    ASSERT_EQ(root->run("REVOKE TEMP ON DATABASE dev FROM rss_admin"), "");
    auto d = run(engine(), "CREATE TEMP TABLE stage_no_temp(a int)");
    EXPECT_EQ(status_of(d), "FAILED");
    EXPECT_EQ(error_of(d), "ERROR: permission denied to create temporary tables in database \"dev\"");
    ASSERT_EQ(root->run("GRANT TEMP ON DATABASE dev TO rss_admin"), "");
    EXPECT_EQ(status_of(run(engine(), "CREATE TEMP TABLE stage_temp(a int)")), "FINISHED");
}

// Many callers at once: statements, sessions, cancels and reads interleave on the worker pool
// without losing or mixing anything up.
TEST_F(DataApi, ConcurrentCallersKeepTheirOwnResults) {
    constexpr int callers = 6, each = 15;
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    std::mutex first_mutex;
    std::string first;  // what went wrong first, for the failure message
    auto note = [&](const std::string& what) {
        std::lock_guard lock(first_mutex);
        if (first.empty()) first = what;
    };
    for (int t = 0; t < callers; ++t) {
        threads.emplace_back([&, t] {
            da::caller who{"arn:aws:sts::111122223333:assumed-role/worker-" + std::to_string(t) + "/s",
                           {"IAMR:worker-" + std::to_string(t), {"rss_admin"}}};
            auto session_input = sql_input("CREATE TEMP TABLE mine AS SELECT " + std::to_string(t) + " AS t");
            session_input.session_keep_alive_seconds = 30;
            auto s = engine().execute_statement(who, session_input);
            if (!s) return (void)++wrong;
            const std::string session(s.value().at("SessionId").as_string());
            wait_final(engine(), who, std::string(s.value().at("Id").as_string()));
            for (int i = 0; i < each; ++i) {
                auto in = sql_input("SELECT " + std::to_string(t * 1000 + i) + " + count(*) - count(*) FROM generate_series(1, 2000)");
                if (i % 5 == 4) {  // some run in the session, against its temp table
                    in = da::execute_input{};
                    in.sqls = {"SELECT t * 1000 + " + std::to_string(i) + " FROM mine"};
                    in.session_id = session;
                }
                auto out = engine().execute_statement(who, in);
                if (!out) {
                    note("ExecuteStatement: " + out.error().code + ": " + out.error().message);
                    ++wrong;
                    continue;
                }
                const std::string id(out.value().at("Id").as_string());
                if (i % 7 == 6) engine().cancel_statement(who, id);  // may land before, during or after
                auto d = wait_final(engine(), who, id);
                if (status_of(d) == "ABORTED") continue;
                auto r = engine().get_statement_result(who, id, std::nullopt);
                if (!r || r.value().at("Records").as_array()[0].as_array()[0].at("longValue").as_int64() != t * 1000 + i) {
                    note(r ? "a wrong answer to statement " + id : "GetStatementResult " + id + " (" + status_of(d) + "): " + r.error().message);
                    ++wrong;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0) << "first: " << first;
}

// Every operation through the JSON dispatcher, as botocore would call it; the bodies (exactly what
// localaws sends) are then checked against botocore's own model of the service (member names, JSON
// types, unions, errors).
TEST_F(DataApi, ResponsesMatchBotocoresModel) {
    const auto dir = cluster_environment::cluster->dir() / "responses";
    std::filesystem::create_directories(dir);
    int n = 0;
    auto call = [&](const std::string& op, const std::string& body) {
        auto out = da::dispatch_body(engine(), op, connector(), json::parse(body).as_object());
        std::ofstream file(dir / (op + "." + std::to_string(++n) + (out ? ".json" : ".error")));
        file << (out ? out.value() : out.error().code);
        return out ? json::parse(out.value()).as_object() : json::object{};
    };
    const std::string target = R"("Database": "dev", "WorkgroupName": "default-workgroup")";
    ASSERT_EQ(status_of(run(engine(), "CREATE TABLE shapes (i int NOT NULL, b bytea, j jsonb, d float8, t timestamptz)")),
              "FINISHED");
    ASSERT_EQ(status_of(run(engine(), "INSERT INTO shapes SELECT g, '\\x01', '{}', g / 2.0, now() "
                                      "FROM generate_series(1, 30000) g")),
              "FINISHED");
    auto exec = call("ExecuteStatement", R"({"Sql": "SELECT *, NULL AS n FROM shapes WHERE i > :low", "StatementName": "s",
        "Parameters": [{"name": "low", "value": "0"}], "ClientToken": "shape-1", )" + target + "}");
    const std::string id(exec.at("Id").as_string());
    wait_final(engine(), connector(), id);
    auto page = call("DescribeStatement", R"({"Id": ")" + id + R"("})");
    auto first = call("GetStatementResult", R"({"Id": ")" + id + R"("})");
    ASSERT_TRUE(first.contains("NextToken"));
    call("GetStatementResult", R"({"Id": ")" + id + R"(", "NextToken": ")" + std::string(first.at("NextToken").as_string()) + R"("})");
    auto csv = call("ExecuteStatement", R"({"Sql": "SELECT 1 AS x", "ResultFormat": "CSV", "SessionKeepAliveSeconds": 1, )" +
                                            target + "}");
    wait_final(engine(), connector(), std::string(csv.at("Id").as_string()));
    call("GetStatementResultV2", R"({"Id": ")" + std::string(csv.at("Id").as_string()) + R"("})");
    auto batch = call("BatchExecuteStatement", R"({"Sqls": ["SELECT 1", "SELECT 2"], )" + target + "}");
    const std::string batch_id(batch.at("Id").as_string());
    wait_final(engine(), connector(), batch_id);
    call("DescribeStatement", R"({"Id": ")" + batch_id + R"("})");
    auto sleeper = call("ExecuteStatement", R"j({"Sql": "SELECT pg_sleep(30)", )j" + target + "}");
    call("CancelStatement", R"({"Id": ")" + std::string(sleeper.at("Id").as_string()) + R"("})");
    wait_final(engine(), connector(), std::string(sleeper.at("Id").as_string()));
    call("ListStatements", R"({"MaxResults": 2, "Status": "ALL"})");
    call("ListDatabases", "{" + target + "}");
    call("ListSchemas", R"({"SchemaPattern": "pub%", )" + target + "}");
    call("ListTables", R"({"SchemaPattern": "public", "TablePattern": "sha%", )" + target + "}");
    call("DescribeTable", R"({"Schema": "public", "Table": "shapes", "MaxResults": 2, )" + target + "}");
    // errors, each one the model lists for its operation
    call("DescribeStatement", R"({"Id": "00000000-0000-4000-8000-000000000000"})");
    call("ExecuteStatement", R"({"Sql": "SELECT 1", "Database": "dev", "WorkgroupName": "no-such-workgroup"})");
    call("GetStatementResult", R"({"Id": ")" + batch_id + R"("})");
    call("CancelStatement", R"({"Id": ")" + batch_id + R"("})");
    call("ListTables", R"({"Database": "dev"})");
    EXPECT_EQ(page.at("Status"), "FINISHED");
    const std::string command = std::string("python3 ") + CHECK_BOTOCORE_SHAPES + " " + dir.string();
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new cluster_environment);
    return RUN_ALL_TESTS();
}

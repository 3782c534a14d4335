// UNLOAD and COPY through the statement engine against a real PostgreSQL 15 and a directory-backed
// object store: file naming, manifests, compression, options, role checks, bad rows, atomicity.
#include <set>

#include "tests/integration/localaws_postgres/data_api_fixture.hpp"
#include "tools/localaws/data_api/redshift_dialect.hpp"
#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/testing/directory_object_store.hpp"

using namespace test_support;
namespace bulk = localaws::redshift::bulk;

namespace {

const std::string connector_role = "arn:aws:iam::111122223333:role/shiftsync-connector";
const std::string untrusting_role = "arn:aws:iam::111122223333:role/no-redshift-trust";

class UnloadCopy : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        store_dir_ = cluster_environment::cluster->dir() / "s3";
        store_ = new localaws::redshift::testing::directory_object_store(store_dir_);
        store_->create_bucket("unload-example");
        bulk::environment env;
        env.store = store_;
        env.default_iam_role = connector_role;
        // A stand-in for localaws's IAM: the connector role trusts Redshift and may do what the
        // documented S3 policy allows on unload-example, minus whatever a test denies.
        env.check_role = [](const std::string& role, const std::string& action,
                            const std::string& resource) -> std::optional<std::string> {
            if (role == untrusting_role) return "the role's trust policy does not allow redshift.amazonaws.com";
            if (role != connector_role) return "no such role";
            if (denied_.count(action)) return "not authorized to perform " + action + " on " + resource;
            if (action != "sts:AssumeRole" && resource.rfind("arn:aws:s3:::unload-example", 0) != 0)
                return "not authorized to perform " + action + " on " + resource;
            return std::nullopt;
        };
        da::engine_options options;
        hooks_ = new da::dialect_hooks(da::make_redshift_dialect(cluster_environment::cluster->get(), env));
        options.dialect = *hooks_;
        engine_ = new da::statement_engine(cluster_environment::cluster->get(), *cluster_environment::identities, options);
    }
    static void TearDownTestSuite() {
        delete engine_;
        delete hooks_;
        delete store_;
    }
    void TearDown() override { denied_.clear(); }

    da::statement_engine& engine() { return *engine_; }
    std::string ok(const std::string& sql) {
        auto d = run(engine(), sql);
        EXPECT_EQ(status_of(d), "FINISHED") << sql << "\n" << error_of(d);
        return std::string(d.at("Id").as_string());
    }
    std::int64_t rows_of(const std::string& sql) {
        auto d = run(engine(), sql);
        EXPECT_EQ(status_of(d), "FINISHED") << sql << "\n" << error_of(d);
        return d.at("ResultRows").as_int64();
    }
    std::string failed(const std::string& sql) {
        auto d = run(engine(), sql);
        EXPECT_EQ(status_of(d), "FAILED") << sql;
        return error_of(d);
    }
    std::string scalar(const std::string& sql) {
        auto id = ok(sql);
        auto r = engine().get_statement_result(connector(), id, std::nullopt);
        if (!r) return "<" + r.error().message + ">";
        const auto& f = r.value().at("Records").as_array().at(0).as_array().at(0).as_object();
        if (f.contains("isNull")) return "NULL";
        if (f.contains("longValue")) return std::to_string(f.at("longValue").as_int64());
        if (f.contains("booleanValue")) return f.at("booleanValue").as_bool() ? "true" : "false";
        return std::string(f.at("stringValue").as_string());
    }
    std::vector<std::string> keys(const std::string& prefix) {
        std::vector<std::string> out;
        for (const auto& o : store_->list("unload-example", prefix)) out.push_back(o.key);
        return out;
    }
    std::string object_text(const std::string& key, localaws::redshift::dialect::compression c =
                                                         localaws::redshift::dialect::compression::none) {
        std::error_code ec;
        auto reader = store_->open("unload-example", key, ec);
        if (!reader) return "<missing>";
        std::string raw(reader->info().size, '\0');
        std::size_t got = 0;
        while (got < raw.size()) got += reader->read({reinterpret_cast<std::byte*>(raw.data() + got), raw.size() - got}, ec);
        std::string plain, error;
        auto codec = bulk::make_decompressor(c);
        codec->write(raw, plain, error);
        codec->finish(error);
        return error.empty() ? plain : "<" + error + ">";
    }
    void put(const std::string& key, const std::string& text, localaws::redshift::dialect::compression c =
                                                                  localaws::redshift::dialect::compression::none) {
        std::string encoded;
        auto codec = bulk::make_compressor(c);
        codec->write(text, encoded);
        codec->finish(encoded);
        std::error_code ec;
        auto writer = store_->create("unload-example", key, ec);
        ASSERT_TRUE(writer);
        ASSERT_FALSE(writer->write({reinterpret_cast<const std::byte*>(encoded.data()), encoded.size()}));
        ASSERT_FALSE(writer->commit());
    }

    static inline std::filesystem::path store_dir_;
    static inline localaws::redshift::testing::directory_object_store* store_ = nullptr;
    static inline da::statement_engine* engine_ = nullptr;
    static inline da::dialect_hooks* hooks_ = nullptr;
    static inline std::set<std::string> denied_;
};

const char* create_source = R"(CREATE TABLE src AS SELECT i AS id, (i % 100)::int2 AS small, i::int8 * 7 AS big,
    (i / 100.0)::numeric(12,2) AS amount, (i / 3.0)::float8 AS ratio, i % 2 = 0 AS flag,
    CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN '' ELSE 'näme, "quoted"' || chr(10) || i END AS label,
    date '2021-03-04' + (i % 365) AS day, timestamp '2021-01-01 00:00:00' + i * interval '1 second' AS at,
    timestamptz '2021-01-01 00:00:00+00' + i * interval '1 minute' AS at_tz, time '12:00:00' AS t
  FROM generate_series(1, 20000) AS i)";

}  // namespace

TEST_F(UnloadCopy, GzipCsvWithManifestRoundTripsThroughCopy) {
    ok(create_source);
    EXPECT_EQ(rows_of("UNLOAD ('select * from src') TO 's3://unload-example/rt/src_' IAM_ROLE default "
                      "FORMAT AS CSV GZIP MANIFEST VERBOSE"),
              20000);
    EXPECT_EQ(keys("rt/"), (std::vector<std::string>{"rt/src_0000_part_00.gz", "rt/src_0001_part_00.gz", "rt/src_manifest"}));
    auto manifest = json::parse(object_text("rt/src_manifest")).as_object();
    const auto& entries = manifest.at("entries").as_array();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].at("url"), "s3://unload-example/rt/src_0000_part_00.gz");
    std::uint64_t records = 0;
    for (const auto& e : entries) {
        std::string key = std::string(e.at("url").as_string()).substr(std::string("s3://unload-example/").size());
        EXPECT_EQ(e.at("meta").at("content_length").to_number<std::uint64_t>(), store_->head("unload-example", key)->size);
        records += e.at("meta").at("record_count").to_number<std::uint64_t>();
    }
    EXPECT_EQ(records, 20000u);
    EXPECT_EQ(manifest.at("meta").at("record_count").to_number<std::uint64_t>(), 20000u);
    EXPECT_EQ(manifest.at("schema").at("elements").as_array()[0].at("name"), "id");
    EXPECT_EQ(manifest.at("author").at("name"), "Amazon Redshift");
    EXPECT_NE(object_text("rt/src_0000_part_00.gz", localaws::redshift::dialect::compression::gzip).find("\"näme, \"\"quoted\"\"\n"),
              std::string::npos);

    ok("CREATE TABLE dst (LIKE src)");
    EXPECT_EQ(rows_of("COPY dst FROM 's3://unload-example/rt/src_manifest' IAM_ROLE default FORMAT AS CSV GZIP "
                      "MANIFEST EMPTYASNULL"),
              20000);
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM src EXCEPT SELECT * FROM dst) d"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM dst EXCEPT SELECT * FROM src) d"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM dst WHERE label = ''"), "2000");

    // Redshift's prefix semantics: the prefix loads every object under it (here: the two data files).
    ok("CREATE TABLE dst2 (LIKE src)");
    EXPECT_EQ(rows_of("COPY dst2 FROM 's3://unload-example/rt/src_0' IAM_ROLE default CSV GZIP EMPTYASNULL"), 20000);
}

TEST_F(UnloadCopy, OverwriteRulesAndCleanPath) {
    ok("CREATE TABLE small AS SELECT generate_series(1, 10) AS n");
    ok("UNLOAD ('select * from small') TO 's3://unload-example/ow/x_' IAM_ROLE default");
    EXPECT_NE(failed("UNLOAD ('select * from small') TO 's3://unload-example/ow/x_' IAM_ROLE default")
                  .find("Specified unload destination on S3 is not empty"),
              std::string::npos);
    ok("UNLOAD ('select * from small where n > 5') TO 's3://unload-example/ow/x_' IAM_ROLE default ALLOWOVERWRITE");
    EXPECT_EQ(object_text("ow/x_0000_part_00") + object_text("ow/x_0001_part_00"), "6\n8\n10\n7\n9\n");
    put("ow/x_unrelated.txt", "keep?");
    ok("UNLOAD ('select 1') TO 's3://unload-example/ow/x_' IAM_ROLE default PARALLEL OFF CLEANPATH");
    EXPECT_EQ(keys("ow/"), (std::vector<std::string>{"ow/x_000"}));
}

TEST_F(UnloadCopy, SerialFilesSplitAtMaxFileSize) {
    ok("CREATE TABLE wide AS SELECT i, repeat('x', 100) AS pad FROM generate_series(1, 80000) AS i");
    EXPECT_EQ(rows_of("UNLOAD ('select * from wide') TO 's3://unload-example/split/w' IAM_ROLE default "
                      "PARALLEL OFF MAXFILESIZE 5 MB"),
              80000);
    auto files = keys("split/");
    ASSERT_EQ(files, (std::vector<std::string>{"split/w000", "split/w001"}));
    EXPECT_LE(store_->head("unload-example", "split/w000")->size, 5'000'000u + 200);
    ok("CREATE TABLE wide_back (LIKE wide)");
    EXPECT_EQ(rows_of("COPY wide_back FROM 's3://unload-example/split/w' IAM_ROLE default"), 80000);
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM wide EXCEPT SELECT * FROM wide_back) d"), "0");
}

TEST_F(UnloadCopy, ParallelSlicesSplitIntoParts) {
    ok("CREATE TABLE wider AS SELECT i, repeat('y', 300) AS pad FROM generate_series(1, 40000) AS i");
    EXPECT_EQ(rows_of("UNLOAD ('select * from wider') TO 's3://unload-example/parts/w_' IAM_ROLE default "
                      "MAXFILESIZE 5 MB MANIFEST"),
              40000);
    EXPECT_EQ(keys("parts/"), (std::vector<std::string>{"parts/w_0000_part_00", "parts/w_0000_part_01",
                                                        "parts/w_0001_part_00", "parts/w_0001_part_01",
                                                        "parts/w_manifest"}));
    ok("CREATE TABLE wider_back (LIKE wider)");
    EXPECT_EQ(rows_of("COPY wider_back FROM 's3://unload-example/parts/w_manifest' IAM_ROLE default MANIFEST"), 40000);
}

TEST_F(UnloadCopy, TextJsonZstdAndBzip2) {
    ok("CREATE TABLE mixed AS SELECT 1 AS id, 'a|b\\\\c' AS s, NULL::text AS n UNION ALL SELECT 2, 'line' || chr(10) || 'two', 'x'");
    ok("UNLOAD ('select * from mixed order by id') TO 's3://unload-example/txt/m_' IAM_ROLE default PARALLEL OFF "
       "ADDQUOTES ESCAPE NULL AS 'NIL'");
    EXPECT_EQ(object_text("txt/m_000"), "\"1\"|\"a\\|b\\\\c\"|NIL\n\"2\"|\"line\\\ntwo\"|\"x\"\n");
    ok("UNLOAD ('select * from mixed order by id') TO 's3://unload-example/json/m_' IAM_ROLE default FORMAT JSON ZSTD "
       "PARALLEL OFF");
    EXPECT_EQ(object_text("json/m_000.zst", localaws::redshift::dialect::compression::zstd),
              "{\"id\":1,\"s\":\"a|b\\\\c\",\"n\":null}\n{\"id\":2,\"s\":\"line\\ntwo\",\"n\":\"x\"}\n");
    ok("CREATE TABLE mixed_json (LIKE mixed)");
    EXPECT_EQ(rows_of("COPY mixed_json FROM 's3://unload-example/json/m_' IAM_ROLE default JSON 'auto' ZSTD"), 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM mixed EXCEPT SELECT * FROM mixed_json) d"), "0");
    ok("UNLOAD ('select * from mixed') TO 's3://unload-example/bz/m_' IAM_ROLE default CSV BZIP2 HEADER");
    EXPECT_EQ(keys("bz/"), (std::vector<std::string>{"bz/m_0000_part_00.bz2", "bz/m_0001_part_00.bz2"}));
    EXPECT_EQ(object_text("bz/m_0000_part_00.bz2", localaws::redshift::dialect::compression::bzip2), "id,s,n\n1,a|b\\c,\n");
    ok("CREATE TABLE mixed_bz (LIKE mixed)");
    EXPECT_EQ(rows_of("COPY mixed_bz FROM 's3://unload-example/bz/m_' IAM_ROLE default CSV BZIP2 IGNOREHEADER 1 "
                      "EMPTYASNULL"), 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM mixed EXCEPT SELECT * FROM mixed_bz) d"), "0");
}

TEST_F(UnloadCopy, BadCommandsFailLikeRedshift) {
    ok("CREATE TABLE target_t (a int, b varchar(5))");
    ok("INSERT INTO target_t VALUES (1, 'one')");
    put("bad/ok.csv", "2,two\n");
    EXPECT_EQ(failed("UNLOAD ('select 1') TO 's3://unload-example/e/' IAM_ROLE default SHINY"),
              "ERROR: syntax error at or near \"SHINY\"");
    EXPECT_NE(failed("UNLOAD ('select 1') TO 's3://no-such-bucket/e/' IAM_ROLE default").find("NoSuchBucket"),
              std::string::npos);
    EXPECT_NE(failed("UNLOAD ('select 1') TO 's3://unload-example/e/' IAM_ROLE '" + untrusting_role + "'")
                  .find("not authorized to assume IAM Role"),
              std::string::npos);
    EXPECT_NE(failed("UNLOAD ('select 1') TO 's3://unload-example/e/' IAM_ROLE default FORMAT PARQUET").find("not supported"),
              std::string::npos);
    EXPECT_NE(failed("UNLOAD ('select 1') TO 's3://unload-example/e/' IAM_ROLE default REGION 'eu-west-1'")
                  .find("PermanentRedirect"),
              std::string::npos);
    denied_ = {"s3:PutObject"};
    EXPECT_NE(failed("UNLOAD ('select 1') TO 's3://unload-example/e/' IAM_ROLE default").find("AccessDenied"),
              std::string::npos);
    denied_ = {"s3:GetObject"};
    EXPECT_NE(failed("COPY target_t FROM 's3://unload-example/bad/' IAM_ROLE default CSV").find("AccessDenied"),
              std::string::npos);
    denied_.clear();
    EXPECT_NE(failed("COPY target_t FROM 's3://unload-example/nothing-here/' IAM_ROLE default CSV").find("does not exist"),
              std::string::npos);
    EXPECT_EQ(failed("COPY target_t FROM 's3://unload-example/bad/' IAM_ROLE default CSV WHATEVER"),
              "ERROR: syntax error at or near \"WHATEVER\"");
    put("notgz/plain.csv", "3,three\n");
    EXPECT_NE(failed("COPY target_t FROM 's3://unload-example/notgz/' IAM_ROLE default CSV GZIP").find("Failed to decompress"),
              std::string::npos);
    EXPECT_NE(failed("COPY no_table FROM 's3://unload-example/bad/' IAM_ROLE default CSV").find("does not exist"),
              std::string::npos);
    EXPECT_NE(failed("UNLOAD ('select * from no_table') TO 's3://unload-example/e/' IAM_ROLE default").find("does not exist"),
              std::string::npos);
    EXPECT_NE(failed("UNLOAD ('select 1) TO STDOUT; DROP TABLE target_t; --') TO 's3://unload-example/e/' IAM_ROLE default")
                  .find("ERROR"),
              std::string::npos);
    EXPECT_TRUE(keys("e/").empty()) << "a failed UNLOAD leaves no file";
    EXPECT_EQ(scalar("SELECT count(*) FROM target_t"), "1") << "the target is unchanged";
}

TEST_F(UnloadCopy, BadRowsAreRecordedAndMaxErrorDecides) {
    ok("CREATE TABLE loaded (id int, name varchar(4), price numeric(5,2))");
    put("rows/data.csv", "1,ab,1.50\nx,cd,2.00\n3,toolong,3.00\n4,ok,4.00\n5,big,123456.00\n");
    EXPECT_EQ(failed("COPY loaded FROM 's3://unload-example/rows/' IAM_ROLE default CSV"),
              "ERROR: Load into table 'loaded' failed. Check 'sys_load_error_detail' system table for details.");
    EXPECT_EQ(scalar("SELECT count(*) FROM loaded"), "0");
    EXPECT_EQ(scalar("SELECT error_code || ':' || line_number || ':' || column_name || ':' || raw_field_value "
                     "FROM sys_load_error_detail ORDER BY start_time DESC, line_number LIMIT 1"),
              "1207:2:id:x");
    // Two of our checks plus PostgreSQL's own numeric overflow (found by retrying without the row).
    EXPECT_EQ(rows_of("COPY loaded FROM 's3://unload-example/rows/' IAM_ROLE default CSV MAXERROR 3"), 2);
    EXPECT_EQ(scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM loaded"), "1,4");
    EXPECT_EQ(scalar("SELECT count(*) FROM sys_load_error_detail WHERE line_number = 5 AND error_message LIKE '%overflow%'"), "1");
    EXPECT_EQ(rows_of("COPY loaded FROM 's3://unload-example/rows/' IAM_ROLE default CSV MAXERROR 2 TRUNCATECOLUMNS"), 3);
    da::catalog_input in;
    in.database = "dev";
    in.workgroup_name = "default-workgroup";
    auto schemas = engine().list_schemas(connector(), in);
    ASSERT_TRUE(schemas);
    for (const auto& s : schemas.value().at("Schemas").as_array()) EXPECT_NE(s.as_string(), "localaws_sys");
}

TEST_F(UnloadCopy, FieldOptions) {
    ok("CREATE TABLE opts (id int, name varchar(10), d date, ts timestamp, note varchar(10))");
    put("opts/a.txt", "id;name;d;ts;note\n1;  x  ;03/04/2021;1614556800;NULL\n2;   ;12/31/2020;0;caf\xe9\n");
    EXPECT_EQ(rows_of("COPY opts FROM 's3://unload-example/opts/' IAM_ROLE default DELIMITER ';' IGNOREHEADER 1 "
                      "NULL AS 'NULL' BLANKSASNULL TRIMBLANKS DATEFORMAT 'MM/DD/YYYY' TIMEFORMAT 'epochsecs' "
                      "ACCEPTINVCHARS AS '?'"),
              2);
    EXPECT_EQ(scalar("SELECT string_agg(concat_ws('/', id, coalesce(name, 'null'), d, ts, coalesce(note, 'null')), ' ' "
                     "ORDER BY id) FROM opts"),
              "1/  x/2021-03-04/2021-03-01 00:00:00/null 2/null/2020-12-31/1970-01-01 00:00:00/caf?");
}

TEST_F(UnloadCopy, CopyInsideABatchIsAllOrNothing) {
    ok("CREATE TABLE batch_load (id int)");
    put("batch/ok.csv", "1\n2\n");
    put("batchbad/bad.csv", "1\nnope\n");
    da::execute_input in = sql_input("");
    in.sqls = {"INSERT INTO batch_load VALUES (0)", "COPY batch_load FROM 's3://unload-example/batch/' IAM_ROLE default CSV",
               "COPY batch_load FROM 's3://unload-example/batchbad/' IAM_ROLE default CSV"};
    auto out = engine().batch_execute_statement(connector(), in);
    ASSERT_TRUE(out);
    auto d = wait_final(engine(), connector(), std::string(out.value().at("Id").as_string()));
    EXPECT_EQ(status_of(d), "FAILED");
    EXPECT_EQ(d.at("SubStatements").as_array()[1].at("ResultRows"), 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM batch_load"), "0");
}

// The loader's pattern in one Data API session: stage into a temp table with COPY, then upsert
// with DELETE … USING + INSERT and MERGE, in a batch, as one transaction.
TEST_F(UnloadCopy, SessionStagesWithCopyThenMerges) {
    ok("CREATE TABLE customers (id int primary key, name varchar(20), seen timestamp)");
    ok("INSERT INTO customers VALUES (1, 'old', '2020-01-01'), (2, 'keep', '2020-01-01')");
    put("stage/part-0.csv.gz", "1,new,2024-05-01 10:00:00\n3,added,2024-05-02 11:00:00\n",
        localaws::redshift::dialect::compression::gzip);
    auto first = sql_input("CREATE TEMP TABLE stage (LIKE customers)");
    first.session_keep_alive_seconds = 60;
    auto out = engine().execute_statement(connector(), first);
    ASSERT_TRUE(out);
    const std::string session(out.value().at("SessionId").as_string());
    ASSERT_EQ(status_of(wait_final(engine(), connector(), std::string(out.value().at("Id").as_string()))), "FINISHED");
    auto in_session = [&](std::vector<std::string> sqls) {
        da::execute_input in;
        in.sqls = std::move(sqls);
        in.session_id = session;
        auto o = in.sqls.size() == 1 ? engine().execute_statement(connector(), in)
                                     : engine().batch_execute_statement(connector(), in);
        EXPECT_TRUE(o) << o.error().message;
        return wait_final(engine(), connector(), std::string(o.value().at("Id").as_string()));
    };
    auto copied = in_session({"COPY stage FROM 's3://unload-example/stage/' IAM_ROLE default FORMAT CSV GZIP"});
    ASSERT_EQ(status_of(copied), "FINISHED") << error_of(copied);
    EXPECT_EQ(copied.at("ResultRows").as_int64(), 2);
    auto count = in_session({"SELECT pg_last_copy_count(), pg_last_copy_id() > 0, pg_last_unload_count()"});
    ASSERT_EQ(status_of(count), "FINISHED") << error_of(count);
    auto counts = engine().get_statement_result(connector(), std::string(count.at("Id").as_string()), std::nullopt);
    EXPECT_EQ(json::serialize(counts.value().at("Records")), R"([[{"longValue":2},{"booleanValue":true},{"longValue":0}]])");
    auto merged = in_session({"DELETE FROM customers USING stage WHERE customers.id = stage.id",
                              "INSERT INTO customers SELECT * FROM stage",
                              "MERGE INTO customers c USING stage s ON c.id = s.id "
                              "WHEN MATCHED THEN UPDATE SET seen = s.seen WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.name, s.seen)",
                              "DROP TABLE stage"});
    ASSERT_EQ(status_of(merged), "FINISHED") << error_of(merged);
    EXPECT_EQ(scalar("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM customers"), "1:new,2:keep,3:added");
}

// One ExecuteStatement holding several statements, a COPY among them: one transaction.
TEST_F(UnloadCopy, CopyInsideMultiStatementSql) {
    ok("CREATE TABLE multi (id int)");
    put("multi/ok.csv", "1\n2\n3\n");
    put("multibad/bad.csv", "x\n");
    EXPECT_EQ(rows_of("DELETE FROM multi; COPY multi FROM 's3://unload-example/multi/' IAM_ROLE default CSV; "
                      "DELETE FROM multi WHERE id = 2"),
              1);
    EXPECT_EQ(scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM multi"), "1,3");
    failed("INSERT INTO multi VALUES (9); COPY multi FROM 's3://unload-example/multibad/' IAM_ROLE default CSV");
    EXPECT_EQ(scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM multi"), "1,3") << "all or nothing";
}

// A cancel that reached the backend between localaws's own round trips (before their COPY ran) was
// ignored by PostgreSQL; UNLOAD and COPY send it again once their COPY runs, and nothing happens.
TEST_F(UnloadCopy, CancelledBeforeTheirCopyRunsUnloadAndCopyDoNothing) {
    ok("CREATE TABLE cancel_target (a int4, b text)");
    EXPECT_EQ(rows_of("UNLOAD ('select i, md5(i::text) from generate_series(1, 1000) i') "
                      "TO 's3://unload-example/cancel/src_' IAM_ROLE default FORMAT CSV PARALLEL OFF"),
              1000);
    std::string error;
    auto conn = localaws::redshift::pg::connection::open(
        cluster_environment::cluster->get().conninfo("dev", connector().identity.db_user), error);
    ASSERT_TRUE(conn) << error;
    const da::cancel_probe cancelled = [] { return true; };
    auto copy = hooks_->run_special(*conn, "COPY cancel_target FROM 's3://unload-example/cancel/src_' "
                                           "IAM_ROLE default FORMAT CSV", connector(), cancelled);
    ASSERT_TRUE(copy);
    EXPECT_EQ(copy->status.sqlstate, "57014") << copy->status.message;
    EXPECT_EQ(scalar("SELECT count(*) FROM cancel_target"), "0");
    // Megabytes of rows: more than a socket buffer, so PostgreSQL is still sending when the cancel comes.
    auto unload = hooks_->run_special(*conn, "UNLOAD ('select i, repeat(md5(i::text), 4) from generate_series(1, 200000) i') "
                                             "TO 's3://unload-example/cancel/out_' IAM_ROLE default FORMAT CSV",
                                      connector(), cancelled);
    ASSERT_TRUE(unload);
    EXPECT_EQ(unload->status.sqlstate, "57014") << unload->status.message;
    EXPECT_EQ(keys("cancel/out_"), std::vector<std::string>{});
}

// VARBYTE (bytea here) is printed as Redshift prints it, lowercase hex without "\x": in the Data
// API's stringValue, in UNLOAD's text and CSV files; COPY reads that hex back.
TEST_F(UnloadCopy, VarbyteIsHexInResultsUnloadAndCopy) {
    ok("CREATE TABLE vb (id int, b varbyte(4), c varbinary, d binary varying(2))");
    ok("INSERT INTO vb VALUES (1, from_hex('00ff10'), 'abc'::varbyte, NULL), (2, NULL, to_varbyte('01001101', 'binary'), "
       "to_varbyte('a0b', 'hex'))");
    EXPECT_EQ(failed("INSERT INTO vb VALUES (3, from_hex('0102030405'), NULL, NULL)"),
              "ERROR: value too long for type binary varying(4)");
    EXPECT_EQ(failed("CREATE TABLE vb_bad (b varbyte(16777217))").rfind("ERROR: type \"varbyte\" does not exist", 0), 0u);

    auto id = ok("SELECT b, c, d FROM vb ORDER BY id");
    auto r = engine().get_statement_result(connector(), id, std::nullopt);
    ASSERT_TRUE(r);
    EXPECT_EQ(json::serialize(r.value().at("Records")),
              R"([[{"stringValue":"00ff10"},{"stringValue":"616263"},{"isNull":true}],)"
              R"([{"isNull":true},{"stringValue":"4d"},{"stringValue":"0a0b"}]])");
    EXPECT_EQ(r.value().at("ColumnMetadata").as_array()[0].at("typeName"), "varbyte");
    EXPECT_EQ(scalar("SELECT from_varbyte(c, 'utf8') || '/' || to_hex(b) || '/' || from_varbyte(from_hex('4d'), 'binary') "
                     "FROM vb WHERE id = 1"),
              "abc/00ff10/01001101");

    ok("UNLOAD ('select * from vb order by id') TO 's3://unload-example/vb/t_' IAM_ROLE default PARALLEL OFF");
    EXPECT_EQ(object_text("vb/t_000"), "1|00ff10|616263|\n2||4d|0a0b\n");
    ok("UNLOAD ('select id, b as x, b as x from vb order by id') TO 's3://unload-example/vb/c_' IAM_ROLE default CSV "
       "HEADER PARALLEL OFF MANIFEST VERBOSE");
    EXPECT_EQ(object_text("vb/c_000"), "id,x,x\n1,00ff10,00ff10\n2,,\n") << "duplicate names resolve by position";
    EXPECT_NE(object_text("vb/c_manifest").find(R"({"name":"x","type":{"base":"varbyte"}})"), std::string::npos)
        << object_text("vb/c_manifest");
    EXPECT_NE(failed("UNLOAD ('select b from vb') TO 's3://unload-example/vb/j_' IAM_ROLE default FORMAT JSON")
                  .find("only supported to text or CSV"),
              std::string::npos);

    ok("UNLOAD ('select * from vb order by id') TO 's3://unload-example/vbcsv/v_' IAM_ROLE default CSV");
    ok("CREATE TABLE vb_copy (LIKE vb)");
    EXPECT_EQ(rows_of("COPY vb_copy FROM 's3://unload-example/vbcsv/v_' IAM_ROLE default CSV"), 2);
    EXPECT_EQ(rows_of("COPY vb_copy FROM 's3://unload-example/vb/t_' IAM_ROLE default"), 2) << "text, '|'-delimited";
    EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT * FROM vb_copy EXCEPT ALL (SELECT * FROM vb UNION ALL SELECT * FROM vb)) d"),
              "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM vb_copy"), "4");

    put("vbbad/rows.csv", "7,zz,,\n");
    EXPECT_EQ(failed("COPY vb_copy FROM 's3://unload-example/vbbad/' IAM_ROLE default CSV"),
              "ERROR: Load into table 'vb_copy' failed. Check 'sys_load_error_detail' system table for details.");
    EXPECT_EQ(scalar("SELECT error_code || ':' || trim(column_name) || ':' || trim(error_message) FROM sys_load_error_detail "
                     "WHERE file_name LIKE '%vbbad%'"),
              "1207:b:Invalid hexadecimal value 'zz', Type: Varbyte");
}

// Redshift's string literals take backslash escapes, in statements and in UNLOAD's quoted query
// alike; UNLOAD ('<query as a literal>') writes exactly what <query> returns through the Data API.
TEST_F(UnloadCopy, UnloadQueryLiteralMeansWhatTheSameSelectMeans) {
    const std::string select = R"(select 'it''s' as a, 'a\\b' as b, 'tab\there' as c, 'q\'s' as d, E'e\\x' as e)";
    auto id = ok(select);
    auto r = engine().get_statement_result(connector(), id, std::nullopt);
    ASSERT_TRUE(r);
    std::vector<std::string> returned;
    for (const auto& f : r.value().at("Records").as_array().at(0).as_array())
        returned.emplace_back(f.as_object().at("stringValue").as_string());
    EXPECT_EQ(returned, (std::vector<std::string>{"it's", "a\\b", "tab\there", "q's", "e\\x"}));

    // The same SELECT as UNLOAD's literal: quotes doubled (or \'), backslashes doubled.
    ok(R"(UNLOAD ('select ''it''''s'' as a, ''a\\\\b'' as b, ''tab\\there'' as c, ''q\\\'s'' as d, E''e\\\\x'' as e') )"
       "TO 's3://unload-example/esc/q_' IAM_ROLE default CSV PARALLEL OFF");
    EXPECT_EQ(object_text("esc/q_000"), "it's,a\\b,tab\there,q's,e\\x\n");
    ok(R"(UNLOAD ('select \'it\'\'s\' as a, \'a\\\\b\' as b') TO 's3://unload-example/esc/bs_' IAM_ROLE default PARALLEL OFF)");
    EXPECT_EQ(object_text("esc/bs_000"), "it's|a\\b\n");
    EXPECT_EQ(scalar("select 'it''s' || 'a\\\\b' = 'it\\'sa' || chr(92) || 'b'"), "true");
    // UNLOAD's query gets the same rewrites as any statement.
    ok("UNLOAD ('select getdate() <= now()::timestamp as ok') TO 's3://unload-example/esc/rw_' IAM_ROLE default PARALLEL OFF");
    EXPECT_EQ(object_text("esc/rw_000"), "t\n");
}

// Redshift counts VARCHAR(n) and CHAR(n) in bytes: ten 3-byte characters do not fit varchar(12).
// INSERT, UPDATE, CREATE TABLE AS and temp tables, after ALTER … TYPE (widening), ADD and DROP COLUMN;
// COPY reports error 1204 in sys_load_error_detail.
TEST_F(UnloadCopy, CharacterLengthsAreBytes) {
    const std::string too_long_12 = "ERROR: value too long for type character varying(12)";
    ok("CREATE TABLE bl (id int, v varchar(12), c char(4))");
    ok("INSERT INTO bl VALUES (1, '日本語日', 'abcd'), (2, 'twelve bytes', NULL)");  // 12 bytes each
    EXPECT_EQ(failed("INSERT INTO bl VALUES (3, '日日日日日日日日日日', NULL)"), too_long_12);
    EXPECT_EQ(failed("UPDATE bl SET v = v || 'x' WHERE id = 1"), too_long_12);
    EXPECT_EQ(failed("INSERT INTO bl VALUES (4, 'x', 'é')"), "ERROR: value too long for type character(4)");
    EXPECT_EQ(failed("INSERT INTO bl SELECT 5, repeat('é', 7), NULL"), too_long_12);

    ok("ALTER TABLE bl ALTER COLUMN v TYPE varchar(15)");
    ok("UPDATE bl SET v = v || '本' WHERE id = 1");  // 15 bytes now fit
    EXPECT_EQ(failed("UPDATE bl SET v = v || 'x' WHERE id = 1"), "ERROR: value too long for type character varying(15)");
    auto id = ok("SELECT v FROM bl WHERE id = 1");
    auto r = engine().get_statement_result(connector(), id, std::nullopt);
    ASSERT_TRUE(r);
    const auto& meta = r.value().at("ColumnMetadata").as_array().at(0).as_object();
    EXPECT_EQ(meta.at("typeName"), "varchar");
    EXPECT_EQ(meta.at("precision"), 15) << "the declared length, as Redshift reports it";
    EXPECT_EQ(r.value().at("Records").as_array().at(0).as_array().at(0).at("stringValue"), "日本語日本");

    ok("ALTER TABLE bl ADD COLUMN w varchar(3)");
    EXPECT_EQ(failed("INSERT INTO bl (id, w) VALUES (6, 'éé')"), "ERROR: value too long for type character varying(3)");
    ok("ALTER TABLE bl DROP COLUMN c");  // the check never blocks DDL
    ok("ALTER TABLE bl RENAME COLUMN w TO w2");
    EXPECT_EQ(failed("UPDATE bl SET w2 = 'éé' WHERE id = 1"), "ERROR: value too long for type character varying(3)");
    ok("UPDATE bl SET id = id WHERE id = 1");  // a row with multi-byte text that fits
    ok("CREATE TABLE bl_copy AS SELECT id, v FROM bl");
    EXPECT_EQ(failed("INSERT INTO bl_copy VALUES (7, repeat('本', 6))"),
              "ERROR: value too long for type character varying(15)");
    ok("CREATE TEMP TABLE bl_stage (LIKE bl); INSERT INTO bl_stage (id) VALUES (0)");
    EXPECT_NE(failed("CREATE TEMP TABLE bl_stage2 (v varchar(2)); INSERT INTO bl_stage2 VALUES ('é1')")
                  .find("character varying(2)"),
              std::string::npos);
    EXPECT_EQ(scalar("SELECT count(*) FROM bl"), "2") << "no failed statement left a row";

    put("blcopy/rows.csv", "8,日本語日本語,\n9,ok,\n");
    EXPECT_EQ(failed("COPY bl FROM 's3://unload-example/blcopy/' IAM_ROLE default CSV"),
              "ERROR: Load into table 'bl' failed. Check 'sys_load_error_detail' system table for details.");
    EXPECT_EQ(scalar("SELECT error_code || ':' || trim(column_name) || ':' || trim(error_message) FROM sys_load_error_detail "
                     "WHERE file_name LIKE '%blcopy%'"),
              "1204:v:String length exceeds DDL length");
    EXPECT_EQ(rows_of("COPY bl FROM 's3://unload-example/blcopy/' IAM_ROLE default CSV TRUNCATECOLUMNS"), 2);
    EXPECT_EQ(scalar("SELECT v FROM bl WHERE id = 8"), "日本語日本") << "cut to 15 bytes";
}

TEST_F(UnloadCopy, DialectRewritesRunOnPostgres) {
    ok("CREATE TABLE base_t (id bigint identity(1,1), doc super, name varchar(max) encode lzo) diststyle even "
       "sortkey(id)");
    ok("CREATE TEMP TABLE stage_t (LIKE base_t); INSERT INTO stage_t VALUES (1, '{\"a\": 1}', 'x')");
    EXPECT_EQ(scalar("SELECT getdate() <= now()::timestamp"), "true");
    EXPECT_EQ(scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'base_t'::regclass "
                     "AND attname = 'name'"),
              "character varying(65535)");
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new cluster_environment);
    return RUN_ALL_TESTS();
}

#pragma once
// One private PostgreSQL cluster per test binary (a gtest Environment), with localaws's default
// setup (database dev, role rss_admin, Redshift's SQL functions) and a statement engine; helpers
// to run SQL through the engine.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "tools/localaws/data_api/statement_engine.hpp"
#include "tools/localaws/redshift/identity.hpp"
#include "tools/localaws/redshift/sql_functions.hpp"
#include "tools/localaws/redshift/testing/test_cluster.hpp"

namespace test_support {

namespace da = localaws::data_api;
namespace json = boost::json;

class cluster_environment : public ::testing::Environment {
public:
    void SetUp() override {
        cluster = std::make_unique<localaws::redshift::testing::test_cluster>();
        ASSERT_EQ(cluster->start(), "");
        identities = std::make_unique<localaws::redshift::identity_provisioner>(cluster->get());
        ASSERT_EQ(identities->ensure_default_setup(), "");
        ASSERT_EQ(localaws::redshift::install_sql_functions(cluster->get()), "");  // as localaws does at start
    }
    void TearDown() override {
        identities.reset();
        cluster.reset();
    }
    static inline std::unique_ptr<localaws::redshift::testing::test_cluster> cluster;
    static inline std::unique_ptr<localaws::redshift::identity_provisioner> identities;
};

inline da::caller connector() {
    return {"arn:aws:sts::111122223333:assumed-role/shiftsync-connector/test",
            {"IAMR:shiftsync-connector", {"rss_admin"}}};
}

inline da::execute_input sql_input(std::string sql) {
    da::execute_input in;
    in.sqls = {std::move(sql)};
    in.database = "dev";
    in.workgroup_name = "default-workgroup";
    return in;
}

// Polls DescribeStatement until the statement is final; returns the last description.
inline json::object wait_final(da::statement_engine& engine, const da::caller& who, const std::string& id) {
    for (;;) {
        auto d = engine.describe_statement(who, id);
        if (!d) return {{"Status", "MISSING"}, {"Error", d.error().message}};
        std::string status(d.value().at("Status").as_string());
        if (status == "FINISHED" || status == "FAILED" || status == "ABORTED") return d.value();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

// Executes and waits; returns the final description (with "Id").
inline json::object run(da::statement_engine& engine, const std::string& sql, const da::caller& who = connector()) {
    auto out = engine.execute_statement(who, sql_input(sql));
    if (!out) return {{"Status", "REJECTED"}, {"Error", out.error().code + ": " + out.error().message}};
    return wait_final(engine, who, std::string(out.value().at("Id").as_string()));
}

inline std::string status_of(const json::object& d) { return std::string(d.at("Status").as_string()); }
inline std::string error_of(const json::object& d) {
    auto* e = d.if_contains("Error");
    return e ? std::string(e->as_string()) : "";
}

}  // namespace test_support

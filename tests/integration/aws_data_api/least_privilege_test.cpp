// Least privilege: after every other test of this binary has used the aws/ clients as the connector
// role, every IAM action localaws saw them need (its request log records them) must be one that the
// connector guide's policies grant — read at run time from ../shared/reference/iam, the guide's own
// JSON. An action that was denied counts too: the clients must not depend on it.

#include "shared_localaws.hpp"

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using namespace shiftsync;
using shared::run;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::set<std::string> granted_actions(const fs::path& policy) {
    std::set<std::string> out;
    auto doc = boost::json::parse(read_file(policy));
    for (const auto& statement : doc.at("Statement").as_array()) {
        const auto& actions = statement.at("Action");
        if (actions.is_string()) out.insert(std::string(actions.as_string()));
        else
            for (const auto& a : actions.as_array()) out.insert(std::string(a.as_string()));
    }
    return out;
}

}  // namespace

TEST(StagingBucket, RoundTripAsTheConnectorRole) {
    shared::connector c;
    aws::diagnostics diag;
    auto etag = run(c.ctx, c.s3->async_put_object(::localaws::testing::staging_bucket, "least-privilege/probe.csv",
                                                  engine::http::buffer_source::from("id\n1\n"), {}, diag));
    ASSERT_TRUE(etag) << diag.to_string();
    auto page = run(c.ctx, c.s3->async_list_objects_v2(::localaws::testing::staging_bucket, {.prefix = "least-privilege/"}, diag));
    ASSERT_TRUE(page) << diag.to_string();
    EXPECT_EQ(page->objects.size(), 1u);
    std::string body;
    auto got = run(c.ctx, c.s3->async_get_object(::localaws::testing::staging_bucket, "least-privilege/probe.csv",
                                                 std::nullopt, engine::http::string_sink{}, diag, &body));
    ASSERT_TRUE(got) << diag.to_string();
    EXPECT_EQ(body, "id\n1\n");
    std::vector<std::string> keys{"least-privilege/probe.csv"};
    auto failures = run(c.ctx, c.s3->async_delete_objects(::localaws::testing::staging_bucket, keys, diag));
    ASSERT_TRUE(failures) << diag.to_string();
    EXPECT_TRUE(failures->empty());
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    int status = RUN_ALL_TESTS();

    const char* env = std::getenv("SHIFTSYNC_REFERENCE");
    fs::path reference = env && *env ? fs::path(env) : fs::path(SHIFTSYNC_DEFAULT_REFERENCE);
    if (!fs::exists(reference / "iam" / "data-api-role-policy.json")) {
        std::cout << "least privilege: the connector guide's policies are not at " << reference
                  << "/iam (set SHIFTSYNC_REFERENCE)\n";
        return 1;
    }
    std::set<std::string> role_may = granted_actions(reference / "iam" / "data-api-role-policy.json");
    for (const auto& a : granted_actions(reference / "iam" / "s3-staging-policy.json")) role_may.insert(a);

    std::set<std::string> needed, outside;
    std::ifstream log(shared::localaws().data_dir() / "requests.jsonl");
    for (std::string line; std::getline(log, line);) {
        auto entry = boost::json::parse(line).as_object();
        std::string principal = entry.contains("principal") ? std::string(entry.at("principal").as_string()) : "";
        bool as_role = principal.find("assumed-role/shiftsync-connector/") != std::string::npos;
        bool as_operator = principal.find(":user/operator") != std::string::npos;
        if (!entry.contains("actions")) continue;
        for (const auto& a : entry.at("actions").as_array()) {
            std::string action(a.as_string());
            bool denied = action.starts_with("!");
            if (denied) action.erase(0, 1);
            needed.insert(action);
            bool allowed = as_role ? role_may.contains(action) : as_operator && action == "sts:AssumeRole";
            if (denied || !allowed) outside.insert(action + (denied ? " (denied)" : "") + " by " + principal);
        }
    }
    std::cout << "least privilege: the clients needed";
    for (const auto& a : needed) std::cout << " " << a;
    std::cout << "\n";
    if (needed.empty()) {
        std::cout << "least privilege: FAILED — the request log recorded no IAM actions at all\n";
        return 1;
    }
    if (!outside.empty()) {
        std::cout << "least privilege: FAILED — outside the connector guide's policies:\n";
        for (const auto& a : outside) std::cout << "  " << a << "\n";
        return 1;
    }
    std::cout << "least privilege: every action is granted by the connector guide's policies\n";

    // And nothing secret reached the log: not the operator's secret key, not a signature.
    std::string whole = read_file(shared::localaws().data_dir() / "requests.jsonl");
    for (std::string secret : {std::string(::localaws::testing::operator_secret_key), std::string("Signature="),
                               std::string("X-Amz-Security-Token")}) {
        if (whole.find(secret) != std::string::npos) {
            std::cout << "secrets: FAILED — the request log contains '" << secret.substr(0, 12) << "...'\n";
            return 1;
        }
    }
    return status;
}

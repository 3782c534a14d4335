// transfer/endpoint's sans-IO parts: endpoint addresses, the account of an ARN, the Data API's
// named parameters as positional ones, and endpoint results in the Data API's shape.

#include "transfer/endpoint/endpoint_address.hpp"
#include "transfer/endpoint/login_failure.hpp"
#include "transfer/endpoint/endpoint_pool.hpp"
#include "transfer/endpoint/result_shape.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ep = shiftsync::transfer::endpoint;
namespace rd = shiftsync::aws::redshift_data;
namespace pg = shiftsync::engine::pg;

TEST(EndpointAddress, ParsesHostAndPort) {
    std::string why;
    auto a = ep::parse_endpoint_address("wg.123456789012.us-east-1.redshift-serverless.amazonaws.com:5440", why);
    ASSERT_TRUE(a) << why;
    EXPECT_EQ(a->host, "wg.123456789012.us-east-1.redshift-serverless.amazonaws.com");
    EXPECT_EQ(a->port, 5440);
    auto b = ep::parse_endpoint_address("127.0.0.1", why);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->port, 5439);
    auto c = ep::parse_endpoint_address("[::1]:6000", why);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host, "::1");
    EXPECT_EQ(c->to_string(), "[::1]:6000");
}

TEST(EndpointAddress, RefusesWhatIsNotAnAddress) {
    for (const char* bad : {"", ":5439", "host:", "host:0", "host:70000", "host:12a", "::1:5439", "[::1", "a b:1",
                            "user@host:1", "[::1]x"}) {
        std::string why;
        EXPECT_FALSE(ep::parse_endpoint_address(bad, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
}

TEST(EndpointAddress, NamesTheEndpointAsAwsDoes) {
    EXPECT_EQ(ep::derived_endpoint("analytics", "123456789012", "eu-west-1").to_string(),
              "analytics.123456789012.eu-west-1.redshift-serverless.amazonaws.com:5439");
    EXPECT_EQ(ep::derived_endpoint("wg", "123456789012", "cn-north-1").host,
              "wg.123456789012.cn-north-1.redshift-serverless.amazonaws.com.cn");
    EXPECT_EQ(ep::account_of_arn("arn:aws:iam::123456789012:role/shiftsync-connector"), "123456789012");
    EXPECT_EQ(ep::account_of_arn("arn:aws:sts::210987654321:assumed-role/r/s"), "210987654321");
    EXPECT_FALSE(ep::account_of_arn("arn:aws:iam::12345:role/x"));
    EXPECT_FALSE(ep::account_of_arn("role/x"));
    EXPECT_FALSE(ep::account_of_arn("arn:aws:iam::12345678901a:role/x"));
}

TEST(PositionalParameters, RewritesNamesOutsideQuotesAndCasts) {
    std::string sql;
    std::vector<pg::parameter> values;
    std::string why;
    std::vector<rd::statement_parameter> named{{"id", "7"}, {"name", "it's"}};
    ASSERT_TRUE(ep::positional_parameters(
        "select ':id', \":name\", x::int /* :id */ -- :name\n, $$ :id $$ from t where id = :id and n = :name or k = :id",
        named, sql, values, why))
        << why;
    EXPECT_EQ(sql,
              "select ':id', \":name\", x::int /* :id */ -- :name\n, $$ :id $$ from t where id = $1 and n = $2 or k = $1");
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], std::optional<std::string>("7"));
    EXPECT_EQ(values[1], std::optional<std::string>("it's"));
}

TEST(PositionalParameters, RefusesMissingAndUnusedParameters) {
    std::string sql, why;
    std::vector<pg::parameter> values;
    EXPECT_FALSE(ep::positional_parameters("select :a", {}, sql, values, why));
    EXPECT_NE(why.find(":a"), std::string::npos);
    why.clear();
    std::vector<rd::statement_parameter> unused{{"b", "1"}};
    EXPECT_FALSE(ep::positional_parameters("select 1", unused, sql, values, why));
    EXPECT_NE(why.find("b"), std::string::npos);
}

TEST(ResultShape, TypesValuesAsTheDataApiDoes) {
    std::vector<pg::column> described{{"b", 16, -1},   {"i", 20, -1},  {"f", 701, -1},  {"n", 1700, (12 << 16 | 2) + 4},
                                      {"v", 1043, 14}, {"s", 3802, -1}, {"x", 17, -1},  {"x2", 6551, -1},
                                      {"t", 1184, -1}, {"u", 99999, -1}};
    auto columns = ep::column_metadata_of(described);
    ASSERT_EQ(columns.size(), described.size());
    EXPECT_EQ(columns[0].type_name, "bool");
    EXPECT_EQ(columns[3].type_name, "numeric");
    EXPECT_EQ(columns[3].precision, 12);
    EXPECT_EQ(columns[3].scale, 2);
    EXPECT_EQ(columns[4].type_name, "varchar");
    EXPECT_EQ(columns[4].length, 10);
    EXPECT_EQ(columns[5].type_name, "super");
    EXPECT_EQ(columns[6].type_name, "varbyte");
    EXPECT_EQ(columns[7].type_name, "varbyte");
    EXPECT_EQ(columns[9].type_name, "oid 99999");

    std::vector<pg::row> rows{{"t", "-9223372036854775808", "0.1", "12345678901.25", "a,b", "{\"a\": 1}", "\\x0aff",
                               "0aff", "2026-12-03 04:05:06+00", "?"},
                              {std::nullopt, std::nullopt, "NaN", std::nullopt, "", std::nullopt, std::nullopt,
                               std::nullopt, std::nullopt, std::nullopt}};
    std::vector<rd::row> out;
    std::string why;
    ASSERT_TRUE(ep::append_rows(columns, rows, out, why)) << why;
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0][0], rd::field(true));
    EXPECT_EQ(out[0][1], rd::field(std::int64_t{INT64_MIN}));
    EXPECT_EQ(out[0][2], rd::field(0.1));
    EXPECT_EQ(out[0][3], rd::field(std::string("12345678901.25")));  // never through a double
    EXPECT_EQ(out[0][5], rd::field(std::string("{\"a\": 1}")));
    EXPECT_EQ(out[0][6], rd::field(std::string("0aff")));
    EXPECT_EQ(out[0][7], rd::field(std::string("0aff")));
    EXPECT_TRUE(std::holds_alternative<rd::null_value>(out[1][0]));
    EXPECT_EQ(out[1][4], rd::field(std::string()));  // empty is not NULL
    EXPECT_TRUE(std::isnan(std::get<double>(out[1][2])));
}

TEST(ResultShape, AValueThatIsNotOfItsTypeIsAnError) {
    std::vector<pg::column> described{{"i", 23, -1}};
    auto columns = ep::column_metadata_of(described);
    std::vector<pg::row> rows{{"12x"}};
    std::vector<rd::row> out;
    std::string why;
    EXPECT_FALSE(ep::append_rows(columns, rows, out, why));
    EXPECT_NE(why.find("\"i\""), std::string::npos);
}

TEST(LoginFailure, ExplainsWhatTheUserCanDo) {
    ep::endpoint_settings settings;
    settings.address = {"wg.123456789012.us-east-1.redshift-serverless.amazonaws.com", 5439};
    pg::pg_diagnostics refused{.message = "connection to server failed: FATAL:  password authentication failed for user \"IAMR:r\""};
    EXPECT_TRUE(ep::is_password_refusal(refused));
    pg::pg_diagnostics unreachable{.message = "connection to server at \"10.0.0.1\", port 5439 failed: Connection refused"};
    EXPECT_FALSE(ep::is_password_refusal(unreachable));
    ep::explain_login_failure(settings, unreachable, false);
    EXPECT_NE(unreachable.client_note.find("--connection-method data-api"), std::string::npos);
    pg::pg_diagnostics wrong_name{.message = "server certificate for \"localhost\" does not match host name \"wg\""};
    ep::explain_login_failure(settings, wrong_name, false);
    EXPECT_NE(wrong_name.client_note.find("not for the host name"), std::string::npos);
    pg::pg_diagnostics wrong_ca{.message = "SSL error: certificate verify failed"};
    settings.ca_file = "/tmp/ca.crt";
    ep::explain_login_failure(settings, wrong_ca, false);
    EXPECT_NE(wrong_ca.client_note.find("/tmp/ca.crt"), std::string::npos);
    ep::explain_login_failure(settings, refused, true);
    EXPECT_NE(refused.client_note.find("twice"), std::string::npos);
}

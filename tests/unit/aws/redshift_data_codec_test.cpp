#include "aws/redshift_data/codec.hpp"
#include "aws/redshift_serverless/redshift_serverless_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace shiftsync::aws;
using namespace shiftsync::aws::redshift_data;

TEST(DataApiCodec, ExecuteStatementBody) {
    execute_request r{.sql = "select * from t where id = :id", .database = "dev", .workgroup = "default-workgroup",
                      .parameters = {{"id", "42"}}, .client_token = "tok", .session_keep_alive_seconds = 300};
    auto body = boost::json::parse(execute_statement_body(r)).as_object();
    EXPECT_EQ(body.at("Sql").as_string(), "select * from t where id = :id");
    EXPECT_EQ(body.at("WorkgroupName").as_string(), "default-workgroup");
    EXPECT_EQ(body.at("Parameters").as_array().at(0).as_object().at("name").as_string(), "id");
    EXPECT_EQ(body.at("SessionKeepAliveSeconds").as_int64(), 300);
    EXPECT_FALSE(body.contains("SessionId"));

    execute_request in_session{.sql = "select 1", .session_id = "s-1"};
    auto session_body = boost::json::parse(execute_statement_body(in_session)).as_object();
    EXPECT_EQ(session_body.at("SessionId").as_string(), "s-1");
    EXPECT_FALSE(session_body.contains("Database"));  // a session already has its database
}

TEST(DataApiCodec, DescribeStatement) {
    auto d = parse_describe_statement(R"({"Id":"abc","Status":"FAILED","Error":"ERROR: relation \"nope\" does not exist",
        "Duration":123456,"HasResultSet":false,"ResultRows":-1,"ResultSize":-1,"QueryString":"select * from nope",
        "RedshiftQueryId":77,"CreatedAt":1.7e9,"SubStatements":[]})");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, statement_status::failed);
    EXPECT_EQ(d->error, "ERROR: relation \"nope\" does not exist");
    EXPECT_EQ(d->duration_ns, 123456);
    EXPECT_EQ(d->redshift_query_id, 77);
    EXPECT_EQ(d->created_at, 1.7e9);
    EXPECT_FALSE(parse_describe_statement("{\"Status\":\"FINISHED\"}"));  // no Id
    auto iso = parse_describe_statement(R"({"Id":"x","CreatedAt":"2026-11-28T14:18:57.123456+00:00"})");
    ASSERT_TRUE(iso);
    EXPECT_EQ(iso->created_at, 1795875537.0);
    EXPECT_FALSE(parse_describe_statement("not json"));
}

TEST(DataApiCodec, GetStatementResultTypedFields) {
    auto page = parse_get_statement_result(R"({"Records":[
        [{"longValue":-9000000000},{"doubleValue":1.5},{"stringValue":"caf\u00e9"},{"booleanValue":true},{"isNull":true},{"blobValue":"AAEC/w=="}]],
        "ColumnMetadata":[{"name":"id","typeName":"int8","nullable":0,"isSigned":true,"precision":19,"scale":0},
                          {"name":"price","typeName":"float8","nullable":1},{"name":"name","typeName":"varchar","length":256},
                          {"name":"ok","typeName":"bool"},{"name":"n","typeName":"numeric","precision":10,"scale":2},
                          {"name":"b","typeName":"varbyte","nullable":false}],
        "TotalNumRows":1,"NextToken":"next"})");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->rows.size(), 1u);
    const row& r = page->rows[0];
    EXPECT_EQ(std::get<std::int64_t>(r[0]), -9000000000);
    EXPECT_EQ(std::get<double>(r[1]), 1.5);
    EXPECT_EQ(std::get<std::string>(r[2]), "caf\xc3\xa9");
    EXPECT_EQ(std::get<bool>(r[3]), true);
    EXPECT_TRUE(std::holds_alternative<null_value>(r[4]));
    EXPECT_EQ(std::get<blob_value>(r[5]).bytes, std::string("\x00\x01\x02\xff", 4));
    EXPECT_EQ(page->columns[0].type_name, "int8");
    EXPECT_FALSE(page->columns[0].nullable);
    EXPECT_TRUE(page->columns[0].is_signed);
    EXPECT_EQ(page->columns[4].scale, 2);
    EXPECT_FALSE(page->columns[5].nullable);
    EXPECT_EQ(page->next_token, "next");
}

TEST(DataApiCodec, CatalogLists) {
    auto dbs = parse_name_list(R"({"Databases":["dev","sample_data_dev"],"NextToken":"t"})", "Databases");
    ASSERT_TRUE(dbs);
    EXPECT_EQ(dbs->first, (std::vector<std::string>{"dev", "sample_data_dev"}));
    EXPECT_EQ(dbs->second, "t");
    auto tables = parse_list_tables(R"({"Tables":[{"name":"orders","schema":"public","type":"TABLE"}]})");
    ASSERT_TRUE(tables);
    EXPECT_EQ(tables->first.at(0).schema, "public");
    auto columns = parse_describe_table(R"({"ColumnList":[{"name":"id","typeName":"integer"}],"TableName":"orders"})");
    ASSERT_TRUE(columns);
    EXPECT_EQ(columns->first.at(0).type_name, "integer");
}

TEST(ServerlessCodec, GetCredentials) {
    auto creds = redshift_serverless::parse_get_credentials(
        R"({"dbUser":"IAMR:shiftsync-connector","dbPassword":"p@ss","expiration":1.7649E9,"nextRefreshTime":1.7648E9})");
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->db_user, "IAMR:shiftsync-connector");
    EXPECT_TRUE(creds->next_refresh_time.has_value());
    EXPECT_FALSE(redshift_serverless::parse_get_credentials(R"({"dbUser":"x"})"));
}

TEST(DataApiCodec, MotoStyleResult) {
    auto page = parse_get_statement_result(R"({"Records": [[{"longValue": 10}, {"stringValue": "Alpha st"}, {"stringValue": "Vancouver"}], [{"longValue": 50}, {"stringValue": "Beta st"}, {"stringValue": "Toronto"}]], "ColumnMetadata": [{"columnDefault": null, "isCaseSensitive": false, "isSigned": true, "name": "Number", "nullable": false}, {"isCaseSensitive": true, "isSigned": false, "name": "Street", "nullable": false}], "TotalNumRows": 2, "NextToken": null})");
    ASSERT_TRUE(page) << page.error().message();
    EXPECT_EQ(page->rows.size(), 2u);
}

TEST(RedshiftServerless, ParsesGetWorkgroup) {
    auto wg = redshift_serverless::parse_get_workgroup(
        R"({"workgroup":{"workgroupName":"analytics","workgroupArn":"arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/x",)"
        R"("status":"AVAILABLE","namespaceName":"ns","endpoint":{"address":"analytics.123456789012.us-east-1.redshift-serverless.amazonaws.com","port":5440,"vpcEndpoints":[]}}})");
    ASSERT_TRUE(wg);
    EXPECT_EQ(wg->name, "analytics");
    EXPECT_EQ(wg->status, "AVAILABLE");
    ASSERT_TRUE(wg->endpoint);
    EXPECT_EQ(wg->endpoint->port, 5440);
    auto creating = redshift_serverless::parse_get_workgroup(R"({"workgroup":{"workgroupName":"w","status":"CREATING"}})");
    ASSERT_TRUE(creating);
    EXPECT_FALSE(creating->endpoint);
    EXPECT_FALSE(redshift_serverless::parse_get_workgroup(R"({"workgroup":{"endpoint":{"address":"a","port":0}}})"));
    EXPECT_FALSE(redshift_serverless::parse_get_workgroup("[]"));
}

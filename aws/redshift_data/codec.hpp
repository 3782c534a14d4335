#pragma once
// JSON in and out for the Data API: request bodies built with Boost.JSON, responses parsed with
// simdjson's on-demand API. Sans-IO, unit-tested without a server.

#include "aws/redshift_data/types.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace shiftsync::aws::redshift_data {

std::string execute_statement_body(const execute_request& request);
std::string id_body(std::string_view id, std::string_view next_token = {});
std::string list_body(std::string_view database, std::string_view workgroup, std::string_view next_token,
                      std::string_view schema_pattern = {}, std::string_view table_pattern = {});
std::string describe_table_body(std::string_view database, std::string_view workgroup, std::string_view schema,
                                std::string_view table, std::string_view next_token);

boost::system::result<execute_result> parse_execute_statement(std::string_view json);
boost::system::result<statement_description> parse_describe_statement(std::string_view json);
boost::system::result<result_page> parse_get_statement_result(std::string_view json);
// ListDatabases / ListSchemas: {"Databases"|"Schemas": [...], "NextToken"}
boost::system::result<std::pair<std::vector<std::string>, std::string>> parse_name_list(std::string_view json,
                                                                                     std::string_view member);
boost::system::result<std::pair<std::vector<table_entry>, std::string>> parse_list_tables(std::string_view json);
// DescribeTable: ColumnList as column metadata, NextToken
boost::system::result<std::pair<std::vector<column_metadata>, std::string>> parse_describe_table(std::string_view json);

}  // namespace shiftsync::aws::redshift_data

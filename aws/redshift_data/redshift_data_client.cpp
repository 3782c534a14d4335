#include "aws/redshift_data/redshift_data_client.hpp"

#include "aws/protocol/json_protocol.hpp"
#include "aws/redshift_data/codec.hpp"

namespace shiftsync::aws::redshift_data {

namespace http = engine::http;

boost::asio::awaitable<boost::system::result<http::response>> redshift_data_client::call(std::string operation,
                                                                                         std::string body,
                                                                                         engine::priority priority,
                                                                                         diagnostics& diag) {
    service_call c;
    c.headers.add("Content-Type", json_protocol::content_type);
    c.headers.add("X-Amz-Target", json_protocol::target("RedshiftData", operation));
    c.operation = std::move(operation);
    c.body = http::buffer_source::from(std::move(body));
    c.options.priority = priority;
    co_return co_await service_.async_call(std::move(c), diag);
}

boost::asio::awaitable<boost::system::result<execute_result>> redshift_data_client::async_execute_statement(
    const execute_request& request, diagnostics& diag) {
    auto reply = co_await call("ExecuteStatement", execute_statement_body(request), engine::priority::normal, diag);
    if (!reply) co_return reply.error();
    co_return parse_execute_statement(reply->body);
}

boost::asio::awaitable<boost::system::result<statement_description>> redshift_data_client::async_describe_statement(
    const std::string& id, diagnostics& diag) {
    auto reply = co_await call("DescribeStatement", id_body(id), engine::priority::control, diag);
    if (!reply) co_return reply.error();
    co_return parse_describe_statement(reply->body);
}

boost::asio::awaitable<boost::system::result<result_page>> redshift_data_client::async_get_statement_result(
    const std::string& id, const std::string& next_token, diagnostics& diag) {
    auto reply = co_await call("GetStatementResult", id_body(id, next_token), engine::priority::normal, diag);
    if (!reply) co_return reply.error();
    auto page = parse_get_statement_result(reply->body);
    if (!page) diag.client_note = "GetStatementResult's answer is not a result page: " + reply->body.substr(0, 200);
    co_return page;
}

boost::asio::awaitable<boost::system::result<bool>> redshift_data_client::async_cancel_statement(const std::string& id,
                                                                                                diagnostics& diag) {
    auto reply = co_await call("CancelStatement", id_body(id), engine::priority::control, diag);
    // result<bool> cannot tell an error_code from a bool by conversion: say which one this is.
    if (!reply) co_return boost::system::result<bool>(boost::system::in_place_error, reply.error());
    co_return reply->body.find("true") != std::string::npos;
}

boost::asio::awaitable<boost::system::result<std::int64_t>> redshift_data_client::async_for_each_page(
    const std::string& id, const std::function<bool(result_page&)>& on_page, diagnostics& diag) {
    std::string token;
    std::int64_t rows = 0;
    do {
        auto page = co_await async_get_statement_result(id, token, diag);
        if (!page) co_return page.error();
        rows += static_cast<std::int64_t>(page->rows.size());
        token = std::move(page->next_token);
        if (!on_page(*page)) break;
    } while (!token.empty());
    co_return rows;
}

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> redshift_data_client::async_list_databases(
    const std::string& database, const std::string& workgroup, diagnostics& diag) {
    std::vector<std::string> all;
    std::string token;
    do {
        auto reply = co_await call("ListDatabases", list_body(database, workgroup, token), engine::priority::normal, diag);
        if (!reply) co_return reply.error();
        auto page = parse_name_list(reply->body, "Databases");
        if (!page) co_return page.error();
        all.insert(all.end(), page->first.begin(), page->first.end());
        token = std::move(page->second);
    } while (!token.empty());
    co_return all;
}

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> redshift_data_client::async_list_schemas(
    const std::string& database, const std::string& workgroup, const std::string& schema_pattern, diagnostics& diag) {
    std::vector<std::string> all;
    std::string token;
    do {
        auto reply = co_await call("ListSchemas", list_body(database, workgroup, token, schema_pattern),
                                   engine::priority::normal, diag);
        if (!reply) co_return reply.error();
        auto page = parse_name_list(reply->body, "Schemas");
        if (!page) co_return page.error();
        all.insert(all.end(), page->first.begin(), page->first.end());
        token = std::move(page->second);
    } while (!token.empty());
    co_return all;
}

boost::asio::awaitable<boost::system::result<std::vector<table_entry>>> redshift_data_client::async_list_tables(
    const std::string& database, const std::string& workgroup, const std::string& schema_pattern,
    const std::string& table_pattern, diagnostics& diag) {
    std::vector<table_entry> all;
    std::string token;
    do {
        auto reply = co_await call("ListTables", list_body(database, workgroup, token, schema_pattern, table_pattern),
                                   engine::priority::normal, diag);
        if (!reply) co_return reply.error();
        auto page = parse_list_tables(reply->body);
        if (!page) co_return page.error();
        all.insert(all.end(), page->first.begin(), page->first.end());
        token = std::move(page->second);
    } while (!token.empty());
    co_return all;
}

boost::asio::awaitable<boost::system::result<std::vector<column_metadata>>> redshift_data_client::async_describe_table(
    const std::string& database, const std::string& workgroup, const std::string& schema, const std::string& table,
    diagnostics& diag) {
    std::vector<column_metadata> all;
    std::string token;
    do {
        auto reply = co_await call("DescribeTable", describe_table_body(database, workgroup, schema, table, token),
                                   engine::priority::normal, diag);
        if (!reply) co_return reply.error();
        auto page = parse_describe_table(reply->body);
        if (!page) co_return page.error();
        all.insert(all.end(), page->first.begin(), page->first.end());
        token = std::move(page->second);
    } while (!token.empty());
    co_return all;
}

}  // namespace shiftsync::aws::redshift_data

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
    const std::string operation = "ExecuteStatement", body = execute_statement_body(request);
    auto reply = co_await call(operation, body, engine::priority::normal, diag);
    if (!reply) co_return reply.error();
    co_return parse_execute_statement(reply->body);
}

boost::asio::awaitable<boost::system::result<statement_description>> redshift_data_client::async_describe_statement(
    const std::string& id, diagnostics& diag) {
    const std::string operation = "DescribeStatement", body = id_body(id);
    auto reply = co_await call(operation, body, engine::priority::control, diag);
    if (!reply) co_return reply.error();
    co_return parse_describe_statement(reply->body);
}

boost::asio::awaitable<boost::system::result<result_page>> redshift_data_client::async_get_statement_result(
    const std::string& id, const std::string& next_token, diagnostics& diag) {
    const std::string operation = "GetStatementResult", body = id_body(id, next_token);
    auto reply = co_await call(operation, body, engine::priority::normal, diag);
    if (!reply) co_return reply.error();
    auto page = parse_get_statement_result(reply->body);
    if (!page) diag.client_note = "GetStatementResult's answer is not a result page: " + reply->body.substr(0, 200);
    co_return page;
}

boost::asio::awaitable<boost::system::result<bool>> redshift_data_client::async_cancel_statement(const std::string& id,
                                                                                                diagnostics& diag) {
    const std::string operation = "CancelStatement", body = id_body(id);
    auto reply = co_await call(operation, body, engine::priority::control, diag);
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

template <class Item>
boost::asio::awaitable<boost::system::result<std::vector<Item>>> redshift_data_client::all_pages(
    const char* operation, const page_body& body_for, const page_parser<Item>& parse, diagnostics& diag) {
    std::vector<Item> all;
    std::string token;
    do {
        const std::string name = operation, body = body_for(token);
        auto reply = co_await call(name, body, engine::priority::normal, diag);
        if (!reply) co_return reply.error();
        auto page = parse(reply->body);
        if (!page) co_return page.error();
        all.insert(all.end(), page->first.begin(), page->first.end());
        token = std::move(page->second);
    } while (!token.empty());
    co_return all;
}

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> redshift_data_client::async_list_databases(
    const std::string& database, const std::string& workgroup, diagnostics& diag) {
    const page_body body = [&](const std::string& token) { return list_body(database, workgroup, token); };
    const page_parser<std::string> parse = [](std::string_view json) { return parse_name_list(json, "Databases"); };
    co_return co_await all_pages("ListDatabases", body, parse, diag);
}

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> redshift_data_client::async_list_schemas(
    const std::string& database, const std::string& workgroup, const std::string& schema_pattern, diagnostics& diag) {
    const page_body body = [&](const std::string& token) {
        return list_body(database, workgroup, token, schema_pattern);
    };
    const page_parser<std::string> parse = [](std::string_view json) { return parse_name_list(json, "Schemas"); };
    co_return co_await all_pages("ListSchemas", body, parse, diag);
}

boost::asio::awaitable<boost::system::result<std::vector<table_entry>>> redshift_data_client::async_list_tables(
    const std::string& database, const std::string& workgroup, const std::string& schema_pattern,
    const std::string& table_pattern, diagnostics& diag) {
    const page_body body = [&](const std::string& token) {
        return list_body(database, workgroup, token, schema_pattern, table_pattern);
    };
    const page_parser<table_entry> parse = [](std::string_view json) { return parse_list_tables(json); };
    co_return co_await all_pages("ListTables", body, parse, diag);
}

boost::asio::awaitable<boost::system::result<std::vector<column_metadata>>> redshift_data_client::async_describe_table(
    const std::string& database, const std::string& workgroup, const std::string& schema, const std::string& table,
    diagnostics& diag) {
    const page_body body = [&](const std::string& token) {
        return describe_table_body(database, workgroup, schema, table, token);
    };
    const page_parser<column_metadata> parse = [](std::string_view json) { return parse_describe_table(json); };
    co_return co_await all_pages("DescribeTable", body, parse, diag);
}

}  // namespace shiftsync::aws::redshift_data

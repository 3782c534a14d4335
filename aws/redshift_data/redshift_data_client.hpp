#pragma once
// The Redshift Data API (JSON 1.1, X-Amz-Target RedshiftData.*): run statements, wait for them,
// page through their results, browse the catalog. One awaitable per operation on service_client,
// plus async_wait_for, whose polling adapts to how long a statement has been running.
//
// Permissions used are exactly the connector guide's: ExecuteStatement, DescribeStatement,
// GetStatementResult, CancelStatement, ListDatabases, ListSchemas, ListTables, DescribeTable.

#include "aws/client/service_client.hpp"
#include "aws/redshift_data/poll_schedule.hpp"
#include "aws/redshift_data/types.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace shiftsync::aws::redshift_data {

class redshift_data_client {
public:
    explicit redshift_data_client(service_client& service) : service_(service) {}

    // The service this client calls: a second client on it keeps its own run-time history, for
    // statements not comparable with the others (a bulk COPY beside quick BEGIN/COMMITs).
    service_client& service() const { return service_; }

    boost::asio::awaitable<boost::system::result<execute_result>> async_execute_statement(const execute_request& request,
                                                                                         diagnostics& diag);
    boost::asio::awaitable<boost::system::result<statement_description>> async_describe_statement(
        const std::string& id, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<result_page>> async_get_statement_result(
        const std::string& id, const std::string& next_token, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<bool>> async_cancel_statement(const std::string& id,
                                                                              diagnostics& diag);

    // Polls DescribeStatement until the statement ends, on the schedule poll_schedule.hpp explains
    // (about one call per statement once this client has seen a few finish). FAILED becomes an error whose diagnostics
    // carry Redshift's error text and the statement id; ABORTED likewise. If the waiting coroutine
    // is cancelled, or `policy.timeout` passes, the statement is cancelled too (CancelStatement).
    boost::asio::awaitable<boost::system::result<statement_description>> async_wait_for(
        const std::string& id, diagnostics& diag, const wait_policy& policy = {}, int* polls = nullptr);

    // Every page of a result, in order; `on_page` may stop the stream by returning false.
    boost::asio::awaitable<boost::system::result<std::int64_t>> async_for_each_page(
        const std::string& id, const std::function<bool(result_page&)>& on_page, diagnostics& diag);

    boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_list_databases(
        const std::string& database, const std::string& workgroup, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_list_schemas(
        const std::string& database, const std::string& workgroup, const std::string& schema_pattern,
        diagnostics& diag);
    boost::asio::awaitable<boost::system::result<std::vector<table_entry>>> async_list_tables(
        const std::string& database, const std::string& workgroup, const std::string& schema_pattern,
        const std::string& table_pattern, diagnostics& diag);
    boost::asio::awaitable<boost::system::result<std::vector<column_metadata>>> async_describe_table(
        const std::string& database, const std::string& workgroup, const std::string& schema,
        const std::string& table, diagnostics& diag);

private:
    boost::asio::awaitable<boost::system::result<statement_description>> look_until_done(
        const std::string& id, diagnostics& diag, const wait_policy& policy, int* polls, bool scout);
    // The catalog calls page with NextToken: one loop for all of them.
    using page_body = std::function<std::string(const std::string& next_token)>;
    template <class Item>
    using page_parser =
        std::function<boost::system::result<std::pair<std::vector<Item>, std::string>>(std::string_view json)>;
    template <class Item>
    boost::asio::awaitable<boost::system::result<std::vector<Item>>> all_pages(const char* operation,
                                                                              const page_body& body_for,
                                                                              const page_parser<Item>& parse,
                                                                              diagnostics& diag);

    boost::asio::awaitable<boost::system::result<engine::http::response>> call(std::string operation, std::string body,
                                                                               engine::priority priority,
                                                                               diagnostics& diag);
    service_client& service_;
    // What async_wait_for has learned, shared by every wait on this client (one executor).
    run_time_history run_times_;
    int active_scouts_ = 0;
};

}  // namespace shiftsync::aws::redshift_data

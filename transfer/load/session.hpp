#pragma once
// One Data API session: the first statement starts it (SessionKeepAliveSeconds), the others run
// in it (SessionId), so BEGIN … COMMIT spans several ExecuteStatement calls; and the load's
// transaction run through it (apply_in_transaction). On the endpoint (use_endpoint), the session is
// one pooled connection, held from the first statement to the last.

#include "aws/redshift_data/redshift_data_client.hpp"
#include "transfer/endpoint/endpoint_pool.hpp"
#include "transfer/load/load.hpp"

#include <optional>
#include <string>

namespace shiftsync::transfer::load {

class session {
public:
    session(aws::redshift_data::redshift_data_client& data, std::string database, std::string workgroup,
            int keep_alive_seconds, aws::redshift_data::wait_policy wait)
        : data_(data), bulk_(data.service()), database_(std::move(database)), workgroup_(std::move(workgroup)),
          keep_alive_seconds_(keep_alive_seconds), wait_(wait) {}

    // Runs `sql` in the session and waits for it; a FAILED statement is an error with Redshift's text.
    boost::asio::awaitable<boost::system::result<aws::redshift_data::statement_description>> async_run(
        std::string sql, aws::diagnostics& diag);
    // The same for a bulk statement (COPY), waited for by a client of its own: the waiter learns
    // how long statements take, and a long COPY must not teach it to look late at a COMMIT.
    boost::asio::awaitable<boost::system::result<aws::redshift_data::statement_description>> async_run_bulk(
        std::string sql, aws::diagnostics& diag);
    // The first row's first value of a finished statement's result, as a number.
    boost::asio::awaitable<boost::system::result<std::int64_t>> async_scalar(std::string sql, aws::diagnostics& diag);
    // A statement's result (its first page: for small results).
    boost::asio::awaitable<boost::system::result<aws::redshift_data::result_page>> async_query(std::string sql,
                                                                                              aws::diagnostics& diag);

    // Statements go to the workgroup's endpoint instead of the Data API.
    void use_endpoint(endpoint::endpoint_pool& pool) { endpoint_ = &pool; }
    bool on_endpoint() const { return endpoint_ != nullptr; }

    const std::string& id() const { return session_id_; }
    const std::string& last_statement() const { return last_statement_; }
    aws::redshift_data::redshift_data_client& data() { return data_; }

private:
    boost::asio::awaitable<boost::system::result<aws::redshift_data::statement_description>> run(
        aws::redshift_data::redshift_data_client& waiter, std::string sql, aws::diagnostics& diag);
    boost::asio::awaitable<boost::system::result<aws::redshift_data::statement_description>> run_on_endpoint(
        std::string sql, aws::diagnostics& diag);

    aws::redshift_data::redshift_data_client& data_;
    aws::redshift_data::redshift_data_client bulk_;
    std::string database_;
    std::string workgroup_;
    int keep_alive_seconds_;
    aws::redshift_data::wait_policy wait_;
    std::string session_id_;
    std::string last_statement_;
    endpoint::endpoint_pool* endpoint_ = nullptr;
    endpoint::connection_lease lease_;
    aws::redshift_data::result_page last_page_;  // the endpoint's last result
};

// BEGIN, [CREATE TABLE], the temp table, COPY, the count check, the mode, COMMIT; on any failure
// ROLLBACK (run even after a cancellation) and, when COPY failed, its rows of sys_load_error_detail
// in stats.load_errors. request.before_commit's statements run last, before COMMIT.
// `before` (ALTER TABLE … ADD COLUMN / ALTER COLUMN TYPE) runs first, outside the transaction: Redshift
// does not alter a column's type inside one.
boost::asio::awaitable<boost::system::result<void>> apply_in_transaction(load_environment& env, session& s,
                                                                        const apply_spec& spec,
                                                                        const std::optional<std::string>& create_table,
                                                                        const std::vector<std::string>& before,
                                                                        const load_request& request, load_stats& stats,
                                                                        aws::diagnostics& diag);

}  // namespace shiftsync::transfer::load

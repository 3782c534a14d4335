#pragma once
// One PostgreSQL connection driven by libpq's asynchronous API from the engine's network thread:
// every step (connect, TLS, authentication, sending, reading) waits for socket readiness through
// Asio, and no libpq call that can block runs on the network thread (the one blocking call,
// PQcancel, runs on a small thread of its own).
//
// Pipelined: the connection is in libpq's pipeline mode, so any number of statements may be in
// flight on it at once, from any number of coroutines; results come back in the order sent. By
// default each statement is followed by its own Sync, so it runs in its own implicit transaction
// and a failing statement fails alone (explicit BEGIN … COMMIT still works: send them in order from
// one coroutine); sync_mode::per_burst trades that isolation for one write per burst. A result is collected whole, or streamed row by row (single-row mode) to a
// row_sink, which keeps one row in memory.
//
// Cancellation: a statement whose awaiting coroutine is cancelled (a deadline, Ctrl-C) returns
// errc::cancelled at once; the server is asked to cancel it once it is the one running (the
// statements before it in the pipeline are left alone). PostgreSQL's cancel hits whatever runs
// when it arrives: if the statement ends just before, the next one in this connection's pipeline
// may be cancelled instead (it then fails with SQLSTATE 57014). Callers that need statements
// isolated from each other's cancellation use separate connections.
//
// Thread safety: one executor (strand or single-threaded io_context); not thread-safe.

#include "engine/pg/pg_error.hpp"
#include "engine/pg/pg_result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace shiftsync::engine::pg {

// When a statement's Sync is sent (see connect_params::sync).
enum class sync_mode {
    // Each statement is followed by its own Sync: its own implicit transaction, a failure stays
    // alone. libpq 15's PQpipelineSync also flushes, so each statement costs a network write, and
    // the server (which flushes at every Sync) a write of its own.
    per_statement,
    // The statements sent in one burst (those the executor's ready coroutines send before it runs
    // anything else: typically the callers woken by one batch of results) share one Sync: one
    // write each way per burst, and one implicit transaction. A failing statement then fails the
    // rest of its burst with errc::pipeline_aborted, and an explicit BEGIN … COMMIT must not be
    // mixed with other callers' statements. For independent reads at high rates.
    per_burst,
};

// One statement of a batch (connection::async_execute_batch).
struct statement {
    std::string sql;
    std::vector<parameter> params;
};

// What one statement of a batch came to: its result, or its error and the server's words.
struct statement_outcome {
    boost::system::result<statement_result> result{statement_result{}};
    pg_diagnostics diag;
};

struct connect_params {
    // libpq connection keywords and values ("host", "port", "dbname", "user", "password",
    // "sslmode", "sslrootcert", …). Kept as pairs so that a password never has to be quoted into a
    // conninfo string that could end up in a log.
    std::vector<std::pair<std::string, std::string>> keywords;
    std::chrono::milliseconds connect_timeout{10'000};
    sync_mode sync = sync_mode::per_statement;
};

class connection {
public:
    struct state;

    static boost::asio::awaitable<boost::system::result<std::shared_ptr<connection>>> async_connect(
        boost::asio::any_io_executor executor, connect_params params, pg_diagnostics& diag);

    explicit connection(std::shared_ptr<state> s) : state_(std::move(s)) {}
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs `sql` with text parameters $1… and returns the whole result.
    boost::asio::awaitable<boost::system::result<statement_result>> async_execute(std::string sql,
                                                                                  std::vector<parameter> params,
                                                                                  pg_diagnostics& diag);
    // The same, streaming the rows to `sink` (statement_result::rows stays empty).
    boost::asio::awaitable<boost::system::result<statement_result>> async_execute(std::string sql,
                                                                                  std::vector<parameter> params,
                                                                                  row_sink sink, pg_diagnostics& diag);

    // Sends `batch` back to back with one Sync after its last statement, as pgbench's \startpipeline
    // … \endpipeline does: one write, one wake-up of the caller, and one implicit transaction for
    // the batch (a batch may hold its own BEGIN … COMMIT). A failing statement fails the rest of the
    // batch with errc::pipeline_aborted; the statements before it keep their results (and, without
    // an explicit transaction, are rolled back with it: the implicit transaction ends in the error).
    // Outcomes come back in the batch's order. Other callers' statements may be in flight before
    // and after it; under sync_mode::per_burst a burst still open joins the batch's transaction.
    boost::asio::awaitable<std::vector<statement_outcome>> async_execute_batch(std::vector<statement> batch);

    // Closes the connection; statements still in flight end with errc::connection_lost.
    void close();
    bool is_open() const;
    std::size_t in_flight() const;  // statements sent whose results have not all arrived
    int server_pid() const;         // the backend's pid (pg_stat_activity.pid)

private:
    std::shared_ptr<state> state_;
};

}  // namespace shiftsync::engine::pg

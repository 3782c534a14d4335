#pragma once
// Inside pg::connection (engine/pg only): the libpq connection, its socket as Asio sees it, and
// the pipeline — the statements sent whose results are still to come, in order — with the one
// reader coroutine that hands each result to the statement it belongs to.

#include "engine/pg/pg_connection.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <optional>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace shiftsync::engine::pg {

// One statement in the pipeline, or (sync_marker) a Sync sent after a per_burst burst.
struct pending_statement {
    // Wakes the coroutine waiting for this statement, if one waits on it (a batch's caller waits on
    // its last statement only: the earlier ones are done by then, results coming in order).
    void wake_up() {
        if (wake) wake->cancel();
    }

    row_sink sink;
    bool streaming = false;
    bool single_row_asked = false;  // PQsetSingleRowMode called for it (just before its first result)
    bool results_ended = false;     // PQgetResult gave its NULL; its Sync comes next
    bool columns_known = false;
    bool sink_stopped = false;      // the sink returned false: later rows are dropped
    bool done = false;              // result, ec and diag are final
    bool abandoned = false;         // its caller went away: cancel it once it runs, drop its result
    bool cancel_sent = false;
    bool sync_after = false;        // its own Sync follows it (per_statement)
    bool sync_marker = false;       // not a statement: the Sync that ends a burst (per_burst)
    statement_result result;
    boost::system::error_code ec;
    pg_diagnostics diag;
    std::optional<boost::asio::steady_timer> wake;  // cancelled when done; only where a caller waits
};

struct connection::state : std::enable_shared_from_this<connection::state> {
    explicit state(boost::asio::any_io_executor ex) : executor(ex), socket(ex) {}
    ~state();

    // Points `socket` at libpq's current descriptor (without owning it: libpq closes it).
    bool adopt_socket();
    // Ends every statement in flight with `why` and frees the libpq connection.
    void shut_down(errc why, const std::string& message);

    boost::asio::awaitable<boost::system::result<statement_result>> run(std::string sql, std::vector<parameter> params,
                                                                        row_sink sink, bool streaming,
                                                                        pg_diagnostics& diag);
    boost::asio::awaitable<std::vector<statement_outcome>> run_batch(std::vector<statement> batch);

    boost::asio::any_io_executor executor;
    boost::asio::posix::stream_descriptor socket;
    PGconn* conn = nullptr;
    int socket_fd = -1;
    bool broken = false;
    bool reading = false;   // the reader coroutine runs
    bool flushing = false;  // a coroutine is pushing libpq's output buffer out
    bool connect_timed_out = false;
    sync_mode sync = sync_mode::per_statement;
    bool burst_open = false;  // per_burst: statements sent, their Sync still to come
    std::deque<std::shared_ptr<pending_statement>> queue;
    std::size_t sync_markers = 0;  // in `queue`

private:
    boost::asio::awaitable<void> read_results();
    boost::asio::awaitable<bool> flush();
    boost::asio::awaitable<bool> close_burst();
    void take(pending_statement& p, PGresult* r);
    void finish_front();
    void cancel_front_if_abandoned();
    // Starts the reader coroutine unless it runs.
    void ensure_reading();
    // Queues one statement in libpq's output buffer (no Sync); false if libpq refused (PQerrorMessage says why).
    bool send(const std::string& sql, const std::vector<parameter>& params);
};

}  // namespace shiftsync::engine::pg

#include "engine/pg/pg_connection.hpp"

#include "engine/pg/pg_pipeline.hpp"
#include "engine/scheduler/cancellation.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

namespace shiftsync::engine::pg {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Waits until the socket is ready for `what`, or the deadline timer cancelled the wait.
asio::awaitable<error_code> wait_for(asio::posix::stream_descriptor& socket, asio::posix::descriptor_base::wait_type what) {
    error_code ec;
    co_await socket.async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

std::string libpq_message(PGconn* conn) {
    std::string text = conn ? PQerrorMessage(conn) : "out of memory";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

asio::awaitable<boost::system::result<std::shared_ptr<connection>>> connect(asio::any_io_executor executor,
                                                                            connect_params params,
                                                                            pg_diagnostics& diag) {
    using state = connection::state;
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : params.keywords) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    auto st = std::make_shared<state>(executor);
    st->conn = PQconnectStartParams(keys.data(), values.data(), 0);
    if (!st->conn || PQstatus(st->conn) == CONNECTION_BAD) {
        diag.message = libpq_message(st->conn);
        co_return make_error_code(errc::connect_failed);
    }
    PQsetnonblocking(st->conn, 1);
    st->sync = params.sync;

    // libpq's connect_timeout is not applied to PQconnectPoll: the deadline is ours.
    asio::steady_timer deadline(executor, params.connect_timeout);
    std::weak_ptr<state> weak = st;
    deadline.async_wait([weak](error_code ec) {
        auto s = weak.lock();
        if (ec || !s) return;
        s->connect_timed_out = true;
        s->socket.cancel();
    });
    PostgresPollingStatusType polled = PGRES_POLLING_WRITING;
    while (polled != PGRES_POLLING_OK) {
        if (polled == PGRES_POLLING_FAILED) {
            diag.message = libpq_message(st->conn);
            deadline.cancel();
            co_return make_error_code(errc::connect_failed);
        }
        // libpq may move to another socket (the next host, or after the TLS probe): follow it.
        if (!st->adopt_socket()) {
            diag.message = "libpq has no socket for the connection";
            deadline.cancel();
            co_return make_error_code(errc::connect_failed);
        }
        const auto what = polled == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                          : asio::posix::descriptor_base::wait_write;
        error_code waited = co_await wait_for(st->socket, what);
        if (waited || st->connect_timed_out) {
            const bool timed_out = st->connect_timed_out;
            const bool cancelled_by_caller = !timed_out;
            deadline.cancel();
            diag.message = timed_out ? "no connection within " + std::to_string(params.connect_timeout.count()) + " ms"
                                     : waited.message();
            co_return make_error_code(cancelled_by_caller ? errc::cancelled : errc::connect_failed);
        }
        polled = PQconnectPoll(st->conn);
    }
    deadline.cancel();
    if (!st->adopt_socket() || PQenterPipelineMode(st->conn) != 1) {
        diag.message = "could not enter pipeline mode: " + libpq_message(st->conn);
        co_return make_error_code(errc::connect_failed);
    }
    co_return std::make_shared<connection>(std::move(st));
}

}  // namespace

asio::awaitable<boost::system::result<std::shared_ptr<connection>>> connection::async_connect(
    asio::any_io_executor executor, connect_params params, pg_diagnostics& diag) {
    return cancellation_as_value(connect(std::move(executor), std::move(params), diag));
}

connection::~connection() { close(); }

void connection::close() {
    if (state_) state_->shut_down(errc::connection_lost, "the connection was closed by this program");
}

bool connection::is_open() const { return state_ && state_->conn && !state_->broken; }

std::size_t connection::in_flight() const { return state_ ? state_->queue.size() - state_->sync_markers : 0; }

int connection::server_pid() const { return state_ && state_->conn ? PQbackendPID(state_->conn) : 0; }

asio::awaitable<boost::system::result<statement_result>> connection::async_execute(std::string sql,
                                                                                   std::vector<parameter> params,
                                                                                   pg_diagnostics& diag) {
    return cancellation_as_value(state_->run(std::move(sql), std::move(params), row_sink{}, false, diag));
}

asio::awaitable<boost::system::result<statement_result>> connection::async_execute(std::string sql,
                                                                                   std::vector<parameter> params,
                                                                                   row_sink sink, pg_diagnostics& diag) {
    return cancellation_as_value(state_->run(std::move(sql), std::move(params), std::move(sink), true, diag));
}

asio::awaitable<std::vector<statement_outcome>> connection::async_execute_batch(std::vector<statement> batch) {
    return cancellation_as_value(state_->run_batch(std::move(batch)));
}

}  // namespace shiftsync::engine::pg

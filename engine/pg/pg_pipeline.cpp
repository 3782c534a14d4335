#include "engine/pg/pg_pipeline.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>

namespace shiftsync::engine::pg {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string field(const PGresult* r, int code) {
    const char* v = PQresultErrorField(r, code);
    return v ? v : "";
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// PQcancel opens a connection of its own and waits for it: it must not run on the network thread.
asio::thread_pool& cancel_thread() {
    static asio::thread_pool pool(1);
    return pool;
}

void send_cancel(PGconn* conn) {
    PGcancel* cancel = PQgetCancel(conn);
    if (!cancel) return;
    asio::post(cancel_thread(), [cancel] {
        char error[256];
        PQcancel(cancel, error, sizeof error);  // best effort: the statement may have ended already
        PQfreeCancel(cancel);
    });
}

std::vector<column> columns_of(const PGresult* r) {
    std::vector<column> out;
    const int n = PQnfields(r);
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back({PQfname(r, i), static_cast<std::uint32_t>(PQftype(r, i)), PQfmod(r, i)});
    return out;
}

row row_of(const PGresult* r, int index) {
    const int n = PQnfields(r);
    row out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (PQgetisnull(r, index, i)) out.emplace_back(std::nullopt);
        else out.emplace_back(std::string(PQgetvalue(r, index, i), static_cast<std::size_t>(PQgetlength(r, index, i))));
    }
    return out;
}

}  // namespace

connection::state::~state() { shut_down(errc::connection_lost, "the connection was closed"); }

bool connection::state::adopt_socket() {
    const int fd = PQsocket(conn);
    if (fd < 0) return false;
    if (fd == socket_fd && socket.is_open()) return true;
    error_code ignored;
    if (socket.is_open()) socket.release();  // libpq owns (and has closed) the old one
    socket.assign(fd, ignored);
    socket_fd = fd;
    return !ignored;
}

void connection::state::shut_down(errc why, const std::string& message) {
    if (socket.is_open()) {
        error_code ignored;
        socket.cancel(ignored);
        socket.release();  // PQfinish closes the descriptor
    }
    if (conn) {
        PQfinish(conn);
        conn = nullptr;
    }
    broken = true;
    sync_markers = 0;
    while (!queue.empty()) {
        auto p = queue.front();
        queue.pop_front();
        if (p->done) continue;
        p->ec = make_error_code(why);
        p->diag.message = message;
        p->done = true;
        p->wake_up();
    }
}

asio::awaitable<bool> connection::state::flush() {
    // One coroutine pushes at a time; it also sends what others queue meanwhile.
    if (flushing) co_return true;
    flushing = true;
    auto self = shared_from_this();
    for (;;) {
        if (!conn) break;
        const int left = PQflush(conn);
        if (left == 0) break;
        if (left < 0) {
            flushing = false;
            shut_down(errc::connection_lost, trimmed(PQerrorMessage(conn)));
            co_return false;
        }
        // The server may be blocked writing results we have not read: the reader coroutine keeps
        // reading while this one waits to write, so neither side waits for the other forever.
        error_code ec;
        co_await socket.async_wait(asio::posix::descriptor_base::wait_write, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
    }
    flushing = false;
    co_return conn != nullptr;
}

asio::awaitable<bool> connection::state::close_burst() {
    // One trip through the executor's queue lets the other ready coroutines (the callers woken by
    // the same batch of results, typically) add their statements; then one Sync ends them all and
    // one flush sends them. The reader expects the Sync's result where the marker sits.
    auto self = shared_from_this();
    co_await asio::post(executor, asio::use_awaitable);
    burst_open = false;
    if (!conn) co_return false;
    if (PQpipelineSync(conn) != 1) {
        shut_down(errc::connection_lost, trimmed(PQerrorMessage(conn)));
        co_return false;
    }
    auto marker = std::make_shared<pending_statement>();
    marker->sync_marker = true;
    queue.push_back(std::move(marker));
    ++sync_markers;
    co_return co_await flush();
}

void connection::state::take(pending_statement& p, PGresult* r) {
    switch (PQresultStatus(r)) {
        case PGRES_SINGLE_TUPLE:
        case PGRES_TUPLES_OK: {
            if (!p.columns_known) {
                p.result.columns = columns_of(r);
                p.columns_known = true;
                if (p.streaming && p.sink.on_columns) p.sink.on_columns(p.result.columns);
            }
            const int n = PQntuples(r);
            for (int i = 0; i < n; ++i) {
                ++p.result.row_count;
                if (!p.streaming) {
                    p.result.rows.push_back(row_of(r, i));
                } else if (!p.sink_stopped && !p.abandoned && p.sink.on_row) {
                    const row one = row_of(r, i);
                    if (!p.sink.on_row(one)) p.sink_stopped = true;
                }
            }
            if (PQresultStatus(r) == PGRES_TUPLES_OK) p.result.command_tag = PQcmdStatus(r);
            break;
        }
        case PGRES_COMMAND_OK:
            p.result.command_tag = PQcmdStatus(r);
            break;
        case PGRES_PIPELINE_ABORTED:
            if (!p.ec) p.ec = make_error_code(errc::pipeline_aborted);
            break;
        case PGRES_FATAL_ERROR:
        case PGRES_NONFATAL_ERROR:
            if (!p.ec) {
                p.diag.sqlstate = field(r, PG_DIAG_SQLSTATE);
                p.diag.message = field(r, PG_DIAG_MESSAGE_PRIMARY);
                if (p.diag.message.empty()) p.diag.message = trimmed(PQresultErrorMessage(r));
                p.diag.detail = field(r, PG_DIAG_MESSAGE_DETAIL);
                p.diag.hint = field(r, PG_DIAG_MESSAGE_HINT);
                p.ec = make_error_code(p.abandoned && p.diag.sqlstate == "57014" ? errc::cancelled : errc::statement_failed);
            }
            break;
        default:  // COPY IN/OUT and friends: not through a pipelined connection
            if (!p.ec) {
                p.ec = make_error_code(errc::statement_failed);
                p.diag.message = std::string("unsupported result on a pipelined connection: ") +
                                 PQresStatus(PQresultStatus(r));
            }
            break;
    }
}

void connection::state::finish_front() {
    auto p = queue.front();
    queue.pop_front();
    p->done = true;
    p->wake_up();
    cancel_front_if_abandoned();
}

void connection::state::cancel_front_if_abandoned() {
    if (queue.empty() || !conn) return;
    auto& front = *queue.front();
    if (front.abandoned && !front.cancel_sent) {
        front.cancel_sent = true;
        send_cancel(conn);
    }
}

asio::awaitable<void> connection::state::read_results() {
    auto self = shared_from_this();  // the pipeline outlives every caller that went away
    while (!queue.empty() && conn) {
        if (PQconsumeInput(conn) == 0) {
            shut_down(errc::connection_lost, trimmed(PQerrorMessage(conn)));
            break;
        }
        // Only ask for a result while one is expected and arrived: PQgetResult blocks otherwise.
        while (conn && !queue.empty() && PQisBusy(conn) == 0) {
            auto& p = *queue.front();
            if (!p.results_ended && !p.sync_marker) {
                if (p.streaming && !p.single_row_asked) {
                    p.single_row_asked = true;
                    PQsetSingleRowMode(conn);  // right before the statement's first result, as libpq asks
                }
                PGresult* r = PQgetResult(conn);
                if (!r) {
                    p.results_ended = true;
                    continue;
                }
                take(p, r);
                PQclear(r);
                continue;
            }
            if (!p.sync_after && !p.sync_marker) {  // per_burst: its burst's Sync comes later
                finish_front();
                continue;
            }
            PGresult* r = PQgetResult(conn);
            if (!r) break;  // its Sync has not arrived yet
            const bool synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (!synced) {
                shut_down(errc::connection_lost, "the server's results went out of step with the statements sent");
                break;
            }
            if (p.sync_marker) --sync_markers;
            finish_front();
        }
        if (queue.empty() || !conn) break;
        error_code ec;
        co_await socket.async_wait(asio::posix::descriptor_base::wait_read, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (conn) shut_down(errc::connection_lost, ec.message());
            break;
        }
    }
    reading = false;
}

void connection::state::ensure_reading() {
    if (reading) return;
    reading = true;
    asio::co_spawn(executor, read_results(), asio::detached);
}

bool connection::state::send(const std::string& sql, const std::vector<parameter>& params) {
    // Parameter pointers on the stack for the usual few; libpq copies them into its output buffer.
    constexpr std::size_t on_stack = 8;
    const char* small[on_stack];
    std::vector<const char*> large;
    const char** values = small;
    if (params.size() > on_stack) {
        large.resize(params.size());
        values = large.data();
    }
    for (std::size_t i = 0; i < params.size(); ++i) values[i] = params[i] ? params[i]->c_str() : nullptr;
    return PQsendQueryParams(conn, sql.c_str(), static_cast<int>(params.size()), nullptr, values, nullptr, nullptr, 0) == 1;
}

asio::awaitable<boost::system::result<statement_result>> connection::state::run(std::string sql,
                                                                                std::vector<parameter> params,
                                                                                row_sink sink, bool streaming,
                                                                                pg_diagnostics& diag) {
    if (!conn || broken) {
        diag.message = "the connection is closed";
        co_return make_error_code(errc::closed);
    }
    auto self = shared_from_this();
    const bool own_sync = sync == sync_mode::per_statement;
    if (!send(sql, params) || (own_sync && PQpipelineSync(conn) != 1)) {
        diag.message = trimmed(PQerrorMessage(conn));
        shut_down(errc::connection_lost, diag.message);
        co_return make_error_code(errc::connection_lost);
    }
    auto p = std::make_shared<pending_statement>();
    p->sink = std::move(sink);
    p->streaming = streaming;
    p->sync_after = own_sync;
    p->wake.emplace(executor, asio::steady_timer::time_point::max());
    queue.push_back(p);
    ensure_reading();
    if (own_sync) {
        co_await flush();
    } else if (!burst_open) {
        burst_open = true;  // this caller ends the burst; the others just wait for their results
        co_await close_burst();
    }
    if (!p->done) {
        error_code ec;
        co_await p->wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!p->done) {
        // The caller was cancelled: give up on the result, and stop the statement on the server
        // once it is the one running (now, if it is at the front).
        p->abandoned = true;
        p->sink = {};
        if (!queue.empty() && queue.front() == p) cancel_front_if_abandoned();
        diag.message = "cancelled while waiting for the statement's result";
        co_return make_error_code(errc::cancelled);
    }
    diag = std::move(p->diag);
    if (p->ec) co_return p->ec;
    co_return std::move(p->result);
}

asio::awaitable<std::vector<statement_outcome>> connection::state::run_batch(std::vector<statement> batch) {
    std::vector<statement_outcome> out(batch.size());
    auto fail_all = [&out](errc why, const std::string& message) {
        for (auto& o : out) {
            o.result = make_error_code(why);
            o.diag.message = message;
        }
    };
    if (batch.empty()) co_return out;
    if (!conn || broken) {
        fail_all(errc::closed, "the connection is closed");
        co_return out;
    }
    auto self = shared_from_this();
    std::vector<std::shared_ptr<pending_statement>> sent;
    sent.reserve(batch.size());
    for (const auto& s : batch) {
        if (!send(s.sql, s.params)) break;
        sent.push_back(std::make_shared<pending_statement>());
        queue.push_back(sent.back());
    }
    if (sent.size() < batch.size() || PQpipelineSync(conn) != 1) {
        const std::string message = trimmed(PQerrorMessage(conn));
        shut_down(errc::connection_lost, message);  // ends the statements sent
        fail_all(errc::connection_lost, message);
        co_return out;
    }
    auto& last = *sent.back();
    last.sync_after = true;
    last.wake.emplace(executor, asio::steady_timer::time_point::max());
    ensure_reading();
    co_await flush();
    if (!last.done) {
        error_code ec;
        co_await last.wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!last.done) {
        // The caller was cancelled: drop the results, and cancel the first statement still to end
        // once it runs — its failure aborts the rest of the batch, so one cancel request stops all.
        bool cancel_asked = false;
        for (auto& p : sent) {
            if (p->done) continue;
            p->abandoned = true;
            p->cancel_sent = cancel_asked;
            cancel_asked = true;
        }
        cancel_front_if_abandoned();
        fail_all(errc::cancelled, "cancelled while waiting for the batch's results");
        co_return out;
    }
    for (std::size_t i = 0; i < sent.size(); ++i) {
        auto& p = *sent[i];
        out[i].diag = std::move(p.diag);
        if (p.ec) out[i].result = p.ec;
        else out[i].result = std::move(p.result);
    }
    co_return out;
}

}  // namespace shiftsync::engine::pg

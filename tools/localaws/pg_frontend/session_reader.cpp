// The client side of a session: each message becomes libpq calls on the backend (pipeline mode)
// and a step for the pump (session_pump.cpp), in the order the client's answers must come.
#include "tools/localaws/pg_frontend/session.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tools/localaws/redshift/dialect/commands.hpp"

namespace localaws::pg_frontend {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Steps waiting for the pump before the reader stops reading the client: a client that pipelines
// without reading is slowed down here, not buffered without bound.
constexpr std::size_t max_steps = 4096;

bool is_special(const std::string& sql) {
    return redshift::dialect::looks_like_unload(sql) || redshift::dialect::looks_like_s3_copy(sql);
}
}  // namespace

void session::push(step s) {
    steps_.push_back(std::move(s));
    pump_wake_.cancel();
}

void session::push_error(std::string_view sqlstate, std::string_view text) {
    std::string bytes;
    append_error(bytes, sqlstate, text);
    push({step_kind::local_error, std::move(bytes)});
    reader_skipping_ = true;
}

// After a libpq send call: the step to answer it, or the connection is broken.
bool session::sent(int libpq_ok, step_kind kind) {
    if (libpq_ok != 1) {
        broken(std::string("libpq refused a command: ") + PQerrorMessage(backend_->native()));
        return false;
    }
    push({kind, {}});
    return true;
}

asio::awaitable<bool> session::flush_backend() {
    for (;;) {
        if (done_) co_return false;
        const int left = PQflush(backend_->native());
        if (left == 0) co_return true;
        if (left < 0) {
            broken(std::string("cannot send to PostgreSQL: ") + PQerrorMessage(backend_->native()));
            co_return false;
        }
        // PostgreSQL may be blocked writing results: the pump keeps reading them meanwhile.
        error_code ec;
        co_await backend_socket_->async_wait(asio::posix::descriptor_base::wait_write,
                                             asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
    }
}

asio::awaitable<void> session::wait_until_answered() {
    while (!steps_.empty() && !done_) {
        reader_wake_.expires_at(asio::steady_timer::time_point::max());
        error_code ec;
        co_await reader_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> session::read_client() {
    for (;;) {
        auto m = framer_.next();
        if (!m) {
            // Everything the client sent so far is handed to PostgreSQL before waiting for more.
            if (!co_await flush_backend()) co_return;
            m = co_await read_message();
            if (!m) {
                if (!framer_.error().empty()) broken("client: " + framer_.error());
                done_ = true;
                pump_wake_.cancel();
                co_return;
            }
        }
        while (steps_.size() >= max_steps && !done_) {
            reader_wake_.expires_at(asio::steady_timer::time_point::max());
            error_code ec;
            co_await reader_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (done_ || !co_await handle(*m)) {
            done_ = true;
            pump_wake_.cancel();
            co_return;
        }
    }
}

asio::awaitable<bool> session::handle(const message& m) {
    PGconn* conn = backend_->native();
    if (reader_skipping_ && m.type != 'S' && m.type != 'X') co_return true;
    switch (m.type) {
        case 'Q': {
            reader r(m.body);
            std::string sql(r.cstring());
            if (!co_await flush_backend()) co_return false;
            push({step_kind::simple_query, std::move(sql)});
            co_await wait_until_answered();
            co_return true;
        }
        case 'P': {
            auto parse = parse_parse(m.body);
            if (!parse) co_return false;
            std::string name(parse->name), sql(parse->query);
            if (is_special(sql)) {
                statements_[name] = {true, sql};
                std::string done;
                append_simple(done, '1');
                push_local(std::move(done));
                co_return true;
            }
            statements_[name] = {false, {}};
            const std::string text = dialect_->rewrite ? dialect_->rewrite(sql) : sql;
            const std::vector<Oid> types(parse->param_types.begin(), parse->param_types.end());
            co_return sent(PQsendPrepare(conn, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                                         types.empty() ? nullptr : types.data()),
                           step_kind::parse);
        }
        case 'B': {
            auto bind = parse_bind(m.body);
            if (!bind) co_return false;
            for (auto f : bind->param_formats)
                if (f != 0) {
                    push_error("0A000", "localaws's endpoint takes parameters in text format only");
                    co_return true;
                }
            for (auto f : bind->result_formats)
                if (f != 0) {
                    push_error("0A000", "localaws's endpoint returns results in text format only");
                    co_return true;
                }
            portal p;
            p.statement = std::string(bind->statement);
            for (const auto& v : bind->values)
                p.values.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
            portals_[std::string(bind->portal)] = std::move(p);
            std::string done;
            append_simple(done, '2');
            push_local(std::move(done));
            co_return true;
        }
        case 'D': {
            auto describe = parse_describe(m.body);
            if (!describe) co_return false;
            std::string statement(describe->name);
            if (describe->kind == 'P') {
                auto it = portals_.find(statement);
                if (it == portals_.end()) {
                    push_error("34000", "portal \"" + statement + "\" does not exist");
                    co_return true;
                }
                statement = it->second.statement;
            }
            if (auto it = statements_.find(statement); it != statements_.end() && it->second.special) {
                std::string answer;
                if (describe->kind == 'S') writer(answer, 't').int16(0);
                append_simple(answer, 'n');
                push_local(std::move(answer));
                co_return true;
            }
            co_return sent(PQsendDescribePrepared(conn, statement.c_str()),
                           describe->kind == 'S' ? step_kind::describe_statement : step_kind::describe_portal);
        }
        case 'E': {
            auto execute = parse_execute(m.body);
            if (!execute) co_return false;
            auto it = portals_.find(std::string(execute->portal));
            if (it == portals_.end()) {
                push_error("34000", "portal \"" + std::string(execute->portal) + "\" does not exist");
                co_return true;
            }
            const portal& p = it->second;
            if (auto st = statements_.find(p.statement); st != statements_.end() && st->second.special) {
                if (!co_await flush_backend()) co_return false;
                push({step_kind::special, st->second.sql});
                co_await wait_until_answered();
                co_return true;
            }
            // (max_rows is not honoured: the portal runs to completion, no PortalSuspended.)
            std::vector<const char*> values;
            for (const auto& v : p.values) values.push_back(v ? v->c_str() : nullptr);
            co_return sent(PQsendQueryPrepared(conn, p.statement.c_str(), static_cast<int>(values.size()),
                                               values.empty() ? nullptr : values.data(), nullptr, nullptr, 0),
                           step_kind::execute);
        }
        case 'C': {
            auto close = parse_describe(m.body);
            if (!close) co_return false;
            std::string name(close->name);
            std::string done;
            append_simple(done, '3');
            if (close->kind == 'P') {
                portals_.erase(name);
                push_local(std::move(done));
                co_return true;
            }
            auto it = statements_.find(name);
            const bool in_postgres = it == statements_.end() || !it->second.special;
            if (it != statements_.end()) statements_.erase(it);
            if (!in_postgres || name.empty()) {
                push_local(std::move(done));
                co_return true;
            }
            const std::string sql = "DEALLOCATE " + redshift::pg::quote_identifier(name);
            co_return sent(PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0),
                           step_kind::close_statement);
        }
        case 'S':
            reader_skipping_ = false;
            co_return sent(PQpipelineSync(conn), step_kind::sync);
        case 'H':
            co_return PQsendFlushRequest(conn) == 1;
        case 'X':
            co_return false;
        case 'c':
        case 'f':
        case 'd':
            co_return true;  // COPY FROM STDIN data: never asked for (see session_pump.cpp)
        default: {
            std::string bytes;
            append_error(bytes, "08P01", "invalid frontend message type " + std::to_string(int(m.type)), "FATAL");
            push_local(std::move(bytes));
            co_await wait_until_answered();
            co_return false;
        }
    }
}

}  // namespace localaws::pg_frontend

// The session's life and its startup: SSLRequest and TLS, the StartupMessage, the password and the
// backend login (PostgreSQL checks the password), ParameterStatus, BackendKeyData; CancelRequest.
#include "tools/localaws/pg_frontend/session.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/server/blocking.hpp"

namespace localaws::pg_frontend {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// The ParameterStatus values a client is told at login, and again whenever one changes (SET).
constexpr const char* reported_parameters[] = {
    "server_version", "server_encoding", "client_encoding", "application_name", "DateStyle", "IntervalStyle",
    "TimeZone", "integer_datetimes", "standard_conforming_strings", "is_superuser", "session_authorization",
    "default_transaction_read_only", "in_hot_standby",
};

// A failed login's text from libpq ("connection to server at … failed: FATAL:  password
// authentication failed for user …"): PostgreSQL's own words, after its severity.
std::string server_words(const std::string& libpq_error) {
    std::string text = libpq_error;
    if (auto at = text.find("FATAL:  "); at != std::string::npos) text = text.substr(at + 8);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return text;
}

// The SQLSTATE PostgreSQL sent with that text (libpq keeps no SQLSTATE for a failed connection).
std::string login_sqlstate(const std::string& words) {
    if (words.find("password authentication failed") != std::string::npos) return "28P01";
    if (words.find("no pg_hba.conf entry") != std::string::npos) return "28000";
    if (words.find("database") != std::string::npos && words.find("does not exist") != std::string::npos)
        return "3D000";
    if (words.find("too many") != std::string::npos) return "53300";
    if (words.find("not permitted to log in") != std::string::npos) return "28000";
    return "08006";
}

bool is_authentication_refusal(const std::string& sqlstate) {
    return sqlstate == "28P01" || sqlstate == "28000" || sqlstate == "3D000" || sqlstate == "53300";
}

void notice_receiver(void* arg, const PGresult* r) {
    auto* out = static_cast<std::string*>(arg);
    error_fields fields;
    for (char code : {'S', 'V', 'C', 'M', 'D', 'H', 'W'})
        if (const char* v = PQresultErrorField(r, code)) fields.emplace_back(code, v);
    append_error(*out, fields, 'N');
}

struct login_outcome {
    std::unique_ptr<redshift::pg::connection> conn;
    const data_api::dialect_hooks* dialect = nullptr;
    std::string error;     // PostgreSQL's words, or the cause of an internal failure
    std::string sqlstate;  // empty: internal failure (logged)
};

}  // namespace

session::session(shared_context& shared, tcp::socket socket, strand_type strand)
    : shared_(shared),
      strand_(strand),
      stream_(std::move(socket), shared.tls),
      pump_wake_(strand),
      reader_wake_(strand) {}

session::~session() {
    if (key_.first) shared_.unregister_session(key_);
    backend_socket_.reset();
    // A statement still running (the client went away): PostgreSQL would notice only at its next
    // write, so cancel it before closing.
    if (cancel_ && backend_ && PQtransactionStatus(backend_->native()) == PQTRANS_ACTIVE) {
        char ignored[256];
        PQcancel(cancel_, ignored, sizeof ignored);
    }
    if (cancel_) PQfreeCancel(cancel_);
}

void session::cancel() {
    cancel_requested_ = true;  // an UNLOAD or COPY asks for it
    auto self = shared_from_this();
    asio::post(shared_.pool, [self] {
        char ignored[256];
        if (self->cancel_) PQcancel(self->cancel_, ignored, sizeof ignored);
    });
}

void session::broken(const std::string& why) {
    if (!done_) std::fprintf(stderr, "localaws: endpoint session of %s: %s\n", user_.c_str(), why.c_str());
    done_ = true;
    pump_wake_.cancel();
    reader_wake_.cancel();
    error_code ignored;
    stream_.next_layer().close(ignored);
}

asio::awaitable<void> session::run() {
    auto self = shared_from_this();
    const bool started = co_await startup();
    co_await write_out();
    if (!started || done_) co_return;
    using namespace asio::experimental::awaitable_operators;
    co_await (read_client() || pump());
    error_code ignored;
    stream_.next_layer().close(ignored);
}

asio::awaitable<std::optional<message>> session::read_message() {
    char buffer[16384];
    for (;;) {
        if (auto m = framer_.next()) co_return m;
        if (!framer_.error().empty() || done_) co_return std::nullopt;
        error_code ec;
        std::size_t n = 0;
        if (tls_)
            n = co_await stream_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        else
            n = co_await stream_.next_layer().async_read_some(asio::buffer(buffer),
                                                              asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return std::nullopt;
        framer_.feed(buffer, n);
    }
}

asio::awaitable<bool> session::write_out() {
    while (!out_.empty()) {
        writing_.clear();
        std::swap(out_, writing_);
        error_code ec;
        if (tls_)
            co_await asio::async_write(stream_, asio::buffer(writing_), asio::redirect_error(asio::use_awaitable, ec));
        else
            co_await asio::async_write(stream_.next_layer(), asio::buffer(writing_),
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            done_ = true;
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<bool> session::startup() {
    for (;;) {
        auto m = co_await read_message();
        if (!m) co_return false;
        auto packet = parse_startup(m->body);
        if (!packet) {
            append_error(out_, "08P01", "invalid startup packet layout", "FATAL");
            co_return false;
        }
        if (packet->code == ssl_request_code || packet->code == gssenc_request_code) {
            const bool ssl = packet->code == ssl_request_code && !tls_;
            // Bytes after the request, before our answer, would bypass TLS: refuse them.
            if (framer_.buffered() != 0) co_return false;
            out_.push_back(ssl ? 'S' : 'N');
            if (!co_await write_out()) co_return false;
            if (!ssl) continue;
            error_code ec;
            co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return false;
            tls_ = true;
            continue;
        }
        if (packet->code == cancel_request_code) {
            co_await answer_cancel(*packet);
            co_return false;
        }
        if (packet->code != protocol_3_0) {
            append_error(out_, "0A000",
                         "unsupported frontend protocol " + std::to_string(packet->code >> 16) + "." +
                             std::to_string(packet->code & 0xffff) + ": server supports 3.0 to 3.0",
                         "FATAL");
            co_return false;
        }
        user_ = packet->parameter("user");
        database_ = packet->parameter("database");
        if (database_.empty()) database_ = user_;
        if (user_.empty()) {
            append_error(out_, "28000", "no PostgreSQL user name specified in startup packet", "FATAL");
            co_return false;
        }
        if (!tls_) {  // pg_hba.conf's hostnossl … reject, in PostgreSQL's words
            append_error(out_, "28000",
                         "no pg_hba.conf entry for host \"127.0.0.1\", user \"" + user_ + "\", database \"" +
                             database_ + "\", no encryption",
                         "FATAL");
            co_return false;
        }
        framer_.end_startup();
        co_return co_await login(*packet);
    }
}

asio::awaitable<void> session::answer_cancel(const startup_packet& packet) {
    auto target = shared_.find_session({packet.cancel_pid, packet.cancel_key});
    if (target) target->cancel();
    co_return;  // PostgreSQL answers a CancelRequest with nothing but the connection's end
}

asio::awaitable<bool> session::login(const startup_packet& packet) {
    append_auth(out_, 3);  // AuthenticationCleartextPassword: inside TLS
    if (!co_await write_out()) co_return false;
    auto m = co_await read_message();
    if (!m || m->type != 'p') co_return false;
    reader body(m->body);
    std::string password(body.cstring());
    if (!body.ok()) co_return false;

    std::string conninfo = shared_.options.backend_conninfo(database_, user_);
    for (const char* name : {"application_name", "client_encoding", "options"})
        if (auto v = packet.parameter(name); !v.empty())
            conninfo += std::string(" ") + name + "=" + redshift::pg::conninfo_quote(v);
    auto work = [this, conninfo, password = std::move(password)]() -> login_outcome {
        login_outcome out;
        out.dialect = shared_.options.dialect(out.error);
        if (!out.dialect) return out;
        const std::string with_password = conninfo + " password=" + redshift::pg::conninfo_quote(password);
        std::string error;
        out.conn = redshift::pg::connection::open(with_password, error);
        if (!out.conn) {
            out.error = server_words(error);
            out.sqlstate = login_sqlstate(out.error);
        }
        return out;
    };
    login_outcome outcome = co_await offload(shared_.pool, std::move(work));
    if (!outcome.conn) {
        if (!is_authentication_refusal(outcome.sqlstate)) {
            std::fprintf(stderr, "localaws: endpoint login of %s failed: %s\n", user_.c_str(), outcome.error.c_str());
            append_error(out_, "08006", "localaws could not reach its PostgreSQL: " + outcome.error, "FATAL");
        } else {
            append_error(out_, outcome.sqlstate, outcome.error, "FATAL");
        }
        co_return false;
    }
    backend_ = std::move(outcome.conn);
    dialect_ = outcome.dialect;
    PGconn* conn = backend_->native();
    PQsetNoticeReceiver(conn, notice_receiver, &out_);
    if (PQsetnonblocking(conn, 1) != 0 || PQenterPipelineMode(conn) != 1) {
        std::fprintf(stderr, "localaws: endpoint session of %s: libpq refused pipeline mode: %s\n", user_.c_str(),
                     PQerrorMessage(conn));
        append_error(out_, "XX000", "localaws: the backend connection cannot pipeline", "FATAL");
        co_return false;
    }
    // A close-on-exec duplicate: Asio waits on it, libpq keeps its own descriptor.
    backend_socket_.emplace(strand_, ::fcntl(PQsocket(conn), F_DUPFD_CLOEXEC, 0));
    cancel_ = PQgetCancel(conn);
    append_auth(out_, 0);
    send_parameter_changes();
    key_ = shared_.register_session(shared_from_this());
    append_backend_key(out_, key_.first, key_.second);
    append_ready(out_, 'I');
    co_return true;
}

void session::send_parameter_changes() {
    PGconn* conn = backend_->native();
    for (const char* name : reported_parameters) {
        const char* value = PQparameterStatus(conn, name);
        if (!value) continue;
        auto [it, inserted] = parameters_sent_.try_emplace(name, value);
        if (!inserted && it->second == value) continue;
        it->second = value;
        append_parameter_status(out_, name, value);
    }
}

}  // namespace localaws::pg_frontend

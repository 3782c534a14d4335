#pragma once
// One client connection of the front end (frontend.hpp): the startup (TLS, password, the backend
// login), then two coroutines on the session's strand:
//   - read_client: cuts the client's bytes into messages and turns each into libpq calls on the
//     backend connection (in pipeline mode) plus a `step` saying what the client must be sent back;
//   - pump: takes the backend's results in order, step by step, and writes the client's messages
//     (single-row mode for Execute and simple queries: a large result streams, never held whole).
// A simple query ('Q') and an UNLOAD or COPY from S3 leave pipeline mode: the reader waits until
// every earlier step is answered, the pump runs them (UNLOAD and COPY on the blocking pool, on the
// same backend connection: same transaction, same temp tables), then pipeline mode resumes.
// After an error, steps are skipped up to the next Sync, as PostgreSQL skips messages.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/localaws/pg_frontend/context.hpp"
#include "tools/localaws/pg_frontend/messages.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::pg_frontend {

using tcp = boost::asio::ip::tcp;
using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

enum class step_kind { local, local_error, parse, describe_statement, describe_portal, execute, close_statement, sync,
                       simple_query, special };

struct step {
    step_kind kind;
    std::string text;  // local: the bytes; simple_query/special: the SQL
    bool single_row_asked = false;
};

class session : public std::enable_shared_from_this<session> {
public:
    session(shared_context& shared, tcp::socket socket, strand_type strand);
    ~session();
    boost::asio::awaitable<void> run();
    // From any thread (a CancelRequest): cancels the statement running, as PostgreSQL would.
    void cancel();

private:
    struct prepared {
        bool special = false;  // UNLOAD or COPY from S3: run by localaws, never prepared in PostgreSQL
        std::string sql;
    };
    struct portal {
        std::string statement;
        std::vector<std::optional<std::string>> values;
    };

    // session_startup.cpp
    boost::asio::awaitable<bool> startup();
    boost::asio::awaitable<std::optional<message>> read_message();
    boost::asio::awaitable<bool> write_out();
    boost::asio::awaitable<void> answer_cancel(const startup_packet& packet);
    boost::asio::awaitable<bool> login(const startup_packet& packet);
    void send_parameter_changes();

    // session_reader.cpp
    boost::asio::awaitable<void> read_client();
    boost::asio::awaitable<bool> handle(const message& m);
    boost::asio::awaitable<bool> flush_backend();
    boost::asio::awaitable<void> wait_until_answered();
    void push(step s);
    void push_local(std::string bytes) { push({step_kind::local, std::move(bytes)}); }
    void push_error(std::string_view sqlstate, std::string_view text);
    bool sent(int libpq_ok, step_kind kind);

    // session_pump.cpp
    boost::asio::awaitable<void> pump();
    boost::asio::awaitable<bool> result_ready();
    void take_result(step& s, PGresult* r);
    void append_rows(PGresult* r, bool with_description);
    void append_result_error(const PGresult* r);
    boost::asio::awaitable<void> run_simple_query(const std::string& sql);
    boost::asio::awaitable<bool> run_backend_text(const std::string& sql, bool quiet);
    boost::asio::awaitable<bool> run_special(const std::string& sql);
    void leave_pipeline();
    void enter_pipeline();
    void broken(const std::string& why);

    shared_context& shared_;
    strand_type strand_;
    boost::asio::ssl::stream<tcp::socket> stream_;
    bool tls_ = false;
    framer framer_;
    std::string out_, writing_;  // the client's pending output; what is being written
    bool writing_now_ = false;

    std::unique_ptr<redshift::pg::connection> backend_;
    std::optional<boost::asio::posix::stream_descriptor> backend_socket_;
    PGcancel* cancel_ = nullptr;
    std::atomic<bool> cancel_requested_{false};
    std::string user_, database_;
    std::pair<std::int32_t, std::int32_t> key_{0, 0};
    std::map<std::string, std::string> parameters_sent_;
    const data_api::dialect_hooks* dialect_ = nullptr;

    std::deque<step> steps_;
    boost::asio::steady_timer pump_wake_, reader_wake_;
    bool aborted_ = false;       // the pump skips to the next Sync (an error was sent)
    bool reader_skipping_ = false;  // the reader refused a message: skip to the next Sync
    bool done_ = false;
    std::map<std::string, prepared> statements_;
    std::map<std::string, portal> portals_;
};

// Client-facing type of a backend column, and its value as Redshift prints it (VARBYTE: hex).
std::uint32_t client_type_oid(std::uint32_t backend_oid);
std::string_view client_value(std::uint32_t backend_oid, std::string_view text);

}  // namespace localaws::pg_frontend

#pragma once
// The PostgreSQL v3 wire protocol as the endpoint's front end needs it, sans-IO: a framer that cuts
// a client's byte stream into messages, parsers for the messages a client sends, and builders that
// append the server's messages to an output string. Nothing here touches a socket or libpq.
// Formats: https://www.postgresql.org/docs/15/protocol-message-formats.html
//
// Lifetimes: a parsed message's string_views point into the framer's buffer and are valid until the
// next feed() or next() call.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localaws::pg_frontend {

// Startup-phase packet codes (the int32 after the length).
inline constexpr std::int32_t ssl_request_code = 80877103;
inline constexpr std::int32_t gssenc_request_code = 80877104;
inline constexpr std::int32_t cancel_request_code = 80877102;
inline constexpr std::int32_t protocol_3_0 = 196608;

// Messages larger than this are refused (the connection is closed): memory per connection is bounded.
inline constexpr std::size_t max_message_bytes = 64u << 20;

struct message {
    char type = 0;  // 0 for a startup-phase packet (no type byte)
    std::string_view body;
};

// Cuts a byte stream into messages. Startup phase: int32 length (itself included) + body; after it,
// a type byte + int32 length + body.
class framer {
public:
    void feed(const char* data, std::size_t n);
    // The next complete message, if any. `error` is set (and nothing more returned) on a length
    // that is impossible or over max_message_bytes.
    std::optional<message> next();
    void end_startup() { startup_ = false; }
    bool startup() const { return startup_; }
    const std::string& error() const { return error_; }
    std::size_t buffered() const { return buffer_.size() - consumed_; }

private:
    std::string buffer_;
    std::size_t consumed_ = 0;
    bool startup_ = true;
    std::string error_;
};

// Reads big-endian values and NUL-terminated strings from a body; `ok` turns false past the end.
class reader {
public:
    explicit reader(std::string_view body) : rest_(body) {}
    std::int32_t int32();
    std::int16_t int16();
    char byte();
    std::string_view cstring();
    std::string_view bytes(std::size_t n);
    bool ok() const { return ok_; }
    bool at_end() const { return rest_.empty(); }

private:
    std::string_view rest_;
    bool ok_ = true;
};

struct startup_packet {
    std::int32_t code = 0;
    std::vector<std::pair<std::string, std::string>> parameters;  // protocol 3.0: user, database, options…
    std::int32_t cancel_pid = 0, cancel_key = 0;                  // CancelRequest
    std::string parameter(std::string_view name) const;
};
std::optional<startup_packet> parse_startup(std::string_view body);

struct parse_message {
    std::string_view name, query;
    std::vector<std::uint32_t> param_types;
};
struct bind_message {
    std::string_view portal, statement;
    std::vector<std::int16_t> param_formats;
    std::vector<std::optional<std::string_view>> values;  // nullopt: NULL
    std::vector<std::int16_t> result_formats;
};
struct describe_message {  // also Close
    char kind = 0;  // 'S' statement, 'P' portal
    std::string_view name;
};
struct execute_message {
    std::string_view portal;
    std::int32_t max_rows = 0;
};
std::optional<parse_message> parse_parse(std::string_view body);
std::optional<bind_message> parse_bind(std::string_view body);
std::optional<describe_message> parse_describe(std::string_view body);
std::optional<execute_message> parse_execute(std::string_view body);

// Builders: each appends one complete server message to `out`.
class writer {
public:
    explicit writer(std::string& out, char type);  // starts a message (length patched by the destructor)
    ~writer();
    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;
    writer& int32(std::int32_t v);
    writer& int16(std::int16_t v);
    writer& byte(char c);
    writer& cstring(std::string_view s);
    writer& bytes(std::string_view s);

private:
    std::string& out_;
    std::size_t start_;
};

// One field of an ErrorResponse/NoticeResponse: its code letter ('S', 'V', 'C', 'M', 'D', 'H', …) and text.
using error_fields = std::vector<std::pair<char, std::string>>;
void append_error(std::string& out, const error_fields& fields, char type = 'E');
// An ERROR with just a SQLSTATE and a message (and severity S/V).
void append_error(std::string& out, std::string_view sqlstate, std::string_view message,
                  std::string_view severity = "ERROR");
void append_simple(std::string& out, char type);  // ParseComplete '1', BindComplete '2', NoData 'n', …
void append_auth(std::string& out, std::int32_t code);
void append_parameter_status(std::string& out, std::string_view name, std::string_view value);
void append_backend_key(std::string& out, std::int32_t pid, std::int32_t key);
void append_ready(std::string& out, char transaction_status);
void append_command_complete(std::string& out, std::string_view tag);

struct column_description {
    std::string name;
    std::uint32_t table_oid = 0;
    std::int16_t column = 0;
    std::uint32_t type_oid = 0;
    std::int16_t type_size = 0;
    std::int32_t type_modifier = -1;
};
void append_row_description(std::string& out, const std::vector<column_description>& columns);

}  // namespace localaws::pg_frontend

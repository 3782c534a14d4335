#include "tools/localaws/pg_frontend/messages.hpp"

#include <algorithm>
#include <cstring>

namespace localaws::pg_frontend {

void framer::feed(const char* data, std::size_t n) {
    if (consumed_ > 0 && consumed_ >= buffer_.size() / 2) {  // compact: keep the buffer bounded
        buffer_.erase(0, consumed_);
        consumed_ = 0;
    }
    buffer_.append(data, n);
}

std::optional<message> framer::next() {
    if (!error_.empty()) return std::nullopt;
    const std::size_t header = startup_ ? 4 : 5;
    if (buffered() < header) return std::nullopt;
    const char* p = buffer_.data() + consumed_;
    reader r(std::string_view(startup_ ? p : p + 1, 4));
    const std::int32_t length = r.int32();
    if (length < 4 || static_cast<std::size_t>(length) > max_message_bytes) {
        error_ = "invalid message length " + std::to_string(length);
        return std::nullopt;
    }
    const std::size_t total = header - 4 + static_cast<std::size_t>(length);
    if (buffered() < total) return std::nullopt;
    message m;
    m.type = startup_ ? 0 : p[0];
    m.body = std::string_view(p + header, total - header);
    consumed_ += total;
    return m;
}

std::int32_t reader::int32() {
    auto b = bytes(4);
    if (!ok_) return 0;
    const auto* u = reinterpret_cast<const unsigned char*>(b.data());
    return static_cast<std::int32_t>((std::uint32_t(u[0]) << 24) | (std::uint32_t(u[1]) << 16) |
                                     (std::uint32_t(u[2]) << 8) | std::uint32_t(u[3]));
}

std::int16_t reader::int16() {
    auto b = bytes(2);
    if (!ok_) return 0;
    const auto* u = reinterpret_cast<const unsigned char*>(b.data());
    return static_cast<std::int16_t>((u[0] << 8) | u[1]);
}

char reader::byte() {
    auto b = bytes(1);
    return ok_ ? b[0] : 0;
}

std::string_view reader::cstring() {
    const auto end = rest_.find('\0');
    if (end == std::string_view::npos) {
        ok_ = false;
        return {};
    }
    auto s = rest_.substr(0, end);
    rest_.remove_prefix(end + 1);
    return s;
}

std::string_view reader::bytes(std::size_t n) {
    if (!ok_ || rest_.size() < n) {
        ok_ = false;
        return {};
    }
    auto s = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return s;
}

std::string startup_packet::parameter(std::string_view name) const {
    for (const auto& [k, v] : parameters)
        if (k == name) return v;
    return {};
}

std::optional<startup_packet> parse_startup(std::string_view body) {
    reader r(body);
    startup_packet p;
    p.code = r.int32();
    if (!r.ok()) return std::nullopt;
    if (p.code == cancel_request_code) {
        p.cancel_pid = r.int32();
        p.cancel_key = r.int32();
        return r.ok() ? std::optional(p) : std::nullopt;
    }
    if (p.code != protocol_3_0) return p;  // SSLRequest, GSSENCRequest, other versions: the code says
    for (;;) {
        auto key = r.cstring();
        if (!r.ok()) return std::nullopt;
        if (key.empty()) break;
        auto value = r.cstring();
        if (!r.ok()) return std::nullopt;
        p.parameters.emplace_back(std::string(key), std::string(value));
    }
    return p;
}

std::optional<parse_message> parse_parse(std::string_view body) {
    reader r(body);
    parse_message m;
    m.name = r.cstring();
    m.query = r.cstring();
    const int n = r.int16();
    for (int i = 0; i < n && r.ok(); ++i) m.param_types.push_back(static_cast<std::uint32_t>(r.int32()));
    if (!r.ok() || n < 0) return std::nullopt;
    return m;
}

std::optional<bind_message> parse_bind(std::string_view body) {
    reader r(body);
    bind_message m;
    m.portal = r.cstring();
    m.statement = r.cstring();
    const int formats = r.int16();
    for (int i = 0; i < formats && r.ok(); ++i) m.param_formats.push_back(r.int16());
    const int values = r.int16();
    for (int i = 0; i < values && r.ok(); ++i) {
        const std::int32_t length = r.int32();
        if (length == -1)
            m.values.emplace_back(std::nullopt);
        else if (length < 0)
            return std::nullopt;
        else
            m.values.emplace_back(r.bytes(static_cast<std::size_t>(length)));
    }
    const int results = r.int16();
    for (int i = 0; i < results && r.ok(); ++i) m.result_formats.push_back(r.int16());
    if (!r.ok() || formats < 0 || values < 0 || results < 0) return std::nullopt;
    return m;
}

std::optional<describe_message> parse_describe(std::string_view body) {
    reader r(body);
    describe_message m;
    m.kind = r.byte();
    m.name = r.cstring();
    if (!r.ok() || (m.kind != 'S' && m.kind != 'P')) return std::nullopt;
    return m;
}

std::optional<execute_message> parse_execute(std::string_view body) {
    reader r(body);
    execute_message m;
    m.portal = r.cstring();
    m.max_rows = r.int32();
    if (!r.ok()) return std::nullopt;
    return m;
}

writer::writer(std::string& out, char type) : out_(out) {
    out_.push_back(type);
    start_ = out_.size();
    out_.append(4, '\0');
}

writer::~writer() {
    const auto length = static_cast<std::uint32_t>(out_.size() - start_);
    out_[start_] = static_cast<char>(length >> 24);
    out_[start_ + 1] = static_cast<char>(length >> 16);
    out_[start_ + 2] = static_cast<char>(length >> 8);
    out_[start_ + 3] = static_cast<char>(length);
}

writer& writer::int32(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    const char b[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8),
                       static_cast<char>(u)};
    out_.append(b, 4);
    return *this;
}

writer& writer::int16(std::int16_t v) {
    const auto u = static_cast<std::uint16_t>(v);
    const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
    out_.append(b, 2);
    return *this;
}

writer& writer::byte(char c) {
    out_.push_back(c);
    return *this;
}

writer& writer::cstring(std::string_view s) {
    out_.append(s.data(), s.size());
    out_.push_back('\0');
    return *this;
}

writer& writer::bytes(std::string_view s) {
    out_.append(s.data(), s.size());
    return *this;
}

void append_error(std::string& out, const error_fields& fields, char type) {
    writer w(out, type);
    for (const auto& [code, text] : fields) {
        // A NUL inside a field would end it early on the client's side.
        std::string clean = text;
        clean.erase(std::remove(clean.begin(), clean.end(), '\0'), clean.end());
        w.byte(code).cstring(clean);
    }
    w.byte('\0');
}

void append_error(std::string& out, std::string_view sqlstate, std::string_view message, std::string_view severity) {
    append_error(out, {{'S', std::string(severity)},
                       {'V', std::string(severity)},
                       {'C', std::string(sqlstate)},
                       {'M', std::string(message)}});
}

void append_simple(std::string& out, char type) { writer w(out, type); }

void append_auth(std::string& out, std::int32_t code) { writer(out, 'R').int32(code); }

void append_parameter_status(std::string& out, std::string_view name, std::string_view value) {
    writer(out, 'S').cstring(name).cstring(value);
}

void append_backend_key(std::string& out, std::int32_t pid, std::int32_t key) { writer(out, 'K').int32(pid).int32(key); }

void append_ready(std::string& out, char transaction_status) { writer(out, 'Z').byte(transaction_status); }

void append_command_complete(std::string& out, std::string_view tag) { writer(out, 'C').cstring(tag); }

void append_row_description(std::string& out, const std::vector<column_description>& columns) {
    writer w(out, 'T');
    w.int16(static_cast<std::int16_t>(columns.size()));
    for (const auto& c : columns)
        w.cstring(c.name)
            .int32(static_cast<std::int32_t>(c.table_oid))
            .int16(c.column)
            .int32(static_cast<std::int32_t>(c.type_oid))
            .int16(c.type_size)
            .int32(c.type_modifier)
            .int16(0);  // text
}

}  // namespace localaws::pg_frontend

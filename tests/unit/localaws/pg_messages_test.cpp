// The endpoint front end's PostgreSQL v3 framing (tools/localaws/pg_frontend/messages.hpp): bytes
// cut into messages however they arrive, the client messages parsed, the server messages built.
#include "tools/localaws/pg_frontend/messages.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fe = localaws::pg_frontend;

namespace {

std::string be32(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8), static_cast<char>(u)};
}
std::string be16(std::int16_t v) {
    const auto u = static_cast<std::uint16_t>(v);
    return {static_cast<char>(u >> 8), static_cast<char>(u)};
}
std::string msg(char type, const std::string& body) { return std::string(1, type) + be32(4 + body.size()) + body; }
std::string cstr(const std::string& s) { return s + std::string(1, '\0'); }

}  // namespace

TEST(PgMessages, StartupPacketsThenTypedMessagesArriveByteByByte) {
    const std::string startup_body = be32(fe::protocol_3_0) + cstr("user") + cstr("IAMR:x") + cstr("database") +
                                     cstr("dev") + std::string(1, '\0');
    const std::string stream = be32(4 + startup_body.size()) + startup_body + msg('Q', cstr("select 1")) +
                               msg('S', "");
    fe::framer f;
    std::vector<fe::message> got;
    std::vector<std::string> bodies;
    for (char c : stream) {
        f.feed(&c, 1);
        while (auto m = f.next()) {
            got.push_back(*m);
            bodies.emplace_back(m->body);
            if (got.size() == 1) f.end_startup();
        }
    }
    ASSERT_EQ(got.size(), 3u);
    auto startup = fe::parse_startup(bodies[0]);
    ASSERT_TRUE(startup);
    EXPECT_EQ(startup->code, fe::protocol_3_0);
    EXPECT_EQ(startup->parameter("user"), "IAMR:x");
    EXPECT_EQ(startup->parameter("database"), "dev");
    EXPECT_EQ(got[1].type, 'Q');
    EXPECT_EQ(bodies[1], cstr("select 1"));
    EXPECT_EQ(got[2].type, 'S');
    EXPECT_EQ(bodies[2], "");
    EXPECT_EQ(f.buffered(), 0u);
}

TEST(PgMessages, SslAndCancelRequests) {
    auto ssl = fe::parse_startup(be32(fe::ssl_request_code));
    ASSERT_TRUE(ssl);
    EXPECT_EQ(ssl->code, fe::ssl_request_code);
    auto cancel = fe::parse_startup(be32(fe::cancel_request_code) + be32(1234) + be32(-5));
    ASSERT_TRUE(cancel);
    EXPECT_EQ(cancel->cancel_pid, 1234);
    EXPECT_EQ(cancel->cancel_key, -5);
    EXPECT_FALSE(fe::parse_startup(be32(fe::cancel_request_code) + be32(1)));  // truncated
}

TEST(PgMessages, ImpossibleLengthsAreRefused) {
    fe::framer f;
    f.end_startup();
    const std::string bad = std::string(1, 'Q') + be32(3);
    f.feed(bad.data(), bad.size());
    EXPECT_FALSE(f.next());
    EXPECT_FALSE(f.error().empty());
    fe::framer huge;
    huge.end_startup();
    const std::string big = std::string(1, 'Q') + be32(static_cast<std::int32_t>(fe::max_message_bytes + 5));
    huge.feed(big.data(), big.size());
    EXPECT_FALSE(huge.next());
    EXPECT_FALSE(huge.error().empty());
}

TEST(PgMessages, ParseBindDescribeExecute) {
    // (The parsed views point into the body: it must outlive them.)
    const std::string parse_body = cstr("s1") + cstr("select $1::int") + be16(1) + be32(23);
    auto parse = fe::parse_parse(parse_body);
    ASSERT_TRUE(parse);
    EXPECT_EQ(parse->name, "s1");
    EXPECT_EQ(parse->query, "select $1::int");
    EXPECT_EQ(parse->param_types, std::vector<std::uint32_t>{23});

    const std::string bind_body = cstr("") + cstr("s1") + be16(0) + be16(2) + be32(2) + "42" + be32(-1) + be16(1) + be16(0);
    auto bind = fe::parse_bind(bind_body);
    ASSERT_TRUE(bind);
    EXPECT_EQ(bind->statement, "s1");
    ASSERT_EQ(bind->values.size(), 2u);
    EXPECT_EQ(*bind->values[0], "42");
    EXPECT_FALSE(bind->values[1]);
    EXPECT_EQ(bind->result_formats, std::vector<std::int16_t>{0});
    EXPECT_FALSE(fe::parse_bind(cstr("") + cstr("s1") + be16(0) + be16(1) + be32(10) + "short"));

    auto describe = fe::parse_describe(std::string(1, 'P') + cstr(""));
    ASSERT_TRUE(describe);
    EXPECT_EQ(describe->kind, 'P');
    EXPECT_FALSE(fe::parse_describe(std::string(1, 'X') + cstr("")));

    auto execute = fe::parse_execute(cstr("") + be32(0));
    ASSERT_TRUE(execute);
    EXPECT_EQ(execute->max_rows, 0);
}

TEST(PgMessages, ServerMessagesAreFramed) {
    std::string out;
    fe::append_ready(out, 'T');
    EXPECT_EQ(out, msg('Z', "T"));
    out.clear();
    fe::append_error(out, "42601", "syntax error");
    EXPECT_EQ(out, msg('E', "SERROR" + std::string(1, '\0') + "VERROR" + std::string(1, '\0') + "C42601" +
                                std::string(1, '\0') + "Msyntax error" + std::string(2, '\0')));
    out.clear();
    fe::append_row_description(out, {{"n", 0, 0, 23, 4, -1}});
    EXPECT_EQ(out, msg('T', be16(1) + cstr("n") + be32(0) + be16(0) + be32(23) + be16(4) + be32(-1) + be16(0)));
    out.clear();
    fe::append_command_complete(out, "SELECT 1");
    EXPECT_EQ(out, msg('C', cstr("SELECT 1")));
}

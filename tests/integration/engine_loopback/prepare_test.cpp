// request_options::prepare, the per-attempt hook the aws/ layer signs in: it runs before every
// attempt (so a retry is sent as the hook made it, not as the first attempt was), it starts from
// the caller's headers each time, its failure ends the request without a retry, and it may itself
// send through the same client without waiting on the permits of the request it prepares.
#include "test_support.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <vector>

namespace shiftsync::engine::testing {
namespace {

using prepare = loopback;
using boost::system::error_code;

// What the hook saw on each call.
struct hook_log {
    std::vector<int> attempts;
    std::vector<bool> saw_a_previous_mark;
    std::vector<bool> saw_the_callers_header;
};

TEST_F(prepare, runs_before_every_attempt_and_each_attempt_carries_what_its_call_made) {
    http::client c(io.get_executor(), fast_config());
    hook_log log;
    int calls = 0;
    auto options = short_deadlines();
    options.prepare = [&](http::request& req, int attempt) -> asio::awaitable<error_code> {
        log.attempts.push_back(attempt);
        log.saw_a_previous_mark.push_back(req.headers.contains("X-Mark"));
        log.saw_the_callers_header.push_back(req.headers.contains("X-Caller"));
        // Asynchronous, as fetching credentials is.
        asio::steady_timer pause(co_await asio::this_coro::executor, 1ms);
        co_await pause.async_wait(asio::use_awaitable);
        req.headers.set("X-Mark", std::to_string(++calls));
        co_return error_code{};
    };
    auto request = get("/503?key=p1&fail=1&amzms=1");
    request.headers.add("X-Caller", "kept");
    auto r = send(c, request, options);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->attempts, 2);
    // The 503 came to the first call's request, the 200 to the second's.
    EXPECT_EQ(server.marks("p1"), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(log.attempts, (std::vector<int>{1, 2}));
    EXPECT_EQ(log.saw_a_previous_mark, (std::vector<bool>{false, false}));
    EXPECT_EQ(log.saw_the_callers_header, (std::vector<bool>{true, true}));
}

TEST_F(prepare, a_failure_on_the_first_attempt_sends_nothing) {
    http::client c(io.get_executor(), fast_config());
    int calls = 0;
    auto options = short_deadlines();
    options.prepare = [&](http::request&, int) -> asio::awaitable<error_code> {
        ++calls;
        co_return make_error_code(boost::system::errc::permission_denied);
    };
    auto r = send(c, get("/ok?key=p2"), options);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), boost::system::errc::permission_denied);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(server.requests(), 0u);
}

TEST_F(prepare, a_failure_before_a_retry_ends_the_request_without_more_attempts) {
    http::client c(io.get_executor(), fast_config());
    int calls = 0;
    auto options = short_deadlines();
    options.prepare = [&](http::request& req, int attempt) -> asio::awaitable<error_code> {
        ++calls;
        if (attempt > 1) co_return make_error_code(boost::system::errc::permission_denied);
        req.headers.set("X-Mark", "first");
        co_return error_code{};
    };
    // Every answer is a 503, so without the hook's failure three attempts would be made.
    auto r = send(c, get("/503?key=p3&amzms=1"), options);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), boost::system::errc::permission_denied);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(server.hits("p3"), 1);
    EXPECT_EQ(server.marks("p3"), (std::vector<std::string>{"first"}));
}

TEST_F(prepare, a_hook_may_send_through_the_same_client_even_at_its_connection_limit) {
    // One connection per endpoint: had the hook run while its request held the endpoint's only
    // permit, the hook's own request (a credentials refresh, say) would wait for it forever.
    http::client c(io.get_executor(), fast_config(/*max_connections=*/1));
    auto options = short_deadlines();
    options.prepare = [&](http::request& req, int) -> asio::awaitable<error_code> {
        auto where = server_endpoint();
        auto inner_request = get("/ok?key=inner&size=7");
        auto inner_options = short_deadlines();
        auto inner = co_await c.async_send(std::move(where), std::move(inner_request), std::move(inner_options));
        if (!inner) co_return inner.error();
        req.headers.set("X-Mark", inner->body);
        co_return error_code{};
    };
    // A deadlock would never end: the guard turns it into a failure instead of a hung test.
    auto scenario = [&]() -> asio::awaitable<bool> {
        using namespace asio::experimental::awaitable_operators;
        asio::steady_timer guard(io, 20s);
        auto where = server_endpoint();
        auto outer = get("/ok?key=outer");
        auto winner = co_await (c.async_send(std::move(where), std::move(outer), options) ||
                                guard.async_wait(asio::use_awaitable));
        co_return winner.index() == 0 && std::get<0>(winner).has_value();
    };
    EXPECT_TRUE(run(io, scenario()));
    EXPECT_EQ(server.hits("inner"), 1);
    EXPECT_EQ(server.marks("outer"), (std::vector<std::string>{pattern(7)}));
}

TEST_F(prepare, unset_sends_the_request_as_built) {
    http::client c(io.get_executor(), fast_config());
    auto request = get("/503?key=p4&fail=1&amzms=1");
    request.headers.add("X-Mark", "as-built");
    auto r = send(c, request);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->attempts, 2);
    EXPECT_EQ(server.marks("p4"), (std::vector<std::string>{"as-built", "as-built"}));
}

}  // namespace
}  // namespace shiftsync::engine::testing

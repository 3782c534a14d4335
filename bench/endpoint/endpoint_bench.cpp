// endpoint_bench: shiftsync's side of bench/endpoint (run.sh sets the scene and runs pgbench beside it).
//
//   endpoint_bench credentials --aws URL --out FILE
//       Assumes the connector role at localaws (URL), calls Redshift Serverless GetCredentials for
//       default-workgroup and writes the database user and password to FILE (mode 0600, user on the
//       first line): run.sh hands them to pgbench and to the modes below through PGUSER/PGPASSWORD.
//       Prints only the user. (localaws keeps one password per role: fetch once per run.)
//   endpoint_bench throughput --host H --port P --dbname D --user U [--sslrootcert CA]
//                             [--statements 10000] [--connections 1] [--depth 50] [--sync statement|burst|batch]
//                             [--batch 50]
//       `select $1::int` with $1 = 0 … N-1 over C connections, K statements in flight on each
//       (pipelined), every answer checked against its parameter; a Sync after each statement
//       (engine/pg's default), one per burst (sync_mode::per_burst), or one per batch of B statements
//       (async_execute_batch; K is then the batches in flight per connection). Timed from the first statement
//       sent to the last answer, connections already open (as pgbench's tps). One JSON line.
//   endpoint_bench latency --aws URL --host H --port P --dbname D --user U --sslrootcert CA
//                          [--runs 200] [--warmup 20]
//       `select 1`, one at a time, in alternate blocks of 20 on the endpoint (one connection, opened
//       beforehand) and through the Data API (ExecuteStatement, the adaptive wait, GetStatementResult — what
//       `shiftsync query` does).
//       p50/p99 of each. One JSON line.
//
// With --sslrootcert the connection is sslmode=verify-full against that CA; without, sslmode=disable.
// The password comes from PGPASSWORD (never printed). Exit status 1 on any wrong or failed answer.

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"
#include "aws/redshift_serverless/redshift_serverless_client.hpp"
#include "engine/pg/pg_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace pg = shiftsync::engine::pg;
namespace rd = shiftsync::aws::redshift_data;
namespace rs = shiftsync::aws::redshift_serverless;
using namespace shiftsync;
using namespace shiftsync::aws;
using clock_type = std::chrono::steady_clock;

namespace {

using options = std::map<std::string, std::string>;

std::string option(const options& o, const std::string& key, const std::string& fallback = "") {
    auto it = o.find(key);
    return it == o.end() ? fallback : it->second;
}

pg::connect_params connect_params_from(const options& o) {
    pg::connect_params params;
    auto& k = params.keywords;
    k.emplace_back("host", option(o, "host", "127.0.0.1"));
    k.emplace_back("port", option(o, "port", "5432"));
    k.emplace_back("dbname", option(o, "dbname", "dev"));
    k.emplace_back("user", option(o, "user"));
    if (const char* password = std::getenv("PGPASSWORD")) k.emplace_back("password", password);
    if (auto ca = option(o, "sslrootcert"); !ca.empty()) {
        k.emplace_back("sslmode", "verify-full");
        k.emplace_back("sslrootcert", ca);
    } else {
        k.emplace_back("sslmode", "disable");
    }
    if (option(o, "sync", "statement") == "burst") params.sync = pg::sync_mode::per_burst;
    return params;
}

// The connector role at localaws, as bench/aws and the integration tests assume it.
struct aws_side {
    aws_side(asio::io_context& ctx, const std::string& url) : http(ctx.get_executor()) {
        std::string error;
        auto sts_ep = endpoints::resolve(endpoints::service::sts, "us-east-1", {.explicit_url = url}, error);
        auto operator_keys =
            make_static_provider({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "operator");
        auto sts = std::make_shared<service_client>(
            http, operator_keys, service_target{endpoints::service::sts, *sts_ep, "us-east-1", wire_protocol::query});
        role = make_assume_role_provider(sts, {.role = {.role_arn = "arn:aws:iam::111122223333:role/shiftsync-connector",
                                                        .external_id = "a1efa791-4530-43a0-962d-74e2ccf18309",
                                                        .role_session_name = "endpoint-bench"}});
        auto data_ep = endpoints::resolve(endpoints::service::redshift_data, "us-east-1", {.explicit_url = url}, error);
        service_target data_target{endpoints::service::redshift_data, *data_ep, "us-east-1", wire_protocol::json_1_1};
        data_target.rate_limits.emplace();  // localaws has no quotas unless told to
        data_service = std::make_unique<service_client>(http, role, data_target);
        auto rs_ep = endpoints::resolve(endpoints::service::redshift_serverless, "us-east-1", {.explicit_url = url}, error);
        serverless_service = std::make_unique<service_client>(
            http, role, service_target{endpoints::service::redshift_serverless, *rs_ep, "us-east-1", wire_protocol::json_1_1});
    }

    engine::http::client http;
    std::shared_ptr<credentials_provider> role;
    std::unique_ptr<service_client> data_service;
    std::unique_ptr<service_client> serverless_service;
};

// Runs `body` to its end on `ctx` and returns its value; an exception fails the program.
template <class T>
T run(asio::io_context& ctx, asio::awaitable<T> body) {
    std::optional<T> out;
    asio::co_spawn(ctx, std::move(body), [&](std::exception_ptr e, T value) {
        if (e) std::rethrow_exception(e);
        out = std::move(value);
    });
    ctx.run();
    ctx.restart();
    return std::move(*out);
}

[[noreturn]] void fail(const std::string& what) {
    std::cerr << "endpoint_bench: " << what << "\n";
    std::exit(1);
}

asio::awaitable<std::shared_ptr<pg::connection>> open_connection(pg::connect_params params) {
    auto executor = co_await asio::this_coro::executor;
    pg::pg_diagnostics diag;
    auto c = co_await pg::connection::async_connect(executor, std::move(params), diag);
    if (!c) fail("connect: " + c.error().message() + ": " + diag.to_string());
    co_return *c;
}

// ---- credentials

int credentials(const options& o) {
    asio::io_context ctx;
    aws_side side(ctx, option(o, "aws"));
    rs::redshift_serverless_client serverless(*side.serverless_service);
    rs::get_credentials_request request{.workgroup_name = "default-workgroup", .db_name = "dev",
                                        .duration = std::chrono::seconds(3600)};
    auto got = run(ctx, [&]() -> asio::awaitable<rs::database_credentials> {
        diagnostics diag;
        auto r = co_await serverless.async_get_credentials(request, diag);
        if (!r) fail("GetCredentials: " + r.error().message() + " " + diag.message);
        co_return std::move(*r);
    }());
    const std::string path = option(o, "out");
    {
        std::ofstream out(path, std::ios::trunc);
        out << got.db_user << "\n" << got.db_password << "\n";
        if (!out) fail("cannot write " + path);
    }
    ::chmod(path.c_str(), 0600);
    std::cout << got.db_user << "\n";
    return 0;
}

// ---- throughput

struct throughput_state {
    long total = 0;
    long next = 0;
    long answered = 0;
};

asio::awaitable<void> pipeline_worker(pg::connection& c, throughput_state& s) {
    const std::string sql = "select $1::int";
    for (long i = s.next++; i < s.total; i = s.next++) {
        const std::string expected = std::to_string(i);
        std::vector<pg::parameter> params{expected};
        std::string text = sql;
        pg::pg_diagnostics diag;
        auto r = co_await c.async_execute(std::move(text), std::move(params), diag);
        if (!r) fail("statement " + expected + ": " + r.error().message() + ": " + diag.to_string());
        if (r->rows.size() != 1 || r->rows[0].size() != 1 || r->rows[0][0] != expected)
            fail("statement " + expected + " answered something else");
        ++s.answered;
    }
}

// One of `depth` batch senders on a connection: BATCH statements with one Sync
// (connection::async_execute_batch, as pgbench's \startpipeline … \endpipeline), then the next.
asio::awaitable<void> batch_worker(pg::connection& c, throughput_state& s, long batch) {
    const std::string sql = "select $1::int";
    while (s.next < s.total) {
        const long first = s.next;
        const long n = std::min(batch, s.total - first);
        s.next += n;
        std::vector<pg::statement> statements;
        statements.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i) statements.push_back({sql, {std::to_string(first + i)}});
        auto outcomes = co_await c.async_execute_batch(std::move(statements));
        for (long i = 0; i < n; ++i) {
            const auto& o = outcomes[static_cast<std::size_t>(i)];
            const std::string expected = std::to_string(first + i);
            if (!o.result) fail("statement " + expected + ": " + o.result.error().message() + ": " + o.diag.to_string());
            const auto& rows = o.result->rows;
            if (rows.size() != 1 || rows[0].size() != 1 || rows[0][0] != expected)
                fail("statement " + expected + " answered something else");
            ++s.answered;
        }
    }
}

int throughput(const options& o) {
    const long statements = std::stol(option(o, "statements", "10000"));
    const int connections = std::stoi(option(o, "connections", "1"));
    const int depth = std::stoi(option(o, "depth", "50"));
    const bool batches = option(o, "sync", "statement") == "batch";
    const long batch = std::stol(option(o, "batch", "50"));
    asio::io_context ctx;
    std::vector<std::shared_ptr<pg::connection>> pool;
    for (int i = 0; i < connections; ++i) pool.push_back(run(ctx, open_connection(connect_params_from(o))));

    throughput_state s{.total = statements};
    const auto start = clock_type::now();
    for (auto& c : pool)
        for (int k = 0; k < depth; ++k) {
            auto worker = batches ? batch_worker(*c, s, batch) : pipeline_worker(*c, s);
            asio::co_spawn(ctx, std::move(worker), [](std::exception_ptr e) {
                if (e) std::rethrow_exception(e);
            });
        }
    ctx.run();
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    if (s.answered != statements) fail("only " + std::to_string(s.answered) + " answers");
    boost::json::object out{{"statements", statements}, {"connections", connections}, {"depth", depth},
                            {"sync", option(o, "sync", "statement")}, {"batch", batches ? batch : 1},
                            {"seconds", seconds}, {"per_second", statements / seconds}};
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
}

// ---- latency

struct percentiles {
    double p50 = 0, p99 = 0;
};

percentiles percentiles_of(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) { return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5)]; };
    return {at(0.5), at(0.99)};
}

asio::awaitable<double> endpoint_select_one(pg::connection& c) {
    std::string sql = "select 1";
    std::vector<pg::parameter> none;
    pg::pg_diagnostics diag;
    const auto start = clock_type::now();
    auto r = co_await c.async_execute(std::move(sql), std::move(none), diag);
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    if (!r) fail("endpoint select 1: " + r.error().message() + ": " + diag.to_string());
    if (r->rows.size() != 1 || r->rows[0].size() != 1 || r->rows[0][0] != "1") fail("endpoint select 1: wrong answer");
    co_return ms;
}

asio::awaitable<double> data_api_select_one(rd::redshift_data_client& data) {
    rd::execute_request request{.sql = "select 1", .database = "dev", .workgroup = "default-workgroup"};
    const rd::wait_policy policy;
    const std::string no_token;
    diagnostics diag;
    const auto start = clock_type::now();
    auto started = co_await data.async_execute_statement(request, diag);
    if (!started) fail("ExecuteStatement: " + started.error().message() + " " + diag.message);
    auto done = co_await data.async_wait_for(started->id, diag, policy);
    if (!done) fail("statement " + started->id + ": " + done.error().message() + " " + diag.message);
    auto page = co_await data.async_get_statement_result(started->id, no_token, diag);
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
    if (!page) fail("GetStatementResult: " + page.error().message() + " " + diag.message);
    const bool one = page->rows.size() == 1 && page->rows[0].size() == 1 &&
                     std::holds_alternative<std::int64_t>(page->rows[0][0]) &&
                     std::get<std::int64_t>(page->rows[0][0]) == 1;
    if (!one) fail("Data API select 1: wrong answer");
    co_return ms;
}

int latency(const options& o) {
    const int runs = std::stoi(option(o, "runs", "200"));
    const int warmup = std::stoi(option(o, "warmup", "20"));
    asio::io_context ctx;
    auto conn = run(ctx, open_connection(connect_params_from(o)));
    aws_side side(ctx, option(o, "aws"));
    rd::redshift_data_client data(*side.data_service);
    // In alternate blocks of 20 (each path warm within its block), so that load from elsewhere on
    // the machine hits both paths alike; strictly alternating runs would measure the endpoint's
    // backend waking up after each Data API call instead.
    constexpr int block = 20;
    for (int i = 0; i < warmup; ++i) {
        run(ctx, endpoint_select_one(*conn));
        run(ctx, data_api_select_one(data));
    }
    std::vector<double> endpoint_ms, data_api_ms;
    for (int done = 0; done < runs; done += block) {
        const int n = std::min(block, runs - done);
        for (int i = 0; i < n; ++i) endpoint_ms.push_back(run(ctx, endpoint_select_one(*conn)));
        for (int i = 0; i < n; ++i) data_api_ms.push_back(run(ctx, data_api_select_one(data)));
    }
    conn->close();
    const auto e = percentiles_of(endpoint_ms);
    const auto d = percentiles_of(data_api_ms);
    boost::json::object out{{"runs", runs},          {"endpoint_p50_ms", e.p50}, {"endpoint_p99_ms", e.p99},
                            {"data_api_p50_ms", d.p50}, {"data_api_p99_ms", d.p99}};
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: endpoint_bench credentials|throughput|latency --key value ... (see the source's head)\n";
        return 2;
    }
    const std::string mode = argv[1];
    options o;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0) fail("expected --key value, got " + key);
        o[key.substr(2)] = argv[i + 1];
    }
    if (mode == "credentials") return credentials(o);
    if (mode == "throughput") return throughput(o);
    if (mode == "latency") return latency(o);
    fail("unknown mode " + mode);
}

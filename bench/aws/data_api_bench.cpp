// data_api_bench: N small statements (`select :n`, or `select pg_sleep(S), :n` with --sleep) pipelined
// through ExecuteStatement ->
// wait (adaptive DescribeStatement polling) -> GetStatementResult, K at a time, as the connector
// role against localaws. Prints one JSON line: statements/s, DescribeStatement calls per statement,
// detection delay (from the statement's end at the server, DescribeStatement's UpdatedAt, to the
// client knowing) and how many calls were throttled.
//
//   data_api_bench --endpoint http://127.0.0.1:P [--statements 2000] [--concurrency 100] [--sleep 0]
//                  [--quota-limits on|off] [--look-quantile Q] [--look-margin M]

#include "aws/credentials/assume_role_provider.hpp"
#include "aws/redshift_data/redshift_data_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace shiftsync;
using namespace shiftsync::aws;
using namespace shiftsync::aws::redshift_data;

namespace {

struct options {
    std::string endpoint;
    int statements = 2000;
    int concurrency = 100;
    double sleep_seconds = 0;  // 0: `select :n` (the latency is added by localaws, see run.sh)
    bool quota_limits = true;  // start from the published quotas (off: unlimited until throttled)
    wait_policy policy;        // the library's defaults unless tuned from the command line
};

double epoch_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view k = argv[i];
        if (k == "--endpoint") o.endpoint = argv[i + 1];
        else if (k == "--statements") o.statements = std::atoi(argv[i + 1]);
        else if (k == "--concurrency") o.concurrency = std::atoi(argv[i + 1]);
        else if (k == "--sleep") o.sleep_seconds = std::atof(argv[i + 1]);
        else if (k == "--quota-limits") o.quota_limits = std::string_view(argv[i + 1]) != "off";
        else if (k == "--look-quantile") o.policy.look_quantile = std::atof(argv[i + 1]);
        else if (k == "--look-margin") o.policy.look_margin = std::atof(argv[i + 1]);
    }
    if (o.endpoint.empty()) {
        std::cerr << "usage: data_api_bench --endpoint URL [--statements N] [--concurrency K] [--sleep S]\n";
        return 2;
    }

    asio::io_context ctx;
    engine::http::client http(ctx.get_executor());
    std::string error;
    auto sts_ep = endpoints::resolve(endpoints::service::sts, "us-east-1", {.explicit_url = o.endpoint}, error);
    auto operator_keys = make_static_provider({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "operator");
    auto sts = std::make_shared<service_client>(http, operator_keys,
                                                service_target{endpoints::service::sts, *sts_ep, "us-east-1", wire_protocol::query});
    auto role = make_assume_role_provider(sts, {.role = {.role_arn = "arn:aws:iam::111122223333:role/shiftsync-connector",
                                                         .external_id = "a1efa791-4530-43a0-962d-74e2ccf18309",
                                                         .role_session_name = "bench"}});
    auto data_ep = endpoints::resolve(endpoints::service::redshift_data, "us-east-1", {.explicit_url = o.endpoint}, error);
    service_target target{endpoints::service::redshift_data, *data_ep, "us-east-1", wire_protocol::json_1_1};
    if (!o.quota_limits) target.rate_limits.emplace();  // none: the server has no quotas to respect
    service_client service(http, role, target);
    redshift_data_client data(service);

    int next = 0, finished = 0, failed = 0;
    long long polls_total = 0;
    std::vector<double> detection_ms, run_ms;
    std::array<int, 10> polls_histogram{};
    const std::string sql = o.sleep_seconds > 0 ? "select pg_sleep(" + std::to_string(o.sleep_seconds) + "), :n as n"
                                                : std::string("select :n as n");
    auto worker = [&]() -> asio::awaitable<void> {
        for (int n = next++; n < o.statements; n = next++) {
            diagnostics diag;
            execute_request request{.sql = sql, .database = "dev", .workgroup = "default-workgroup",
                                    .parameters = {{"n", std::to_string(n)}}};
            auto started = co_await data.async_execute_statement(request, diag);
            if (!started) {
                ++failed;
                continue;
            }
            int polls = 0;
            auto done = co_await data.async_wait_for(started->id, diag, o.policy, &polls);
            double known = epoch_now();
            polls_total += polls;
            if (!done) {
                ++failed;
                continue;
            }
            detection_ms.push_back((known - done->updated_at) * 1000.0);
            run_ms.push_back((done->updated_at - done->created_at) * 1000.0);
            ++polls_histogram[std::min(polls, 9)];
            const std::string no_token;
            auto page = co_await data.async_get_statement_result(started->id, no_token, diag);
            if (!page || page->rows.size() != 1) ++failed;
            ++finished;
        }
    };
    auto start = std::chrono::steady_clock::now();
    int workers_done = 0;
    for (int i = 0; i < o.concurrency; ++i)
        asio::co_spawn(ctx, worker(), [&](std::exception_ptr) { ++workers_done; });
    while (workers_done < o.concurrency) ctx.run_one();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::sort(detection_ms.begin(), detection_ms.end());
    auto pct = [&](double p) { return detection_ms.empty() ? 0.0 : detection_ms[static_cast<std::size_t>(p * (detection_ms.size() - 1))]; };
    std::sort(run_ms.begin(), run_ms.end());
    auto run_pct = [&](double p) { return run_ms.empty() ? 0.0 : run_ms[static_cast<std::size_t>(p * (run_ms.size() - 1))]; };
    boost::json::array histogram;
    for (int n : polls_histogram) histogram.push_back(n);
    std::uint64_t throttled = 0;
    for (const auto& row : http.metrics().snapshot()) throttled += row.retries_by_reason[static_cast<int>(engine::failure_kind::throttling)];
    boost::json::object out{{"client", "shiftsync"},
                            {"statements", finished},
                            {"failed", failed},
                            {"seconds", seconds},
                            {"per_second", finished / seconds},
                            {"describe_per_statement", finished ? static_cast<double>(polls_total) / finished : 0.0},
                            {"detect_p50_ms", pct(0.5)},
                            {"detect_p99_ms", pct(0.99)},
                            {"run_p10_ms", run_pct(0.1)},
                            {"run_p50_ms", run_pct(0.5)},
                            {"run_p90_ms", run_pct(0.9)},
                            {"run_p99_ms", run_pct(0.99)},
                            {"statements_by_describe_calls", histogram},
                            {"throttled", throttled}};
    std::cout << boost::json::serialize(out) << "\n";
    return failed ? 1 : 0;
}

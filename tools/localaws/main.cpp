// localaws --port P --data-dir D [--config F] [--pg-port N]
// Prints two lines once it listens (port 0 picks a free one), then serves until SIGINT/SIGTERM:
//   ready http://127.0.0.1:<port>
//   postgres 127.0.0.1:<pg-port> ca=<path>     the workgroup endpoint (PostgreSQL over TLS) and the
//                                             CA certificate that verifies it; the path is the
//                                             rest of the line
#include "tools/localaws/data_api_service/data_api_service.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/server/app.hpp"
#include "tools/localaws/server/session.hpp"
#include "tools/localaws/serverless/serverless_service.hpp"
#include "tools/localaws/sts/sts_service.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace localaws {
extern const std::string_view default_config_json;
}

int main(int argc, char** argv) {
    CLI::App cli{"localaws: a local AWS (S3, STS + IAM, Redshift Serverless) on one port"};
    unsigned short port = 0;
    std::string data_dir, config_path, request_log;
    unsigned threads = 1;
    int pg_port = 0;
    cli.add_option("--port", port, "TCP port on 127.0.0.1 (0: pick a free one)");
    cli.add_option("--data-dir", data_dir, "where buckets, objects and the request log live")->required();
    cli.add_option("--config", config_path, "JSON config (default: the built-in documented setup)");
    cli.add_option("--request-log", request_log, "JSON-lines request log (default: <data-dir>/requests.jsonl)");
    cli.add_option("--threads", threads, "network threads")->check(CLI::Range(1u, 64u));
    cli.add_option("--pg-port", pg_port,
                   "TCP port on 127.0.0.1 of the workgroup endpoint (PostgreSQL, TLS; 0: a free one)")
        ->check(CLI::Range(0, 65535));
    CLI11_PARSE(cli, argc, argv);

    // A client that hangs up mid-response must cost localaws that connection, not its life.
    // sendfile(2) (GetObject bodies) cannot take MSG_NOSIGNAL as Asio's sends do, so a write to a
    // peer that went away raises SIGPIPE, whose default action ends the process. Ignored, the write
    // fails with EPIPE instead and the response writer drops the connection.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        std::string config_text(localaws::default_config_json);
        if (!config_path.empty()) {
            std::ifstream in(config_path);
            if (!in) throw std::runtime_error("cannot read " + config_path);
            std::stringstream s;
            s << in.rdbuf();
            config_text = s.str();
        }
        boost::system::error_code ec;
        auto config = boost::json::parse(config_text, ec);
        if (ec) throw std::runtime_error("config is not JSON: " + ec.message());
        std::filesystem::create_directories(data_dir);

        localaws::app application({.data_dir = data_dir, .config = std::move(config), .request_log = request_log});
        // Services: each registers its operations in the registry (server/registry.hpp).
        localaws::s3::register_s3(application);
        localaws::register_sts(application);
        localaws::register_serverless(application);
        // The Data API and the workgroup endpoint on a private PostgreSQL: prepared here, before
        // "ready" (port, certificates); created on first use, or started here when an earlier run
        // created it; stopped on exit.
        auto data_api = localaws::data_api_service::start(application, data_dir, pg_port);

        boost::asio::io_context io(static_cast<int>(threads));
        using tcp = boost::asio::ip::tcp;
        tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](auto, int) { io.stop(); });
        boost::asio::co_spawn(io, localaws::server::accept_loop(application, acceptor), boost::asio::detached);

        const auto endpoint = data_api->endpoint();
        std::printf("ready http://127.0.0.1:%u\npostgres %s:%d ca=%s\n",
                    static_cast<unsigned>(acceptor.local_endpoint().port()), endpoint.address.c_str(), endpoint.port,
                    endpoint.ca_file.c_str());
        std::fflush(stdout);

        std::vector<std::thread> extra;
        for (unsigned i = 1; i < threads; ++i) extra.emplace_back([&io] { io.run(); });
        io.run();
        for (auto& t : extra) t.join();
        // The blocking pool's workers hand their results back to `io`: let them finish (the results
        // queue up in the stopped context, never run) before `io` is destroyed, not after, when a
        // worker still in the middle of a handback would touch a freed context (ThreadSanitizer:
        // SIGTERM during uploads, tests/integration/localaws/test_shutdown.py).
        application.blocking_pool().join();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "localaws: %s\n", e.what());
        return 1;
    }
    return 0;
}

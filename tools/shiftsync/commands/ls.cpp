// `shiftsync ls s3://bucket[/prefix]`: one level (folders as "PRE name/") or, with --recursive,
// every key; page by page, never every key in memory. --json: one JSON object per line.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "transfer/s3/s3_url.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <memory>

namespace shiftsync::cli {
namespace {

namespace asio = boost::asio;

struct ls_flags {
    connection_flags connection;
    std::string url;
    bool recursive = false;
    bool json = false;
};

void print_page(const aws::s3::list_page& page, bool json) {
    for (const auto& p : page.common_prefixes) {
        if (json) fmt::print("{}\n", boost::json::serialize(boost::json::object{{"prefix", p}}));
        else fmt::print("{:>30} PRE {}\n", "", p);
    }
    for (const auto& o : page.objects) {
        if (json)
            fmt::print("{}\n", boost::json::serialize(boost::json::object{
                                   {"key", o.key}, {"size", o.size}, {"etag", o.etag}, {"last_modified", o.last_modified}}));
        else fmt::print("{:>19} {:>10} {}\n", o.last_modified.substr(0, 19), o.size, o.key);
    }
}

int run_ls(const ls_flags& flags) {
    auto url = transfer::s3::parse_s3_url(flags.url);
    if (!url) {
        fmt::print(stderr, "shiftsync ls: an S3 URL is s3://BUCKET[/PREFIX], got '{}'\n", flags.url);
        return exit_usage;
    }
    auto session = s3_session::open(flags.connection, 4);
    if (!session) return exit_usage;
    auto& s3 = session->s3();
    auto task = [&]() -> asio::awaitable<std::pair<boost::system::error_code, aws::diagnostics>> {
        aws::diagnostics diag;
        aws::s3::list_request request{.prefix = url->key, .delimiter = flags.recursive ? "" : "/"};
        do {
            auto page = co_await s3.async_list_objects_v2(url->bucket, request, diag);
            if (!page) co_return std::make_pair(page.error(), diag);
            print_page(*page, flags.json);
            request.continuation_token = page->next_continuation_token;
        } while (!request.continuation_token.empty());
        co_return std::make_pair(boost::system::error_code{}, diag);
    };
    auto [ec, diag] = session->run(task());
    if (session->interrupted()) return exit_interrupted;
    if (ec) {
        fmt::print(stderr, "shiftsync ls: failed: {}: {}\n", flags.url, describe_failure(ec, diag));
        return exit_failed;
    }
    return exit_ok;
}

}  // namespace

command_runner add_ls_command(CLI::App& app) {
    auto flags = std::make_shared<ls_flags>();
    auto* cmd = app.add_subcommand("ls", "List objects under s3://bucket[/prefix]");
    cmd->add_option("URL", flags->url, "s3://bucket[/prefix]")->required();
    cmd->add_flag("--recursive", flags->recursive, "Every key under the prefix, not one level");
    cmd->add_flag("--json", flags->json, "One JSON object per line");
    flags->connection.add_aws_to(*cmd);
    return [flags] { return run_ls(*flags); };
}

}  // namespace shiftsync::cli

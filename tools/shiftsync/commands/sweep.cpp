// `shiftsync sweep s3://bucket/prefix/`: deletes the staging prefixes of runs that died before
// their own cleanup (kill -9, a crash, a lost machine). The rules are transfer/staging's
// (sweep_decision.hpp): a run whose marker names this host is swept once its process is gone and
// never while it runs; another host's, once its marker is --older-than old (default 6h). Folders
// without a run marker are never touched. One line per swept or kept run; --json, one summary
// object; --dry-run deletes nothing.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "tools/shiftsync/output/duration.hpp"
#include "transfer/staging/sweep.hpp"
#include "transfer/staging/sweep_decision.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <memory>

namespace shiftsync::cli {
namespace {

namespace asio = boost::asio;
namespace staging = transfer::staging;

struct sweep_flags {
    connection_flags connection;
    std::string url;
    std::string older_than = "6h";
    bool dry_run = false;
    bool json = false;
};

std::string plural(std::uint64_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

void print_human(const staging::staging_location& location, const staging::sweep_report& report, bool dry_run) {
    std::uint64_t objects = 0;
    for (const auto& run : report.swept) {
        objects += run.objects;
        if (dry_run) {
            fmt::print("would sweep {}: {}; {}\n", run.run_id, run.reason, plural(run.objects, "object"));
            continue;
        }
        fmt::print("swept {}: {}; deleted {}{}\n", run.run_id, run.reason, plural(run.objects, "object"),
                   run.refused.empty() ? "" : fmt::format(", {} refused", run.refused.size()));
        for (const auto& f : run.refused)
            fmt::print(stderr, "shiftsync sweep: could not delete s3://{}/{}: {} {}\n", location.bucket, f.key, f.code,
                       f.message);
    }
    for (const auto& run : report.kept) fmt::print("kept {}: {}\n", run.run_id, run.reason);
    fmt::print(stderr, "{} {} ({}), kept {}{}\n", dry_run ? "would sweep" : "swept", plural(report.swept.size(), "run"),
               plural(objects, "object"), report.kept.size(), dry_run ? "; nothing was deleted (--dry-run)" : "");
}

void print_json(const staging::staging_location& location, const staging::sweep_report& report,
                const staging::sweep_options& options) {
    boost::json::array swept, kept;
    std::uint64_t objects = 0, refused = 0;
    for (const auto& run : report.swept) {
        boost::json::array failures;
        for (const auto& f : run.refused)
            failures.push_back(boost::json::object{{"key", f.key}, {"code", f.code}, {"message", f.message}});
        objects += run.objects;
        refused += run.refused.size();
        swept.push_back(boost::json::object{
            {"run_id", run.run_id}, {"reason", run.reason}, {"objects", run.objects}, {"refused", std::move(failures)}});
    }
    for (const auto& run : report.kept) kept.push_back(boost::json::object{{"run_id", run.run_id}, {"reason", run.reason}});
    boost::json::object summary{{"location", location.url()},
                                {"dry_run", options.dry_run},
                                {"older_than_seconds", options.older_than.count()},
                                {"swept", std::move(swept)},
                                {"kept", std::move(kept)},
                                {"objects", objects},
                                {"refused", refused}};
    fmt::print("{}\n", boost::json::serialize(summary));
}

int run_sweep(const sweep_flags& flags) {
    std::string why;
    auto location = staging::parse_staging_url(flags.url, why);
    if (!location) {
        fmt::print(stderr, "shiftsync sweep: {}\n", why);
        return exit_usage;
    }
    auto older_than = parse_duration(flags.older_than);
    if (!older_than) {
        fmt::print(stderr, "shiftsync sweep: --older-than takes a duration such as 6h, 90m, 30s or 2d, got '{}'\n",
                   flags.older_than);
        return exit_usage;
    }
    auto session = s3_session::open(flags.connection, 4);
    if (!session) return exit_usage;
    auto& s3 = session->s3();
    const staging::sweep_options options{.older_than = *older_than, .dry_run = flags.dry_run};
    aws::diagnostics diag;
    auto task = [&]() -> asio::awaitable<boost::system::result<staging::sweep_report>> {
        co_return co_await staging::async_sweep(s3, *location, options, diag);
    };
    auto report = session->run(task());
    if (session->interrupted()) {
        fmt::print(stderr, "shiftsync sweep: interrupted; a run swept halfway keeps its marker, so the next sweep "
                           "finishes it\n");
        return exit_interrupted;
    }
    if (!report) {
        fmt::print(stderr, "shiftsync sweep: failed: {}: {}\n", location->url(), describe_failure(report.error(), diag));
        return exit_failed;
    }
    if (flags.json) print_json(*location, *report, options);
    else print_human(*location, *report, options.dry_run);
    for (const auto& run : report->swept)
        if (!run.refused.empty()) return exit_failed;
    return exit_ok;
}

}  // namespace

command_runner add_sweep_command(CLI::App& app) {
    auto flags = std::make_shared<sweep_flags>();
    auto* cmd = app.add_subcommand("sweep", "Delete the staging prefixes of shiftsync runs that died before cleaning up");
    cmd->add_option("URL", flags->url, "The staging location, s3://bucket/prefix/")->required();
    cmd->add_option("--older-than", flags->older_than,
                    "Sweep another host's runs once their marker is this old (default 6h; this host's runs are "
                    "swept once their process is gone, never while it runs)");
    cmd->add_flag("--dry-run", flags->dry_run, "Say what would be swept; delete nothing");
    cmd->add_flag("--json", flags->json, "One JSON summary object on stdout");
    flags->connection.add_aws_to(*cmd);
    return [flags] { return run_sweep(*flags); };
}

}  // namespace shiftsync::cli

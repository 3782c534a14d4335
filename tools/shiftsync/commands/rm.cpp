// `shiftsync rm`: one object; a prefix with --recursive (DeleteObjects, 1,000 keys a call, page
// by page); or --incomplete-uploads: abort the multipart uploads the journal recorded (and, where
// s3:ListBucketMultipartUploads is granted, every other one under the prefix).

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "transfer/s3/s3_url.hpp"
#include "transfer/s3/upload_journal.hpp"

#include <fmt/core.h>

#include <memory>

namespace shiftsync::cli {
namespace {

namespace asio = boost::asio;
namespace ts = transfer::s3;
using outcome = std::pair<boost::system::error_code, aws::diagnostics>;

struct rm_flags {
    connection_flags connection;
    std::string url;
    bool recursive = false;
    bool incomplete_uploads = false;
    std::string journal;
};

asio::awaitable<outcome> remove_prefix(aws::s3::s3_client& s3, ts::s3_url url, std::uint64_t& removed,
                                       std::uint64_t& failed) {
    aws::diagnostics diag;
    aws::s3::list_request request{.prefix = url.key};
    do {
        auto page = co_await s3.async_list_objects_v2(url.bucket, request, diag);
        if (!page) co_return outcome{page.error(), diag};
        std::vector<std::string> keys;
        for (auto& o : page->objects) keys.push_back(std::move(o.key));
        if (!keys.empty()) {
            auto failures = co_await s3.async_delete_objects(url.bucket, keys, diag);
            if (!failures) co_return outcome{failures.error(), diag};
            for (const auto& f : *failures)
                fmt::print(stderr, "shiftsync rm: could not delete s3://{}/{}: {} {}\n", url.bucket, f.key, f.code, f.message);
            failed += failures->size();
            removed += keys.size() - failures->size();
        }
        request.continuation_token = page->next_continuation_token;
    } while (!request.continuation_token.empty());
    co_return outcome{{}, diag};
}

struct abort_counts {
    std::uint64_t aborted = 0;
    std::uint64_t refused = 0;
};

asio::awaitable<bool> abort_one(aws::s3::s3_client& s3, const std::string& bucket, const std::string& key,
                                const std::string& upload_id, abort_counts& counts) {
    aws::diagnostics diag;
    auto aborted = co_await s3.async_abort_multipart_upload(bucket, key, upload_id, diag);
    if (aborted || diag.code == "NoSuchUpload") {
        ++counts.aborted;
        co_return true;
    }
    ++counts.refused;
    fmt::print(stderr, "shiftsync rm: could not abort the upload of s3://{}/{}: {}\n", bucket, key,
               describe_failure(aborted.error(), diag));
    co_return false;
}

asio::awaitable<outcome> remove_incomplete(aws::s3::s3_client& s3, ts::s3_url url, ts::upload_journal& journal,
                                           abort_counts& counts) {
    auto open = journal.open_entries();
    if (!open) {
        aws::diagnostics diag;
        diag.client_note = "cannot read the journal " + journal.path() + ": " + open.error().message();
        co_return outcome{open.error(), diag};
    }
    std::vector<ts::journal_entry> done;
    for (const auto& e : *open) {
        if (e.bucket != url.bucket || !e.key.starts_with(url.key)) continue;
        if (co_await abort_one(s3, e.bucket, e.key, e.upload_id, counts)) done.push_back(e);
    }
    if (!done.empty()) (void)journal.forget(done);

    // Uploads the journal never saw (another machine, another tool): only with the list permission.
    aws::diagnostics diag;
    std::string key_marker, id_marker;
    do {
        auto page = co_await s3.async_list_multipart_uploads(url.bucket, url.key, key_marker, id_marker, diag);
        if (!page) {
            if (page.error() == aws::errc::access_denied) {
                fmt::print(stderr, "shiftsync rm: note: s3:ListBucketMultipartUploads is not granted, so only the "
                                   "uploads in the journal ({}) were looked at\n", journal.path());
                co_return outcome{{}, {}};
            }
            co_return outcome{page.error(), diag};
        }
        for (const auto& u : page->uploads) co_await abort_one(s3, url.bucket, u.key, u.upload_id, counts);
        key_marker = page->next_key_marker;
        id_marker = page->next_upload_id_marker;
    } while (!key_marker.empty() || !id_marker.empty());
    co_return outcome{{}, {}};
}

int run_rm(const rm_flags& flags) {
    auto url = ts::parse_s3_url(flags.url);
    if (!url) {
        fmt::print(stderr, "shiftsync rm: an S3 URL is s3://BUCKET/KEY, got '{}'\n", flags.url);
        return exit_usage;
    }
    if (!flags.recursive && !flags.incomplete_uploads && (url->key.empty() || url->key.back() == '/')) {
        fmt::print(stderr, "shiftsync rm: {} names a prefix; add --recursive to delete every object under it\n", flags.url);
        return exit_usage;
    }
    auto session = s3_session::open(flags.connection, 16);
    if (!session) return exit_usage;
    auto& s3 = session->s3();
    ts::upload_journal journal(flags.journal.empty() ? ts::upload_journal::default_path() : flags.journal);
    std::uint64_t removed = 0, failed = 0;
    abort_counts counts;
    auto task = [&]() -> asio::awaitable<outcome> {
        if (flags.incomplete_uploads) co_return co_await remove_incomplete(s3, *url, journal, counts);
        if (flags.recursive) co_return co_await remove_prefix(s3, *url, removed, failed);
        aws::diagnostics diag;
        auto deleted = co_await s3.async_delete_object(url->bucket, url->key, diag);
        if (!deleted) co_return outcome{deleted.error(), diag};
        removed = 1;
        co_return outcome{{}, diag};
    };
    auto [ec, diag] = session->run(task());
    if (session->interrupted()) return exit_interrupted;
    if (ec) {
        fmt::print(stderr, "shiftsync rm: failed: {}: {}\n", flags.url, describe_failure(ec, diag));
        return exit_failed;
    }
    if (flags.incomplete_uploads) {
        fmt::print(stderr, "aborted {} incomplete upload{}{}\n", counts.aborted, counts.aborted == 1 ? "" : "s",
                   counts.refused ? fmt::format(", {} could not be aborted", counts.refused) : "");
        return counts.refused ? exit_failed : exit_ok;
    }
    fmt::print(stderr, "deleted {} object{}{}\n", removed, removed == 1 ? "" : "s",
               failed ? fmt::format(", {} failed", failed) : "");
    return failed ? exit_failed : exit_ok;
}

}  // namespace

command_runner add_rm_command(CLI::App& app) {
    auto flags = std::make_shared<rm_flags>();
    auto* cmd = app.add_subcommand("rm", "Delete an object, a prefix (--recursive), or incomplete multipart uploads");
    cmd->add_option("URL", flags->url, "s3://bucket/key, or s3://bucket/prefix/ with --recursive")->required();
    cmd->add_flag("--recursive", flags->recursive, "Delete every object under the prefix");
    cmd->add_flag("--incomplete-uploads", flags->incomplete_uploads,
                  "Abort the multipart uploads in the journal (and any ListMultipartUploads shows) under the prefix");
    cmd->add_option("--journal", flags->journal, "The upload journal (default: $XDG_STATE_HOME/shiftsync/incomplete-uploads.jsonl)");
    flags->connection.add_aws_to(*cmd);
    return [flags] { return run_rm(*flags); };
}

}  // namespace shiftsync::cli

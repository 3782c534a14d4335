// `shiftsync cp SRC DST`: files, directories (--recursive), stdin/stdout and S3 objects/prefixes,
// through transfer/s3's parallel multipart uploads and ranged downloads.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/commands/s3_errors.hpp"
#include "tools/shiftsync/commands/transfer_run.hpp"
#include "transfer/s3/recursive.hpp"
#include "transfer/s3/s3_url.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include <unistd.h>

namespace shiftsync::cli {
namespace {

namespace fs = std::filesystem;
namespace ts = transfer::s3;
namespace asio = boost::asio;

struct cp_flags {
    transfer_flags transfer;
    std::string source;
    std::string destination;
    bool recursive = false;
    std::string content_type;
    std::vector<std::string> metadata;
};

enum class place { local, stdio, s3 };

place kind_of(const std::string& where) {
    if (where == "-") return place::stdio;
    return ts::is_s3_url(where) ? place::s3 : place::local;
}

std::optional<ts::upload_options> upload_options_from(const cp_flags& flags) {
    ts::upload_options options{.content_type = flags.content_type};
    for (const auto& item : flags.metadata) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
            fmt::print(stderr, "shiftsync cp: --metadata wants KEY=VALUE, got '{}'\n", item);
            return std::nullopt;
        }
        options.metadata.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return options;
}

// The object key for an upload to `dst`: a key ending in '/' (or none) gets the file's name.
std::string upload_key(const ts::s3_url& dst, const std::string& source) {
    if (dst.key.empty() || dst.key.back() == '/') return dst.key + fs::path(source).filename().string();
    return dst.key;
}

// The file a download writes: into an existing directory (or a path ending in '/') under the key's name.
std::string download_path(const std::string& destination, const ts::s3_url& src) {
    std::error_code ec;
    if (destination.back() == '/' || fs::is_directory(destination, ec))
        return (fs::path(destination) / ts::key_basename(src.key)).string();
    return destination;
}

int run_cp(const cp_flags& flags) {
    const place from = kind_of(flags.source), to = kind_of(flags.destination);
    auto usage = [](const std::string& text) {
        fmt::print(stderr, "shiftsync cp: {}\n", text);
        return exit_usage;
    };
    if (from != place::s3 && to != place::s3) return usage("one of SRC and DST must be an s3:// URL");
    if (from == place::s3 && to == place::s3)
        return usage("copying between S3 locations is not supported yet; copy to a local file or '-' first");
    if (flags.recursive && (from == place::stdio || to == place::stdio))
        return usage("--recursive copies between a directory and an S3 prefix, not through '-'");
    auto options = upload_options_from(flags);
    if (!options) return exit_usage;
    auto src_url = ts::parse_s3_url(flags.source);
    auto dst_url = ts::parse_s3_url(flags.destination);
    if ((from == place::s3 && !src_url) || (to == place::s3 && !dst_url))
        return usage("an S3 URL is s3://BUCKET/KEY");
    if (from == place::local && !flags.recursive) {
        std::error_code ec;
        if (fs::is_directory(flags.source, ec)) return usage(flags.source + " is a directory; add --recursive");
    }
    if (from == place::s3 && !flags.recursive && (src_url->key.empty() || src_url->key.back() == '/'))
        return usage(flags.source + " names a prefix, not an object; add --recursive");
    if (to == place::s3 && from == place::stdio && (dst_url->key.empty() || dst_url->key.back() == '/'))
        return usage("uploading from '-' needs a full object key, not a prefix");

    transfer_run run(flags.transfer, "cp");
    if (!run.open(flags.recursive)) return exit_usage;
    const bool stdout_is_data = to == place::stdio;
    auto& ctx = run.context();

    auto task = [&]() -> asio::awaitable<std::pair<boost::system::error_code, aws::diagnostics>> {
        aws::diagnostics diag;
        boost::system::error_code ec;
        ts::failure_report report = run.failure_reporter();
        if (flags.recursive && from == place::local) {
            auto r = co_await ts::async_upload_directory(ctx, flags.source, dst_url->bucket, dst_url->key, *options,
                                                         std::move(report));
            if (!r) ec = r.error();
        } else if (flags.recursive) {
            auto r = co_await ts::async_download_prefix(ctx, src_url->bucket, src_url->key, flags.destination,
                                                        std::move(report));
            if (!r) ec = r.error();
        } else if (from == place::local || from == place::stdio) {
            ts::object_location where{dst_url->bucket, from == place::local ? upload_key(*dst_url, flags.source)
                                                                             : dst_url->key};
            boost::system::result<ts::upload_result> r = ts::upload_result{};
            if (from == place::local) {
                std::error_code size_ec;
                ctx.counters().bytes_expected = fs::file_size(flags.source, size_ec);
                r = co_await ts::async_upload_file(ctx, flags.source, where, *options, diag);
            } else {
                ts::stream_reader reader = ts::descriptor_reader(ctx, STDIN_FILENO);
                r = co_await ts::async_upload_stream(ctx, std::move(reader), where, *options, diag);
            }
            if (r) ++ctx.counters().objects;
            else ec = r.error();
        } else {
            ts::object_location what{src_url->bucket, src_url->key};
            boost::system::result<ts::download_result> r = ts::download_result{};
            if (to == place::local) {
                std::string path = download_path(flags.destination, *src_url);
                std::optional<ts::known_object> unknown;
                r = co_await ts::async_download_file(ctx, what, std::move(path), unknown, diag);
            } else {
                ts::chunk_consumer writer = ts::descriptor_writer(ctx, STDOUT_FILENO);
                std::optional<ts::known_object> unknown;
                r = co_await ts::async_download_stream(ctx, what, std::move(writer), unknown, diag);
            }
            if (r) ++ctx.counters().objects;
            else ec = r.error();
        }
        co_return std::make_pair(ec, diag);
    };
    auto [ec, diag] = run.execute(task());
    return run.finish(ec, diag, flags.source + " -> " + flags.destination, stdout_is_data);
}

}  // namespace

command_runner add_cp_command(CLI::App& app) {
    auto flags = std::make_shared<cp_flags>();
    auto* cmd = app.add_subcommand("cp", "Copy files, stdin/stdout and S3 objects (parallel multipart and ranged transfers)");
    cmd->add_option("SRC", flags->source, "A local path, '-' (stdin) or s3://bucket/key")->required();
    cmd->add_option("DST", flags->destination, "A local path, '-' (stdout) or s3://bucket/key (a prefix with --recursive)")
        ->required();
    cmd->add_flag("--recursive", flags->recursive, "Copy a directory tree to a prefix, or a prefix to a directory");
    cmd->add_option("--content-type", flags->content_type, "Content-Type of uploaded objects");
    cmd->add_option("--metadata", flags->metadata, "User metadata KEY=VALUE on uploaded objects (repeatable)");
    flags->transfer.add_to(*cmd);
    return [flags] { return run_cp(*flags); };
}

}  // namespace shiftsync::cli

#include "transfer/staging/sweep.hpp"

#include "transfer/staging/local_process.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/staging/sweep_decision.hpp"

#include <optional>

namespace shiftsync::transfer::staging {
namespace {

namespace asio = boost::asio;
namespace http = engine::http;

// The marker's text; nullopt when there is none (a folder that is not a run: left alone).
asio::awaitable<boost::system::result<std::optional<std::string>>> async_read_marker(aws::s3::s3_client& s3,
                                                                                    const std::string& bucket,
                                                                                    const std::string& key,
                                                                                    aws::diagnostics& diag) {
    aws::diagnostics get_diag;
    std::string text;
    http::body_sink sink = http::string_sink{};
    std::optional<aws::s3::byte_range> whole;
    auto got = co_await s3.async_get_object(bucket, key, whole, std::move(sink), get_diag, &text);
    if (got) co_return std::optional<std::string>(std::move(text));
    if (got.error() == aws::errc::not_found) co_return std::optional<std::string>();
    diag = get_diag;
    co_return got.error();
}

// What to do with the folder `run_id`, whose marker is `marker_key`: a verdict (sweep, or keep and
// why), or nothing (no marker: not a run).
struct examined {
    bool is_run = false;  // false: no marker, not a run, not reported
    sweep_verdict verdict;
};

asio::awaitable<boost::system::result<examined>> async_examine(aws::s3::s3_client& s3, const std::string& bucket,
                                                               const std::string& run_id, const std::string& marker_key,
                                                               const sweep_options& options, const host_identity& here,
                                                               aws::diagnostics& diag) {
    auto text = co_await async_read_marker(s3, bucket, marker_key, diag);
    if (!text) co_return text.error();
    if (!*text) co_return examined{};
    std::string why;
    auto marker = parse_marker(**text, why);
    if (!marker) co_return examined{true, {false, "its marker cannot be read (" + why + "); not touched"}};
    if (marker->run_id != run_id)
        co_return examined{true, {false, "its marker names run " + marker->run_id + "; not touched"}};
    co_return examined{true, decide_sweep(*marker, std::chrono::system_clock::now(), options.older_than, here,
                                          probe_local_process)};
}

}  // namespace

asio::awaitable<boost::system::result<sweep_report>> async_sweep(aws::s3::s3_client& s3, staging_location location,
                                                                sweep_options options, aws::diagnostics& diag) {
    if (!location.prefix.empty() && !location.prefix.ends_with('/')) location.prefix += '/';
    const host_identity here = this_host();
    sweep_report report;
    aws::s3::list_request request{.prefix = location.prefix, .delimiter = "/"};
    do {
        auto page = co_await s3.async_list_objects_v2(location.bucket, request, diag);
        if (!page) co_return page.error();
        for (const auto& folder : page->common_prefixes) {
            // "prefix/<run-id>/" -> "<run-id>" (S3 returns nothing else with this prefix and delimiter;
            // anything else would be no run of this location's)
            if (!folder.starts_with(location.prefix) || !folder.ends_with('/')) continue;
            std::string run_id = folder.substr(location.prefix.size(), folder.size() - location.prefix.size() - 1);
            if (!is_run_id(run_id)) continue;
            const std::string marker_key = folder + std::string(marker_name);
            auto seen = co_await async_examine(s3, location.bucket, run_id, marker_key, options, here, diag);
            if (!seen) co_return seen.error();
            if (!seen->is_run) continue;
            if (!seen->verdict.sweep) {
                report.kept.push_back({run_id, std::move(seen->verdict.reason)});
                continue;
            }
            swept_run swept{.run_id = run_id, .reason = std::move(seen->verdict.reason)};
            if (options.dry_run) {
                auto count = co_await async_count_prefix(s3, location.bucket, folder, diag);
                if (!count) co_return count.error();
                swept.objects = *count;
            } else {
                auto removed = co_await async_delete_prefix(s3, location.bucket, folder, marker_key, diag);
                if (!removed) co_return removed.error();
                swept.objects = removed->deleted;
                swept.refused = std::move(removed->refused);
            }
            report.swept.push_back(std::move(swept));
        }
        request.continuation_token = page->next_continuation_token;
    } while (!request.continuation_token.empty());
    co_return report;
}

}  // namespace shiftsync::transfer::staging

#include "transfer/staging/prefix_cleanup.hpp"

#include "transfer/staging/staging_error.hpp"

namespace shiftsync::transfer::staging {
namespace {

namespace asio = boost::asio;

// One pass for the objects, one to see that none appeared meanwhile; more only while some did.
constexpr int max_passes = 4;

}  // namespace

asio::awaitable<boost::system::result<cleanup_report>> async_delete_prefix(aws::s3::s3_client& s3, std::string bucket,
                                                                          std::string prefix, std::string last_key,
                                                                          aws::diagnostics& diag) {
    cleanup_report report;
    for (int pass = 1;; ++pass) {
        bool last_seen = false;
        std::uint64_t found = 0;  // objects besides `last_key` this pass
        aws::s3::list_request request{.prefix = prefix};
        do {
            auto page = co_await s3.async_list_objects_v2(bucket, request, diag);
            if (!page) co_return page.error();
            std::vector<std::string> keys;
            for (auto& object : page->objects) {
                if (object.key == last_key) last_seen = true;
                else keys.push_back(std::move(object.key));
            }
            if (!keys.empty()) {
                found += keys.size();
                auto refused = co_await s3.async_delete_objects(bucket, keys, diag);
                if (!refused) co_return refused.error();
                report.deleted += keys.size() - refused->size();
                report.refused.insert(report.refused.end(), refused->begin(), refused->end());
            }
            request.continuation_token = page->next_continuation_token;
        } while (!request.continuation_token.empty());
        // A refused key would be found again on every pass; it and the marker stay for the user.
        if (!report.refused.empty()) co_return report;
        if (found == 0) {
            if (last_seen) {
                std::vector<std::string> last{last_key};
                auto refused = co_await s3.async_delete_objects(bucket, last, diag);
                if (!refused) co_return refused.error();
                report.deleted += last.size() - refused->size();
                report.refused.insert(report.refused.end(), refused->begin(), refused->end());
            }
            co_return report;
        }
        if (pass == max_passes) {
            diag.client_note = "objects kept appearing under s3://" + bucket + "/" + prefix + " while it was emptied (" +
                               std::to_string(max_passes) + " passes; is an UNLOAD still writing there?); its run marker "
                               "was kept, so `shiftsync sweep` can remove them once the run is over";
            co_return errc::still_written;
        }
    }
}

asio::awaitable<boost::system::result<std::uint64_t>> async_count_prefix(aws::s3::s3_client& s3, std::string bucket,
                                                                        std::string prefix, aws::diagnostics& diag) {
    std::uint64_t count = 0;
    aws::s3::list_request request{.prefix = prefix};
    do {
        auto page = co_await s3.async_list_objects_v2(bucket, request, diag);
        if (!page) co_return page.error();
        count += page->objects.size();
        request.continuation_token = page->next_continuation_token;
    } while (!request.continuation_token.empty());
    co_return count;
}

}  // namespace shiftsync::transfer::staging

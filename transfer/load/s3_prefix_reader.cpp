// make_s3_prefix_reader (chunk_reader.hpp): ListObjectsV2 pages, then ranged GETs one at a time.

#include "transfer/load/chunk_reader.hpp"

#include "transfer/s3/transfer_error.hpp"

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
using boost::system::result;

bool is_skipped_key(std::string_view relative) {
    if (relative.empty() || relative.back() == '/') return true;
    while (!relative.empty()) {
        std::string_view part = relative.substr(0, relative.find('/'));
        if (!part.empty() && (part[0] == '_' || part[0] == '.')) return true;
        if (part == "manifest") return true;
        relative.remove_prefix(std::min(relative.size(), part.size() + 1));
    }
    return false;
}

namespace {

// A GET's bytes in memory: the chunk is the unit the decoder takes anyway.
constexpr std::uint64_t range_size = 8ull << 20;

// A free coroutine (not a lambda's): its frame owns `body`, whatever happens to the sink's copy.
asio::awaitable<result<void>> append_to(std::shared_ptr<std::string> body, std::span<const std::byte> bytes) {
    body->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    co_return result<void>{};
}

class s3_prefix_reader final : public chunk_reader {
public:
    s3_prefix_reader(s3::transfer_context& transfers, std::string bucket, std::string prefix)
        : transfers_(transfers), bucket_(std::move(bucket)), prefix_(std::move(prefix)) {}

    asio::awaitable<result<void>> async_list(aws::diagnostics& diag) override {
        aws::s3::list_request request;
        request.prefix = prefix_;
        do {
            auto page = co_await transfers_.s3().async_list_objects_v2(bucket_, request, diag);
            if (!page) co_return page.error();
            for (auto& o : page->objects) {
                if (is_skipped_key(std::string_view(o.key).substr(prefix_.size()))) continue;
                names_.push_back("s3://" + bucket_ + "/" + o.key);
                objects_.push_back(std::move(o));
            }
            request.continuation_token = page->next_continuation_token;
        } while (!request.continuation_token.empty());
        if (objects_.empty()) {
            diag.client_note = "s3://" + bucket_ + "/" + prefix_ + " holds no objects to load (names starting with "
                               "'_' or '.', and manifests, are skipped)";
            co_return make_error_code(errc::source_missing);
        }
        co_return result<void>{};
    }

    std::size_t count() const override { return objects_.size(); }
    const std::string& name(std::size_t index) const override { return names_[index]; }

    result<void> open(std::size_t index, aws::diagnostics&) override {
        index_ = index;
        offset_ = 0;
        return {};
    }

    asio::awaitable<result<std::string>> async_read(aws::diagnostics& diag) override {
        const auto& object = objects_[index_];
        if (offset_ >= object.size) co_return std::string();
        aws::s3::get_options options;
        options.range = aws::s3::byte_range{offset_, std::min(object.size, offset_ + range_size) - 1};
        options.if_match = object.etag;
        auto body = std::make_shared<std::string>();
        engine::http::consumer_sink sink{[body](std::span<const std::byte> bytes) { return append_to(body, bytes); },
                                         [body] {
                                             body->clear();  // a retry starts the range again
                                             return true;
                                         }};
        engine::http::body_sink into_body = std::move(sink);
        auto got = co_await transfers_.s3().async_get_object(bucket_, object.key, options, std::move(into_body), diag);
        if (!got) {
            diag.client_note = "reading " + names_[index_] + " failed" +
                               (diag.code == "PreconditionFailed" ? " (the object changed while it was read)" : "");
            co_return got.error();
        }
        const std::uint64_t expected = options.range->last - options.range->first + 1;
        if (body->size() != expected) {
            diag.client_note = "reading " + names_[index_] + ": " + std::to_string(body->size()) + " bytes where " +
                               std::to_string(expected) + " were asked for";
            co_return make_error_code(errc::size_mismatch);
        }
        offset_ += expected;
        co_return std::move(*body);
    }

    void close() override {}

private:
    s3::transfer_context& transfers_;
    std::string bucket_;
    std::string prefix_;
    std::vector<aws::s3::listed_object> objects_;
    std::vector<std::string> names_;
    std::size_t index_ = 0;
    std::uint64_t offset_ = 0;
};

}  // namespace

std::unique_ptr<chunk_reader> make_s3_prefix_reader(s3::transfer_context& transfers, std::string bucket,
                                                    std::string prefix) {
    return std::make_unique<s3_prefix_reader>(transfers, std::move(bucket), std::move(prefix));
}

}  // namespace shiftsync::transfer::load

#include "transfer/load/stager.hpp"

#include "aws/s3/checksums.hpp"
#include "transfer/rows/row_encoder.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
using boost::system::result;

stager::stager(s3::transfer_context& ctx, std::string bucket, std::string prefix, std::string null_marker,
               std::uint64_t file_target, bool with_sequence)
    : ctx_(ctx), bucket_(std::move(bucket)), prefix_(std::move(prefix)), null_marker_(std::move(null_marker)),
      file_target_(std::max<std::uint64_t>(1, file_target)), with_sequence_(with_sequence) {}

stager::~stager() = default;

std::string stager::key_of(std::size_t file) const {
    char name[32];
    std::snprintf(name, sizeof name, "part-%05zu.csv.gz", file);
    return prefix_ + name;
}

void stager::start_generation(asio::any_io_executor executor) {
    for (auto& s : generation_) {
        s.compressor = codec::make_compressor(codec::compression::gzip);
        s.data = std::make_shared<std::string>();
        s.rows = 0;
        s.spans.clear();
        s.turn = std::make_unique<engine::async_limiter>(executor, 1);
    }
    generation_bytes_ = 0;
    next_slot_ = 0;
    generation_open_ = true;
}

asio::awaitable<void> stager::encode_into(std::size_t index, std::shared_ptr<rows::row_batch> batch,
                                          std::uint64_t first_sequence) {
    slot& s = generation_[index];
    auto turn = co_await s.turn->async_acquire(1, engine::priority::bulk);
    if (!turn || failure_.error) co_return;
    std::uint64_t rows = batch->rows();
    codec::compressor* compressor = s.compressor.get();
    auto data = s.data;
    const std::string& marker = null_marker_;
    const bool numbered = with_sequence_;
    struct encoded {
        std::size_t grew = 0;
        batch_span span;
    };
    auto job = [batch, compressor, data, &marker, first_sequence, numbered]() {
        encoded out;
        std::string text;
        text.reserve(batch->bytes() + batch->rows() * 24);
        std::uint64_t sequence = first_sequence;
        rows::encode_copy_csv(*batch, marker, numbered ? &sequence : nullptr, text, &out.span.lines_per_row);
        out.span.first_record = first_sequence;
        out.span.rows = batch->rows();
        out.span.lines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
        std::size_t before = data->size();
        compressor->write(text, *data);
        out.grew = data->size() - before;
        return out;
    };
    encoded done = co_await ctx_.cpu().async_run(std::move(job));
    s.rows += rows;
    s.spans.push_back(std::move(done.span));
    generation_bytes_ += done.grew;
}

asio::awaitable<result<void>> stager::async_add(std::shared_ptr<rows::row_batch> batch, aws::diagnostics& diag) {
    if (failure_.error) {
        diag = failure_.diag;
        co_return failure_.error;
    }
    auto executor = co_await asio::this_coro::executor;
    if (!encodes_) {
        encodes_ = std::make_unique<engine::task_group>(executor, engine::cpu_pool::cores() + 2);
        uploads_ = std::make_unique<engine::task_group>(executor, files_per_generation);
    }
    if (!generation_open_) start_generation(executor);
    if (batch->rows() == 0) co_return result<void>{};
    std::uint64_t first = next_sequence_;
    next_sequence_ += batch->rows();
    rows_ += batch->rows();
    std::size_t index = next_slot_++ % files_per_generation;
    auto task = encode_into(index, std::move(batch), first);
    co_await encodes_->async_spawn(std::move(task));
    if (generation_bytes_ >= file_target_ * files_per_generation) {
        auto closed = co_await close_generation(diag);
        if (!closed) co_return closed.error();
    }
    co_return result<void>{};
}

asio::awaitable<result<void>> stager::close_generation(aws::diagnostics& diag) {
    co_await encodes_->async_wait();
    generation_open_ = false;
    for (auto& s : generation_) {
        codec::compressor* compressor = s.compressor.get();
        auto data = s.data;
        auto finish = [compressor, data]() {
            compressor->finish(*data);
            return true;
        };
        co_await ctx_.cpu().async_run(std::move(finish));
        std::size_t file = files_.size();
        files_.push_back({key_of(file), s.data->size(), s.rows, std::move(s.spans)});
        bytes_ += s.data->size();
        auto task = upload(file, s.data);
        co_await uploads_->async_spawn(std::move(task));
        s.data.reset();
    }
    if (failure_.error) {
        diag = failure_.diag;
        co_return failure_.error;
    }
    co_return result<void>{};
}

asio::awaitable<void> stager::upload(std::size_t file, std::shared_ptr<std::string> data) {
    if (failure_.error) co_return;
    aws::diagnostics diag;
    auto checksum = [data]() { return aws::s3::crc32c().update(*data).base64(); };
    std::string crc = co_await ctx_.cpu().async_run(std::move(checksum));
    auto slot = co_await ctx_.request_slots().async_acquire(1, engine::priority::bulk);
    if (!slot) {
        failure_.record(slot.error(), diag);
        co_return;
    }
    aws::s3::put_options put{.content_type = "application/gzip", .crc32c = false, .metadata = {},
                             .precomputed_crc32c = crc};
    engine::http::body_source body = engine::http::buffer_source{data};
    std::string key = files_[file].key;
    auto put_done = co_await ctx_.s3().async_put_object(bucket_, key, std::move(body), put, diag);
    if (!put_done) {
        if (diag.client_note.empty()) diag.client_note = "staging s3://" + bucket_ + "/" + key + " failed";
        failure_.record(put_done.error(), diag);
        co_return;
    }
    ctx_.counters().bytes += data->size();
    ++ctx_.counters().objects;
}

asio::awaitable<result<std::string>> stager::async_finish(aws::diagnostics& diag) {
    if (generation_open_ && !failure_.error) {
        auto closed = co_await close_generation(diag);
        if (!closed) {
            co_await async_stop();
            co_return closed.error();
        }
    }
    co_await async_stop();
    if (failure_.error) {
        diag = failure_.diag;
        co_return failure_.error;
    }
    if (rows_ == 0) co_return std::string();
    auto manifest = std::make_shared<std::string>(manifest_json(bucket_, files_));
    aws::s3::put_options put{.content_type = "application/json", .crc32c = true, .metadata = {}};
    engine::http::body_source body = engine::http::buffer_source{manifest};
    std::string key = prefix_ + "manifest";
    auto put_done = co_await ctx_.s3().async_put_object(bucket_, key, std::move(body), put, diag);
    if (!put_done) co_return put_done.error();
    co_return "s3://" + bucket_ + "/" + key;
}

asio::awaitable<void> stager::async_stop() {
    if (encodes_) co_await encodes_->async_wait();
    if (uploads_) co_await uploads_->async_wait();
}

std::optional<std::uint64_t> source_record_at(const staged_object& file, std::uint64_t line) {
    if (line == 0) return std::nullopt;
    std::uint64_t before = 0;
    for (const auto& span : file.spans) {
        if (line > before + span.lines) {
            before += span.lines;
            continue;
        }
        std::uint64_t offset = line - before;  // from 1, inside this batch
        if (span.lines_per_row.empty()) return span.first_record + offset - 1;
        std::uint64_t seen = 0;
        for (std::size_t r = 0; r < span.lines_per_row.size(); ++r) {
            seen += span.lines_per_row[r];
            if (offset <= seen) return span.first_record + r;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::string manifest_json(const std::string& bucket, const std::vector<staged_object>& files) {
    boost::json::array entries;
    for (const auto& f : files)
        entries.push_back(boost::json::object{{"url", "s3://" + bucket + "/" + f.key},
                                              {"mandatory", true},
                                              {"meta", boost::json::object{{"content_length", f.bytes}}}});
    return boost::json::serialize(boost::json::object{{"entries", std::move(entries)}});
}

}  // namespace shiftsync::transfer::load

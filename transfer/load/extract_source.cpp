#include "transfer/load/extract_source.hpp"

#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;

namespace {

using batch_ptr = std::shared_ptr<rows::row_batch>;
using channel = asio::experimental::channel<void(error_code, batch_ptr)>;

// What the extract (producer) and the load (consumer) share; the producer coroutine holds it too,
// so it outlives a source destroyed before the extract ended.
struct feed {
    explicit feed(asio::any_io_executor executor)
        : batches(executor, 4), opened(executor, asio::steady_timer::time_point::max()),
          finished(executor, asio::steady_timer::time_point::max()) {}
    channel batches;
    asio::steady_timer opened;    // cancelled when the columns are known or the extract ended
    asio::steady_timer finished;  // cancelled when the extract ended
    std::optional<rows::schema> columns;
    bool done = false;   // the extract returned
    bool ended = false;  // and the producer is gone (the end sent, or the channel closed)
    error_code error;
    aws::diagnostics diag;
    std::string failure;
    asio::cancellation_signal cancel;
};

class feed_sink final : public extract::row_sink {
public:
    explicit feed_sink(std::shared_ptr<feed> f) : feed_(std::move(f)) {}
    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t) override {
        feed_->columns = columns;
        feed_->opened.cancel();
        co_return result<void>{};
    }
    asio::awaitable<result<void>> async_write(std::size_t, batch_ptr batch) override {
        const std::size_t n = batch->rows();
        error_code ec;
        co_await feed_->batches.async_send(error_code{}, std::move(batch), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            failure_ = "the load stopped reading";
            co_return make_error_code(errc::destination_failed);
        }
        rows_ += n;
        co_return result<void>{};
    }
    asio::awaitable<result<void>> async_commit() override { co_return result<void>{}; }
    asio::awaitable<void> async_abandon() override { co_return; }

private:
    std::shared_ptr<feed> feed_;
};

asio::awaitable<void> produce(std::shared_ptr<feed> f, extract::extract_environment& env,
                              extract::extract_request request) {
    feed_sink sink(f);
    auto done = co_await extract::async_extract(env, request, sink, f->diag);
    if (!done) {
        f->error = done.error();
        if (f->diag.client_note.empty() && !sink.failure().empty()) f->diag.client_note = sink.failure();
    }
    f->done = true;
    f->opened.cancel();
    // The end (nullptr), unless the load closed the channel already.
    co_await asio::this_coro::reset_cancellation_state();
    error_code ignored;
    batch_ptr end;
    co_await f->batches.async_send(error_code{}, std::move(end), asio::redirect_error(asio::use_awaitable, ignored));
    f->ended = true;
    f->finished.cancel();
}

class redshift_source final : public extract_source {
public:
    redshift_source(extract::extract_environment& env, extract::extract_request request)
        : env_(env), request_(std::move(request)) {}
    ~redshift_source() override {
        // Never closed (a caller's bug): stop the extract anyway; it cleans up on its own.
        if (feed_ && !feed_->done) {
            feed_->batches.close();
            feed_->cancel.emit(asio::cancellation_type::terminal);
        }
    }

    asio::awaitable<result<std::vector<std::string>>> async_open(aws::diagnostics& diag) override {
        auto executor = co_await asio::this_coro::executor;
        feed_ = std::make_shared<feed>(executor);
        auto task = produce(feed_, env_, request_);
        asio::co_spawn(executor, std::move(task), asio::bind_cancellation_slot(feed_->cancel.slot(), asio::detached));
        if (!feed_->columns && !feed_->done) {
            error_code ec;
            co_await feed_->opened.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!feed_->columns) {
            diag = feed_->diag;
            co_return feed_->error ? feed_->error : make_error_code(errc::source_failed);
        }
        std::vector<std::string> names;
        for (const auto& c : *feed_->columns) names.push_back(c.name);
        co_return names;
    }
    void set_schema(rows::schema) override {}  // values come typed by the extract's own columns
    asio::awaitable<result<batch_ptr>> async_next(aws::diagnostics& diag) override {
        auto [ec, batch] = co_await feed_->batches.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return ec;
        if (batch) {
            rows_ += batch->rows();
            co_return batch;
        }
        if (feed_->error) {
            diag = feed_->diag;
            co_return feed_->error;
        }
        co_return batch_ptr{};
    }
    std::uint64_t rows_read() const override { return rows_; }
    std::vector<column_type> column_types() const override {
        std::vector<column_type> out;
        if (feed_ && feed_->columns)
            for (const auto& c : *feed_->columns) out.push_back(column_type{redshift_ddl_for(c), {}});
        return out;
    }
    asio::awaitable<void> async_close() override {
        if (!feed_) co_return;
        co_await asio::this_coro::reset_cancellation_state();
        if (!feed_->done) {
            feed_->batches.close();
            feed_->cancel.emit(asio::cancellation_type::terminal);
        } else {
            feed_->batches.close();
        }
        while (!feed_->ended) {
            error_code ec;
            co_await feed_->finished.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

private:
    extract::extract_environment& env_;
    extract::extract_request request_;
    std::shared_ptr<feed> feed_;
    std::uint64_t rows_ = 0;
};

}  // namespace

std::string redshift_ddl_for(const rows::column& c) {
    using rows::value_kind;
    switch (c.kind) {
        case value_kind::integer:
            if (c.type_name == "int2" || c.type_name == "smallint") return "SMALLINT";
            if (c.type_name == "int4" || c.type_name == "integer") return "INTEGER";
            return "BIGINT";
        case value_kind::decimal:
            if (c.precision > 0) return "NUMERIC(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
            return "NUMERIC(38,10)";
        case value_kind::real4: return "REAL";
        case value_kind::real8: return "DOUBLE PRECISION";
        case value_kind::boolean: return "BOOLEAN";
        case value_kind::date: return "DATE";
        case value_kind::time: return "TIME";
        case value_kind::timetz: return "TIMETZ";
        case value_kind::timestamp: return "TIMESTAMP";
        case value_kind::timestamptz: return "TIMESTAMPTZ";
        case value_kind::super: return "SUPER";
        case value_kind::varbyte: return "VARBYTE(1024000)";
        case value_kind::text:
            if ((c.type_name == "varchar" || c.type_name == "bpchar") && c.precision > 0 && c.precision <= 65535)
                return std::string(c.type_name == "bpchar" ? "CHAR(" : "VARCHAR(") + std::to_string(c.precision) + ")";
            return "VARCHAR(65535)";
    }
    return "VARCHAR(65535)";
}

std::unique_ptr<extract_source> make_extract_source(extract::extract_environment& env, extract::extract_request request) {
    return std::make_unique<redshift_source>(env, std::move(request));
}

}  // namespace shiftsync::transfer::load

#include "transfer/sync/turn_taking_sink.hpp"

#include "engine/scheduler/async_limiter.hpp"
#include "transfer/extract/forwarding_sink.hpp"

namespace shiftsync::transfer::sync {
namespace {

namespace asio = boost::asio;
using boost::system::result;

class turn_taking_sink final : public extract::forwarding_sink {
public:
    turn_taking_sink(std::unique_ptr<extract::row_sink> inner, engine::async_limiter& limit,
                     std::function<void(std::string_view)> phase)
        : forwarding_sink(std::move(inner)), limit_(limit), phase_(std::move(phase)) {}

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t streams) override {
        if (phase_) phase_("queued");
        auto got = co_await limit_.async_acquire(1, engine::priority::normal);
        if (!got) {
            failure_ = "cancelled while waiting for a turn to write (max_concurrent_loads)";
            co_return got.error();
        }
        turn_ = std::move(*got);
        if (phase_) phase_("extract");
        co_return co_await forwarding_sink::async_open(columns, streams);
    }
    asio::awaitable<result<void>> async_commit() override {
        auto committed = co_await forwarding_sink::async_commit();
        turn_.reset();
        co_return committed;
    }
    asio::awaitable<void> async_abandon() override {
        co_await forwarding_sink::async_abandon();
        turn_.reset();
    }

private:
    engine::async_limiter& limit_;
    std::function<void(std::string_view)> phase_;
    engine::async_limiter::permit turn_;  // held from open to commit or abandon
};

}  // namespace

std::unique_ptr<extract::row_sink> make_turn_taking_sink(std::unique_ptr<extract::row_sink> inner,
                                                         engine::async_limiter& limit,
                                                         std::function<void(std::string_view phase)> phase) {
    return std::make_unique<turn_taking_sink>(std::move(inner), limit, std::move(phase));
}

}  // namespace shiftsync::transfer::sync

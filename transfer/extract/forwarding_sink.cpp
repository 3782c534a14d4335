#include "transfer/extract/forwarding_sink.hpp"

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
using boost::system::result;

asio::awaitable<result<void>> forwarding_sink::async_open(const rows::schema& columns, std::size_t streams) {
    auto opened = co_await inner_->async_open(columns, streams);
    mirror_inner();
    co_return opened;
}

asio::awaitable<result<void>> forwarding_sink::async_write(std::size_t stream, std::shared_ptr<rows::row_batch> batch) {
    auto written = co_await inner_->async_write(stream, std::move(batch));
    mirror_inner();
    co_return written;
}

asio::awaitable<result<void>> forwarding_sink::async_commit() {
    auto committed = co_await inner_->async_commit();
    mirror_inner();
    co_return committed;
}

asio::awaitable<void> forwarding_sink::async_abandon() {
    co_await inner_->async_abandon();
    mirror_inner();
}

void forwarding_sink::mirror_inner() {
    rows_ = inner_->rows_written();
    bytes_ = inner_->bytes_written();
    failure_ = inner_->failure();
}

}  // namespace shiftsync::transfer::extract

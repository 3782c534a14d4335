#pragma once
// A sink that hands every call to the sink it wraps and mirrors that sink's counts and failure
// after each: the base of sinks that add something on the way (sync's row watcher, its turns for
// bulk work). A derived sink overrides the calls it adds to and calls these for the rest.
//
// Executor / thread safety: like every sink, on the network thread.

#include "transfer/extract/row_sink.hpp"

#include <memory>

namespace shiftsync::transfer::extract {

class forwarding_sink : public row_sink {
public:
    explicit forwarding_sink(std::unique_ptr<row_sink> inner) : inner_(std::move(inner)) {}

    boost::asio::awaitable<boost::system::result<void>> async_open(const rows::schema& columns,
                                                                  std::size_t streams) override;
    boost::asio::awaitable<boost::system::result<void>> async_write(std::size_t stream,
                                                                   std::shared_ptr<rows::row_batch> batch) override;
    boost::asio::awaitable<boost::system::result<void>> async_commit() override;
    boost::asio::awaitable<void> async_abandon() override;

protected:
    // The wrapped sink's rows, bytes and failure, as this sink's.
    void mirror_inner();

private:
    std::unique_ptr<row_sink> inner_;
};

}  // namespace shiftsync::transfer::extract

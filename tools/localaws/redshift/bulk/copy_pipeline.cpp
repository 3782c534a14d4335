#include "tools/localaws/redshift/bulk/copy_pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace localaws::redshift::bulk {
namespace {

// The buffers between the two threads: filled ones in delivery order, and spare ones to reuse.
class buffer_queue {
public:
    explicit buffer_queue(std::size_t depth) : spare_(depth - 1) {}  // the producer holds one more

    // Producer: queues `buffer`'s contents and gives it a spare (empty) buffer back. Blocks while
    // none is spare. False once the consumer stopped.
    bool deliver(std::string& buffer) {
        std::unique_lock lock(mutex_);
        spare_ready_.wait(lock, [&] { return stopped_ || !spare_.empty(); });
        if (stopped_) return false;
        filled_.push_back(std::move(buffer));
        buffer = std::move(spare_.back());
        spare_.pop_back();
        buffer.clear();
        filled_ready_.notify_one();
        return true;
    }

    // Producer: nothing more comes.
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        filled_ready_.notify_one();
    }

    // Consumer: the next filled buffer (moved into `buffer`, whose old contents become spare);
    // false when the producer closed and everything was taken.
    bool take(std::string& buffer) {
        std::unique_lock lock(mutex_);
        if (consumer_holds_) {
            spare_.push_back(std::move(buffer));
            consumer_holds_ = false;
            spare_ready_.notify_one();
        }
        filled_ready_.wait(lock, [&] { return closed_ || !filled_.empty(); });
        if (filled_.empty()) return false;
        buffer = std::move(filled_.front());
        filled_.pop_front();
        consumer_holds_ = true;
        return true;
    }

    // Consumer: stop; a producer blocked in deliver() wakes up to false.
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        spare_ready_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable filled_ready_, spare_ready_;
    std::deque<std::string> filled_;
    std::vector<std::string> spare_;
    bool consumer_holds_ = false;  // the consumer's buffer is one of the `depth`
    bool closed_ = false;
    bool stopped_ = false;
};

}  // namespace

void run_pipeline(const pipeline_options& options, const std::function<void(const std::function<bool(std::string&)>&)>& produce,
                  const std::function<bool(const std::string&)>& consume) {
    buffer_queue queue(std::max<std::size_t>(options.depth, 2));
    std::exception_ptr failed;  // what produce threw; read after join
    std::thread worker([&] {
        try {
            produce([&](std::string& buffer) { return queue.deliver(buffer); });
        } catch (...) {
            failed = std::current_exception();
        }
        queue.close();
    });
    {
        // However this scope is left (a consumer's exception included), the worker is stopped and
        // joined first: it uses `queue`, `produce` and `failed`, which live here.
        struct joiner {
            buffer_queue& queue;
            std::thread& worker;
            ~joiner() {
                queue.stop();
                worker.join();
            }
        } join{queue, worker};
        std::string buffer;
        while (queue.take(buffer) && consume(buffer)) {
        }
    }
    if (failed) std::rethrow_exception(failed);
}

}  // namespace localaws::redshift::bulk

#include "tools/localaws/admin/counters.hpp"

#include <boost/json.hpp>

namespace localaws::admin {
namespace json = boost::json;

void counters::record(const std::string& service, const std::string& operation, int status,
                      const std::string& error_code, std::uint64_t bytes_in, std::uint64_t bytes_out,
                      std::chrono::microseconds latency) {
    std::lock_guard lock(mutex_);
    auto& c = by_operation_[service + "." + operation];
    ++c.requests;
    c.bytes_in += bytes_in;
    c.bytes_out += bytes_out;
    c.latency_ms_total += static_cast<double>(latency.count()) / 1000.0;
    ++c.by_status[std::to_string(status)];
    if (!error_code.empty()) ++c.errors[error_code];
}

json::value counters::to_json() const {
    std::lock_guard lock(mutex_);
    json::object out;
    for (const auto& [name, c] : by_operation_) {
        json::object statuses, errors;
        for (const auto& [s, n] : c.by_status) statuses[s] = n;
        for (const auto& [e, n] : c.errors) errors[e] = n;
        out[name] = json::object{{"requests", c.requests},
                                 {"bytes_in", c.bytes_in},
                                 {"bytes_out", c.bytes_out},
                                 {"latency_ms_total", c.latency_ms_total},
                                 {"status", std::move(statuses)},
                                 {"errors", std::move(errors)}};
    }
    return out;
}

void counters::reset() {
    std::lock_guard lock(mutex_);
    by_operation_.clear();
}

}  // namespace localaws::admin

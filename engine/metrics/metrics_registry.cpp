#include "engine/metrics/metrics_registry.hpp"

#include <sstream>

namespace shiftsync::engine {

std::uint64_t operation_stats::retries() const {
    std::uint64_t total = 0;
    for (auto n : retries_by_reason) total += n;
    return total;
}

void metrics_registry::record(std::string_view endpoint, std::string_view operation, const request_sample& sample) {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(std::string(endpoint), std::string(operation));
    auto it = rows_.find(key);
    if (it == rows_.end()) {
        operation_stats row;
        row.endpoint = key.first;
        row.operation = key.second;
        it = rows_.emplace(std::move(key), std::move(row)).first;
    }
    auto& row = it->second;
    ++row.requests;
    if (!sample.succeeded) ++row.errors;
    for (std::size_t i = 0; i < row.retries_by_reason.size(); ++i)
        row.retries_by_reason[i] += sample.retries_by_reason[i];
    row.bytes_sent += sample.bytes_sent;
    row.bytes_received += sample.bytes_received;
    row.latency.record(sample.latency);
}

std::vector<operation_stats> metrics_registry::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<operation_stats> rows;
    rows.reserve(rows_.size());
    for (const auto& [key, row] : rows_) rows.push_back(row);
    return rows;
}

std::string metrics_registry::to_text() const {
    std::ostringstream out;
    const auto ms = [](std::chrono::nanoseconds ns) { return static_cast<double>(ns.count()) / 1e6; };
    for (const auto& row : snapshot()) {
        out << row.endpoint << ' ' << row.operation << " requests=" << row.requests << " errors=" << row.errors
            << " retries=" << row.retries();
        for (std::size_t i = 0; i < row.retries_by_reason.size(); ++i) {
            if (row.retries_by_reason[i] > 0)
                out << " retries." << to_string(static_cast<failure_kind>(i)) << '=' << row.retries_by_reason[i];
        }
        out << " bytes_sent=" << row.bytes_sent << " bytes_received=" << row.bytes_received
            << " p50_ms=" << ms(row.latency.quantile(0.5)) << " p99_ms=" << ms(row.latency.quantile(0.99)) << '\n';
    }
    return out.str();
}

}  // namespace shiftsync::engine

#include "tools/localaws/admin/faults.hpp"

#include <boost/json.hpp>

namespace localaws::admin {
namespace json = boost::json;
namespace {

double number(const json::object& o, std::string_view k, double fallback = 0) {
    const auto* v = o.if_contains(k);
    return v && v->is_number() ? v->to_number<double>() : fallback;
}

std::string text(const json::object& o, std::string_view k, std::string fallback) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

bool matches(const std::string& pattern, std::string_view value) { return pattern == "*" || pattern == value; }

}  // namespace

bool faults::set(const json::value& rules, std::string& error) {
    if (!rules.is_array()) {
        error = "faults must be a JSON array of rules";
        return false;
    }
    std::vector<fault_rule> parsed;
    for (const auto& v : rules.as_array()) {
        if (!v.is_object()) {
            error = "each fault rule must be an object";
            return false;
        }
        const auto& o = v.as_object();
        fault_rule r;
        r.service = text(o, "service", "*");
        r.operation = text(o, "operation", "*");
        r.latency = std::chrono::milliseconds(static_cast<long long>(number(o, "latency_ms")));
        r.jitter = std::chrono::milliseconds(static_cast<long long>(number(o, "jitter_ms")));
        r.bandwidth_bytes_per_second = static_cast<std::uint64_t>(number(o, "bandwidth_bytes_per_second"));
        r.error_rate = number(o, "error_rate");
        r.error = text(o, "error", "InternalError");
        r.reset_rate = number(o, "reset_rate");
        r.complete_error_rate = number(o, "complete_error_rate");
        r.quota_per_second = number(o, "quota_per_second");
        r.count = static_cast<long long>(number(o, "count", -1));
        r.tokens = r.quota_per_second;
        r.refilled = std::chrono::steady_clock::now();
        if (r.error != "SlowDown" && r.error != "InternalError" && r.error != "ThrottlingException" &&
            r.error != "ServiceUnavailable") {
            error = "error must be SlowDown, InternalError, ThrottlingException or ServiceUnavailable";
            return false;
        }
        parsed.push_back(std::move(r));
    }
    std::lock_guard lock(mutex_);
    rules_ = std::move(parsed);
    return true;
}

void faults::clear() {
    std::lock_guard lock(mutex_);
    rules_.clear();
}

std::chrono::milliseconds faults::exact_latency(std::string_view service, std::string_view operation) const {
    std::lock_guard lock(mutex_);
    for (const auto& r : rules_)
        if (r.service == service && r.operation == operation) return r.latency;
    return std::chrono::milliseconds{0};
}

json::value faults::to_json() const {
    std::lock_guard lock(mutex_);
    json::array out;
    for (const auto& r : rules_)
        out.push_back(json::object{{"service", r.service},
                                   {"operation", r.operation},
                                   {"latency_ms", r.latency.count()},
                                   {"jitter_ms", r.jitter.count()},
                                   {"bandwidth_bytes_per_second", r.bandwidth_bytes_per_second},
                                   {"error_rate", r.error_rate},
                                   {"error", r.error},
                                   {"reset_rate", r.reset_rate},
                                   {"complete_error_rate", r.complete_error_rate},
                                   {"quota_per_second", r.quota_per_second},
                                   {"count", r.count}});
    return out;
}

fault_decision faults::decide(std::string_view service, std::string_view operation) {
    fault_decision d;
    std::lock_guard lock(mutex_);
    if (rules_.empty()) return d;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto now = std::chrono::steady_clock::now();
    for (auto& r : rules_) {
        if (!matches(r.service, service) || !matches(r.operation, operation)) continue;
        d.delay += r.latency;
        if (r.jitter.count() > 0)
            d.delay += std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, r.jitter.count())(random_));
        if (r.bandwidth_bytes_per_second)
            d.bandwidth_bytes_per_second = d.bandwidth_bytes_per_second
                                               ? std::min(d.bandwidth_bytes_per_second, r.bandwidth_bytes_per_second)
                                               : r.bandwidth_bytes_per_second;
        if (r.quota_per_second > 0 && d.kind == injected::none) {
            double elapsed = std::chrono::duration<double>(now - r.refilled).count();
            r.tokens = std::min(r.quota_per_second, r.tokens + elapsed * r.quota_per_second);
            r.refilled = now;
            if (r.tokens >= 1) r.tokens -= 1;
            else d.kind = injected::throttled;
        }
        if (r.count == 0) continue;
        bool fired = false;
        if (d.kind == injected::none && r.error_rate > 0 && unit(random_) < r.error_rate) {
            d.kind = injected::error;
            d.error = r.error;
            fired = true;
        }
        if (r.reset_rate > 0 && unit(random_) < r.reset_rate) d.reset_mid_body = fired = true;
        if (r.complete_error_rate > 0 && operation == "CompleteMultipartUpload" && unit(random_) < r.complete_error_rate)
            d.complete_with_error = fired = true;
        if (fired && r.count > 0) --r.count;
    }
    return d;
}

}  // namespace localaws::admin

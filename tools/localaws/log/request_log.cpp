#include "tools/localaws/log/request_log.hpp"

#include "tools/localaws/server/http_util.hpp"

#include <boost/json.hpp>


namespace localaws::log {
namespace json = boost::json;

request_log::request_log(const std::filesystem::path& path) {
    // "e": close-on-exec, so the PostgreSQL localaws starts never holds the log open.
    if (!path.empty()) file_ = std::fopen(path.c_str(), "ae");
}

request_log::~request_log() {
    if (file_) std::fclose(file_);
}

void request_log::write(const request_record& r) {
    if (!file_) return;
    json::object o{{"time", iso8601_ms(r.time)},
                   {"request_id", r.request_id},
                   {"service", r.service},
                   {"operation", r.operation},
                   {"principal", r.principal},
                   {"status", r.status},
                   {"error", r.error_code},
                   {"bytes_in", r.bytes_in},
                   {"bytes_out", r.bytes_out},
                   {"latency_ms", static_cast<double>(r.latency.count()) / 1000.0}};
    json::array actions;
    for (const auto& a : r.actions) actions.emplace_back(a);
    o["actions"] = std::move(actions);
    std::string line = json::serialize(o);
    line.push_back('\n');
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
}

}  // namespace localaws::log

#include "tools/localaws/server/app.hpp"

#include "tools/localaws/admin/counters.hpp"
#include "tools/localaws/admin/faults.hpp"
#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/log/request_log.hpp"
#include "tools/localaws/metadata/instance_metadata.hpp"
#include "tools/localaws/s3/disk_store.hpp"
#include "tools/localaws/s3/multipart_store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include <stdexcept>

namespace localaws {
namespace json = boost::json;

app::app(app_options options) {
    const auto& config = options.config;
    if (!config.is_object()) throw std::runtime_error("config: the top level must be a JSON object");
    const auto& o = config.as_object();
    if (const auto* r = o.if_contains("region"); r && r->is_string()) region_ = r->as_string();
    if (const auto* auth = o.if_contains("auth"); auth && auth->is_object())
        if (const auto* s = auth->as_object().if_contains("max_clock_skew_seconds"); s && s->is_number())
            max_skew_ = std::chrono::seconds(s->to_number<long long>());
    if (const auto* sts = o.if_contains("sts"); sts && sts->is_object())
        if (const auto* m = sts->as_object().if_contains("min_duration_seconds"); m && m->is_number())
            min_session_ = std::chrono::seconds(std::max<long long>(1, m->to_number<long long>()));
    if (const auto* server = o.if_contains("server"); server && server->is_object())
        if (const auto* t = server->as_object().if_contains("idle_timeout_seconds"); t && t->is_number())
            idle_timeout_ = std::chrono::seconds(std::max<long long>(1, t->to_number<long long>()));
    if (const auto* off = o.if_contains("clock_offset_seconds"); off && off->is_number())
        clock_offset_ = off->to_number<long long>();

    std::string error;
    iam_ = iam::directory::load(config, error);
    if (!iam_) throw std::runtime_error(error);
    std::filesystem::create_directories(options.data_dir / "iam");
    iam_->persist_sessions(options.data_dir / "iam" / "sessions.jsonl", now());
    metadata_ = std::make_unique<metadata::instance_metadata>(config, *iam_);
    config_ = config;
    store_ = std::make_unique<s3::disk_store>(options.data_dir);
    uploads_ = std::make_unique<s3::multipart_store>(*store_);
    faults_ = std::make_unique<admin::faults>();
    if (const auto* f = o.if_contains("faults"))
        if (!faults_->set(*f, error)) throw std::runtime_error("config: faults: " + error);
    counters_ = std::make_unique<admin::counters>();
    auto log_path = options.request_log.empty() ? options.data_dir / "requests.jsonl" : options.request_log;
    log_ = std::make_unique<log::request_log>(log_path);
    pool_ = std::make_unique<boost::asio::thread_pool>(options.blocking_threads);
    workgroups_ = serverless::load_workgroups(config, region_);

    // Buckets the config promises exist from the first start on.
    for (const auto& acc : o.at("accounts").as_array()) {
        const auto* buckets = acc.as_object().if_contains("buckets");
        if (!buckets || !buckets->is_array()) continue;
        // "name", or {"name": …, "region": …} for a bucket in another region than localaws's.
        for (const auto& b : buckets->as_array()) {
            std::string name, region = region_;
            if (b.is_string()) {
                name = b.as_string();
            } else if (const auto* spec = b.if_object(); spec && spec->if_contains("name") && spec->at("name").is_string()) {
                name = spec->at("name").as_string();
                if (const auto* r = spec->if_contains("region"); r && r->is_string()) region = r->as_string();
            } else {
                throw std::runtime_error("config: buckets: each is a name or {\"name\": …, \"region\": …}");
            }
            if (!store_->bucket_exists(name)) store_->create_bucket(name, acc.as_object().at("id").as_string(), region);
        }
    }
}

app::~app() {
    if (pool_) pool_->join();
}

std::string app::region_of_bucket(std::string_view bucket) const {
    auto region = store_->bucket_region(bucket);
    return region ? *region : region_;
}

const serverless::workgroup* app::find_workgroup(std::string_view account, std::string_view name) const {
    return serverless::find_workgroup(workgroups_, account, name);
}

std::string app::workgroup_arn_for(std::string_view account, std::string_view name) const {
    return serverless::workgroup_arn_for(workgroups_, region_, account, name);
}

}  // namespace localaws

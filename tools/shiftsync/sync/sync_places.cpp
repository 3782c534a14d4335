#include "tools/shiftsync/sync/sync_places.hpp"

#include "tools/shiftsync/connection/endpoint_session.hpp"

#include "aws/redshift_data/redshift_data_client.hpp"
#include "aws/s3/s3_client.hpp"
#include "engine/http/client.hpp"
#include "engine/scheduler/async_limiter.hpp"
#include "tools/shiftsync/connection/connection.hpp"
#include "transfer/s3/s3_url.hpp"
#include "transfer/s3/transfer_context.hpp"
#include "transfer/staging/staging_location.hpp"

#include <fmt/core.h>

#include <set>

namespace shiftsync::cli {

namespace ts = transfer::sync;

// The clients of one connection; they hold references to each other, so they stay put.
struct sync_places::clients {
    std::unique_ptr<aws::service_client> data_service;
    std::unique_ptr<aws::redshift_data::redshift_data_client> data;
    std::unique_ptr<aws::service_client> s3_service;
    std::unique_ptr<aws::s3::s3_client> s3;
    std::unique_ptr<transfer::s3::transfer_context> transfers;
    std::unique_ptr<endpoint_session> endpoint;  // connection_method: endpoint
    std::unique_ptr<engine::async_limiter> loads;    // max_concurrent_loads
    std::unique_ptr<engine::async_limiter> unloads;  // max_concurrent_unloads
};

sync_places::~sync_places() = default;

namespace {

connection_flags flags_of(const ts::redshift_endpoint& e) {
    connection_flags f;
    f.workgroup = e.workgroup;
    f.database = e.database;
    f.region = e.region;
    f.profile = e.profile;
    f.role_arn = e.role_arn;
    f.external_id = e.external_id;
    f.endpoint_url = e.endpoint_url;
    f.connection_method = e.connection_method;
    f.db_endpoint = e.db_endpoint;
    f.db_ca = e.db_ca;
    return f;
}

// A connection's max_concurrent_loads or max_concurrent_unloads as a limiter `owner` keeps; null
// (no limit) for 0.
engine::async_limiter* limit_of(boost::asio::any_io_executor executor, int capacity,
                                std::unique_ptr<engine::async_limiter>& owner) {
    if (capacity <= 0) return nullptr;
    owner = std::make_unique<engine::async_limiter>(std::move(executor), static_cast<std::uint64_t>(capacity));
    return owner.get();
}

connection_flags flags_of(const ts::s3_endpoint& e) {
    connection_flags f;
    f.region = e.region;
    f.profile = e.profile;
    f.role_arn = e.role_arn;
    f.external_id = e.external_id;
    f.endpoint_url = e.endpoint_url;
    return f;
}

}  // namespace

std::unique_ptr<sync_places> sync_places::open(const ts::sync_config& config,
                                               const std::vector<const ts::stream_config*>& streams,
                                               boost::asio::io_context& ctx, engine::http::client& http,
                                             engine::memory_budget& memory,
                                               engine::cpu_pool& cpu, engine::cpu_pool& files,
                                               transfer::s3::upload_journal* journal,
                                               std::function<void(const std::string&)> warn, std::string& why) {
    auto executor = ctx.get_executor();
    std::unique_ptr<sync_places> places(new sync_places());
    std::set<std::string> used;
    for (const auto* s : streams) {
        used.insert(s->source.connection);
        used.insert(s->destination.connection);
    }
    auto s3_for = [&](const connection_flags& flags, clients& c) -> bool {
        auto s3 = resolve_service(flags, http, aws::endpoints::service::s3, aws::wire_protocol::rest_xml);
        if (!s3) return false;
        c.s3_service = std::make_unique<aws::service_client>(http, s3->credentials, s3->target);
        c.s3 = std::make_unique<aws::s3::s3_client>(*c.s3_service);
        c.transfers = std::make_unique<transfer::s3::transfer_context>(executor, *c.s3, memory, cpu, files,
                                                                       transfer::s3::transfer_settings{}, journal, warn);
        return true;
    };
    for (const auto& connection : config.connections) {
        if (!used.count(connection.name)) continue;
        switch (connection.kind) {
            case ts::connection_kind::redshift: {
                const auto& e = connection.redshift;
                auto flags = flags_of(e);
                auto c = std::make_unique<clients>();
                auto data_api = resolve_service(flags, http, aws::endpoints::service::redshift_data,
                                                aws::wire_protocol::json_1_1);
                if (!data_api) {
                    why = "connection '" + connection.name + "': the Data API could not be set up (above)";
                    return nullptr;
                }
                c->data_service = std::make_unique<aws::service_client>(http, data_api->credentials, data_api->target);
                c->data = std::make_unique<aws::redshift_data::redshift_data_client>(*c->data_service);
                ts::redshift_place place;
                place.name = connection.name;
                place.data = c->data.get();
                if (flags.uses_endpoint()) {
                    bool usage_error = false;
                    c->endpoint = endpoint_session::open(flags, http, ctx, usage_error);
                    if (!c->endpoint) {
                        why = "connection '" + connection.name + "': its endpoint could not be set up (above)";
                        return nullptr;
                    }
                    place.endpoint = &c->endpoint->pool();
                }
                place.workgroup = e.workgroup;
                place.database = e.database;
                place.loads = limit_of(executor, e.max_concurrent_loads, c->loads);
                place.unloads = limit_of(executor, e.max_concurrent_unloads, c->unloads);
                place.unload_role = e.unload_role.empty() ? e.role_arn : e.unload_role;
                place.copy_role = e.copy_role.empty() ? e.role_arn : e.copy_role;
                if (!e.staging.empty()) {
                    std::string bad;
                    auto location = transfer::staging::parse_staging_url(e.staging, bad);
                    if (!location) {
                        why = "connection '" + connection.name + "': staging: " + bad;
                        return nullptr;
                    }
                    if (!s3_for(flags, *c)) {
                        why = "connection '" + connection.name + "': S3 for the staging bucket could not be set up (above)";
                        return nullptr;
                    }
                    place.staging = *location;
                    place.transfers = c->transfers.get();
                }
                places->redshift_[connection.name] = place;
                places->clients_.push_back(std::move(c));
                break;
            }
            case ts::connection_kind::s3: {
                auto c = std::make_unique<clients>();
                if (!s3_for(flags_of(connection.s3), *c)) {
                    why = "connection '" + connection.name + "': S3 could not be set up (above)";
                    return nullptr;
                }
                auto url = transfer::s3::parse_s3_url(connection.s3.url);
                if (!url) {
                    why = "connection '" + connection.name + "': '" + connection.s3.url + "' is not s3://bucket/prefix/";
                    return nullptr;
                }
                ts::files_place place;
                place.name = connection.name;
                place.transfers = c->transfers.get();
                place.bucket = url->bucket;
                place.prefix = url->key;
                if (!place.prefix.empty() && place.prefix.back() != '/') place.prefix += '/';
                places->files_[connection.name] = place;
                places->clients_.push_back(std::move(c));
                break;
            }
            case ts::connection_kind::postgres: {
                auto c = std::make_unique<clients>();
                ts::postgres_place place{connection.name, connection.postgres.dsn};
                place.loads = limit_of(executor, connection.postgres.max_concurrent_loads, c->loads);
                places->postgres_[connection.name] = place;
                places->clients_.push_back(std::move(c));
                break;
            }
            case ts::connection_kind::local: {
                ts::files_place place;
                place.name = connection.name;
                place.directory = connection.local.directory;
                places->files_[connection.name] = place;
                break;
            }
        }
    }
    return places;
}

std::vector<aws::service_client*> sync_places::services() {
    std::vector<aws::service_client*> out;
    for (auto& c : clients_) {
        if (c->data_service) out.push_back(c->data_service.get());
        if (c->s3_service) out.push_back(c->s3_service.get());
    }
    return out;
}

std::map<std::string, aws::s3::s3_client*> sync_places::buckets() const {
    std::map<std::string, aws::s3::s3_client*> out;
    for (const auto& [name, place] : redshift_)
        if (place.staging && place.transfers) out.emplace(place.staging->bucket, &place.transfers->s3());
    for (const auto& [name, place] : files_)
        if (place.transfers) out.emplace(place.bucket, &place.transfers->s3());
    return out;
}

ts::stream_plan sync_places::plan_for(const ts::stream_config& s, const std::string& state_schema) const {
    ts::stream_plan plan;
    plan.name = s.name;
    auto place_of = [this](const std::string& name, ts::place_kind& kind, const ts::redshift_place*& r,
                           const ts::postgres_place*& p, const ts::files_place*& f) {
        if (auto it = redshift_.find(name); it != redshift_.end()) {
            kind = ts::place_kind::redshift;
            r = &it->second;
        } else if (auto pg = postgres_.find(name); pg != postgres_.end()) {
            kind = ts::place_kind::postgres;
            p = &pg->second;
        } else if (auto fl = files_.find(name); fl != files_.end()) {
            kind = ts::place_kind::files;
            f = &fl->second;
        }
    };
    place_of(s.source.connection, plan.source_kind, plan.source_redshift, plan.source_postgres, plan.source_files);
    place_of(s.destination.connection, plan.destination_kind, plan.destination_redshift, plan.destination_postgres,
             plan.destination_files);
    plan.source_table = plan.source_kind == ts::place_kind::files ? s.source.path : s.source.table;
    plan.source_sql = s.source.sql;
    plan.source_format = s.source.format == ts::file_format::csv ? transfer::rows::output_format::csv
                                                                : transfer::rows::output_format::ndjson;
    plan.columns = s.columns;
    plan.exclude = s.exclude;
    plan.where = s.where;
    plan.via = s.via == ts::read_via::unload     ? transfer::extract::read_path::unload
               : s.via == ts::read_via::data_api ? transfer::extract::read_path::data_api
                                                 : transfer::extract::read_path::automatic;
    plan.destination_table = s.destination.table;
    plan.destination_path = s.destination.path;
    plan.file_format = s.destination.format == ts::file_format::csv ? transfer::rows::output_format::csv
                                                                    : transfer::rows::output_format::ndjson;
    plan.gzip = s.destination.gzip;
    plan.incremental = s.mode == ts::sync_mode::incremental;
    plan.cursor = s.cursor;
    plan.lookback = ts::cursor_lookback{s.lookback.seconds, s.lookback.count};
    plan.lookback_text = s.lookback.text;
    plan.primary_key = s.primary_key;
    plan.write = s.write == ts::write_disposition::upsert    ? ts::write_kind::upsert
                 : s.write == ts::write_disposition::replace ? ts::write_kind::replace
                                                             : ts::write_kind::append;
    plan.state_schema = state_schema;
    return plan;
}

}  // namespace shiftsync::cli

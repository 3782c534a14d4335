// describe(), redact(), and the model's small helpers. describe() renders the resolved config for
// `shiftsync sync --dry-run`; every line goes through redact() before it is returned.

#include "transfer/sync/config.hpp"

#include "transfer/postgres/postgres_conninfo.hpp"

#include <algorithm>

namespace shiftsync::transfer::sync {

std::string_view to_string(connection_kind kind) {
    switch (kind) {
        case connection_kind::redshift: return "redshift";
        case connection_kind::postgres: return "postgres";
        case connection_kind::s3: return "s3";
        case connection_kind::local: return "local";
    }
    return "?";
}

std::string_view to_string(sync_mode mode) { return mode == sync_mode::incremental ? "incremental" : "full_refresh"; }

std::string_view to_string(write_disposition write) {
    switch (write) {
        case write_disposition::append: return "append";
        case write_disposition::replace: return "replace";
        case write_disposition::upsert: return "upsert";
    }
    return "?";
}

std::string_view to_string(read_via via) {
    switch (via) {
        case read_via::automatic: return "auto";
        case read_via::data_api: return "data-api";
        case read_via::unload: return "unload";
    }
    return "?";
}

std::string_view to_string(file_format format) { return format == file_format::csv ? "csv" : "ndjson"; }

const connection_config* sync_config::find_connection(std::string_view name) const {
    for (const auto& c : connections)
        if (c.name == name) return &c;
    return nullptr;
}

std::string redact(std::string_view text, const sync_config& config) {
    std::vector<std::string> secrets;
    for (const auto& s : config.secrets)
        if (!s.empty()) secrets.push_back(s);
    // Longest first: a secret that contains another is replaced whole, not around the shorter one.
    std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return postgres::mask_secrets(std::string(text), secrets);
}

namespace {

void field(std::string& out, std::string_view key, const std::string& value) {
    if (!value.empty()) out += " " + std::string(key) + "=" + value;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out + "]";
}

std::string connection_line(const connection_config& c) {
    std::string out = "  " + c.name + ": " + std::string(to_string(c.kind));
    switch (c.kind) {
        case connection_kind::redshift: {
            const auto& r = c.redshift;
            field(out, "workgroup", r.workgroup);
            field(out, "database", r.database);
            field(out, "region", r.region);
            field(out, "role_arn", r.role_arn);
            field(out, "external_id", r.external_id.empty() ? "" : "***");  // a shared secret in spirit
            field(out, "endpoint_url", r.endpoint_url);
            field(out, "profile", r.profile);
            field(out, "staging", r.staging);
            field(out, "unload_role", r.unload_role);
            field(out, "copy_role", r.copy_role);
            if (r.max_concurrent_loads > 0) field(out, "max_concurrent_loads", std::to_string(r.max_concurrent_loads));
            if (r.max_concurrent_unloads > 0)
                field(out, "max_concurrent_unloads", std::to_string(r.max_concurrent_unloads));
            break;
        }
        case connection_kind::postgres:
            field(out, "dsn", c.postgres.dsn);
            if (c.postgres.max_concurrent_loads > 0)
                field(out, "max_concurrent_loads", std::to_string(c.postgres.max_concurrent_loads));
            break;
        case connection_kind::s3: {
            const auto& s = c.s3;
            field(out, "url", s.url);
            field(out, "region", s.region);
            field(out, "endpoint_url", s.endpoint_url);
            field(out, "profile", s.profile);
            field(out, "role_arn", s.role_arn);
            field(out, "external_id", s.external_id.empty() ? "" : "***");
            break;
        }
        case connection_kind::local: field(out, "directory", c.local.directory); break;
    }
    return out + "\n";
}

std::string end_text(const sync_config& config, const std::string& connection, const std::string& table,
                     const std::string& sql, const std::string& path, file_format format, bool gzip) {
    std::string out = connection;
    if (!table.empty()) out += " table " + table;
    if (!sql.empty()) out += " sql \"" + sql + "\"";
    const auto* c = config.find_connection(connection);
    bool files = c && (c->kind == connection_kind::local || c->kind == connection_kind::s3);
    if (files) out += " path " + (path.empty() ? std::string("(all)") : path) + " " + std::string(to_string(format)) +
                      (gzip ? ".gz" : "");
    return out;
}

std::string stream_lines(const sync_config& config, const stream_config& s) {
    const auto& src = s.source;
    const auto& dst = s.destination;
    std::string out = "  " + s.name + ": " + end_text(config, src.connection, src.table, src.sql, src.path, src.format, false) +
                      " -> " + end_text(config, dst.connection, dst.table, "", dst.path, dst.format, dst.gzip) + "\n";
    out += "    mode " + std::string(to_string(s.mode));
    if (s.mode == sync_mode::incremental) {
        out += ", cursor " + s.cursor;
        if (s.lookback.what != lookback::kind::none) out += ", lookback " + s.lookback.text;
    }
    out += "; write " + std::string(to_string(s.write));
    if (!s.primary_key.empty()) out += ", primary_key " + joined(s.primary_key);
    const auto* from = config.find_connection(src.connection);
    if (from && from->kind == connection_kind::redshift) out += "; via " + std::string(to_string(s.via));
    out += "\n";
    if (!s.columns.empty()) out += "    columns " + joined(s.columns) + "\n";
    if (!s.exclude.empty()) out += "    exclude " + joined(s.exclude) + "\n";
    if (!s.where.empty()) out += "    where " + s.where + "\n";
    return out;
}

}  // namespace

std::string describe(const sync_config& config) {
    std::string out = "config " + config.file + ": " + std::to_string(config.connections.size()) + " connection" +
                      (config.connections.size() == 1 ? "" : "s") + ", " + std::to_string(config.streams.size()) +
                      " stream" + (config.streams.size() == 1 ? "" : "s") + "\n";
    out += "  max_parallel_streams " + std::to_string(config.max_parallel_streams) + ", memory_limit " +
           std::to_string(config.memory_limit >> 20) + " MiB" +
           ((config.memory_limit & ((1u << 20) - 1)) ? " (" + std::to_string(config.memory_limit) + " bytes)" : "") +
           ", state_schema " + config.state_schema + "\n";
    out += "connections:\n";
    for (const auto& c : config.connections) out += connection_line(c);
    out += "streams:\n";
    for (const auto& s : config.streams) out += stream_lines(config, s);
    if (!config.notes.empty()) {
        out += "notes:\n";
        for (const auto& n : config.notes) out += "  " + n + "\n";
    }
    return redact(out, config);
}

}  // namespace shiftsync::transfer::sync

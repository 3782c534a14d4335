// connections: name -> {type: redshift|postgres|s3|local, …}. See config_build.hpp.

#include "transfer/sync/config_build.hpp"

#include "transfer/endpoint/endpoint_address.hpp"
#include "transfer/postgres/postgres_conninfo.hpp"
#include "transfer/staging/staging_location.hpp"

#include <array>

namespace shiftsync::transfer::sync {
namespace {

constexpr std::array<std::string_view, 4> type_names{"redshift", "postgres", "s3", "local"};
constexpr std::array<std::string_view, 16> redshift_keys{"type", "workgroup", "database", "region", "role_arn",
                                                         "external_id", "endpoint_url", "profile", "staging",
                                                         "unload_role", "copy_role", "connection_method",
                                                         "db_endpoint", "db_ca", "max_concurrent_loads",
                                                         "max_concurrent_unloads"};
constexpr std::array<std::string_view, 2> connection_methods{"data-api", "endpoint"};
constexpr std::array<std::string_view, 3> postgres_keys{"type", "dsn", "max_concurrent_loads"};
constexpr std::array<std::string_view, 7> s3_keys{"type", "url", "region", "endpoint_url", "profile", "role_arn",
                                                  "external_id"};
constexpr std::array<std::string_view, 2> local_keys{"type", "directory"};

std::span<const std::string_view> keys_of(connection_kind kind) {
    switch (kind) {
        case connection_kind::redshift: return redshift_keys;
        case connection_kind::postgres: return postgres_keys;
        case connection_kind::s3: return s3_keys;
        case connection_kind::local: return local_keys;
    }
    return {};
}

// An S3 location (staging:, an s3 connection's url:), normalised. The parser's own words quote the
// URL; a URL from ${VAR} is not quoted at all.
void read_s3_location(config_reader& reader, const map_entry& e, std::string& into) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    std::string why;
    auto parsed = staging::parse_staging_url(*text, why);
    if (!parsed) {
        bool secret = reader.index().quote(e.path) != "'" + *text + "'";
        reader.error(e.path, secret ? reader.index().quote(e.path) + " is not an S3 location s3://BUCKET/PREFIX/"
                                    : why);
        return;
    }
    into = parsed->url();
}

void read_role(config_reader& reader, const map_entry& e, std::string& into) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    if (!text->starts_with("arn:") || text->find(":role/") == std::string::npos) {
        reader.error(e.path, reader.index().quote(e.path) +
                                 " is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
        return;
    }
    into = *text;
}

void read_endpoint_url(config_reader& reader, const map_entry& e, std::string& into) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    if (!text->starts_with("http://") && !text->starts_with("https://")) {
        reader.error(e.path, reader.index().quote(e.path) + " is not an endpoint URL (http://HOST:PORT or https://…)");
        return;
    }
    into = *text;
}

// `empty_means`: what to say about an empty value; empty: an empty value is allowed.
// db_endpoint: HOST:PORT.
void read_db_endpoint(config_reader& reader, const map_entry& e, std::string& into) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    std::string why;
    if (!endpoint::parse_endpoint_address(*text, why)) {
        reader.error(e.path, reader.index().quote(e.path) + " is not HOST:PORT: " + why);
        return;
    }
    into = *text;
}

void read_string(config_reader& reader, const map_entry& e, std::string& into, std::string_view empty_means = {}) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    if (text->empty() && !empty_means.empty()) reader.error(e.path, "is empty (" + std::string(empty_means) + ")");
    into = std::move(*text);
}

// A relative directory is relative to the config file's folder, as docker compose reads its files.
std::string anchored(const std::string& file, const std::string& directory) {
    if (directory.starts_with('/')) return directory;
    auto slash = file.rfind('/');
    if (slash == std::string::npos) return directory;
    return file.substr(0, slash + 1) + directory;
}

// max_concurrent_loads, max_concurrent_unloads: 1..1024.
void read_concurrency(config_reader& reader, const map_entry& e, int& into) {
    if (auto n = reader.integer(e.value, e.path, 1, 1024)) into = static_cast<int>(*n);
}

void read_dsn(config_reader& reader, const map_entry& e, std::string& into, sync_config& out) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    if (text->empty()) {  // libpq would take it for "every default": a local socket as the OS user
        reader.error(e.path, "is empty (postgresql://user:password@host:port/database)");
        return;
    }
    std::string why;
    auto summary = postgres::parse_conninfo(*text, why);
    if (!summary) {
        reader.error(e.path, why);  // never quotes the string: it may hold the password
        return;
    }
    // A password written into the file is as secret as one from the environment.
    for (auto& secret : summary->secrets) out.secrets.push_back(secret);
    into = std::move(*text);
}

void require(config_reader& reader, const std::string& path, const std::string& value, std::string_view key,
             std::string_view what) {
    if (value.empty())
        reader.error(reader.index().locate(path), child_path(path, key),
                     "missing " + std::string(key) + ": (" + std::string(what) + ")");
}

void parse_connection(config_reader& reader, const map_entry& named, sync_config& out) {
    const YAML::Node& node = named.value;
    if (!node.IsMap()) {
        reader.error(config_reader::where(node), named.path,
                     "expected a map ({type: redshift|postgres|s3|local, …}), found a " +
                         std::string(node.IsSequence() ? "list" : node.IsNull() ? "nothing" : "value"));
        return;
    }
    reader.note_node(node, named.path);
    // Assigning to a bound YAML::Node writes through to the tree; an optional only rebinds.
    std::optional<YAML::Node> type_node;
    for (auto it = node.begin(); it != node.end(); ++it) {
        YAML::Node key = it->first;
        if (key.IsScalar() && key.Scalar() == "type" && !type_node) type_node.emplace(it->second);
    }
    if (!type_node) {
        reader.error(config_reader::where(node), child_path(named.path, "type"),
                     "missing type: (redshift, postgres, s3 or local)");
        return;
    }
    auto type = reader.choice(*type_node, child_path(named.path, "type"), type_names);
    if (!type) return;
    connection_config c;
    c.name = named.key;
    c.kind = static_cast<connection_kind>(*type);
    c.line = config_reader::where(named.key_node).line;
    const std::string& p = named.path;
    std::set<std::string> present;
    for (const auto& e : reader.entries(node, p, keys_of(c.kind), "a map")) {
        const std::string& k = e.key;
        present.insert(k);
        if (k == "type") continue;
        switch (c.kind) {
            case connection_kind::redshift: {
                auto& r = c.redshift;
                if (k == "staging") read_s3_location(reader, e, r.staging);
                else if (k == "role_arn") read_role(reader, e, r.role_arn);
                else if (k == "unload_role") read_role(reader, e, r.unload_role);
                else if (k == "copy_role") read_role(reader, e, r.copy_role);
                else if (k == "endpoint_url") read_endpoint_url(reader, e, r.endpoint_url);
                else if (k == "database") read_string(reader, e, r.database, "leave it out for dev");
                else if (k == "workgroup") read_string(reader, e, r.workgroup, "the Redshift Serverless workgroup");
                else if (k == "connection_method") {
                    if (auto i = reader.choice(e.value, e.path, connection_methods))
                        r.connection_method = std::string(connection_methods[*i]);
                } else if (k == "db_endpoint") read_db_endpoint(reader, e, r.db_endpoint);
                else if (k == "db_ca") read_string(reader, e, r.db_ca, "the CA bundle's path");
                else if (k == "max_concurrent_loads") read_concurrency(reader, e, r.max_concurrent_loads);
                else if (k == "max_concurrent_unloads") read_concurrency(reader, e, r.max_concurrent_unloads);
                else read_string(reader, e, k == "region" ? r.region : k == "external_id" ? r.external_id
                                          : r.profile);
                break;
            }
            case connection_kind::postgres:
                if (k == "max_concurrent_loads") read_concurrency(reader, e, c.postgres.max_concurrent_loads);
                else read_dsn(reader, e, c.postgres.dsn, out);
                break;
            case connection_kind::s3: {
                auto& s = c.s3;
                if (k == "url") read_s3_location(reader, e, s.url);
                else if (k == "role_arn") read_role(reader, e, s.role_arn);
                else if (k == "endpoint_url") read_endpoint_url(reader, e, s.endpoint_url);
                else read_string(reader, e, k == "region" ? s.region : k == "profile" ? s.profile : s.external_id);
                break;
            }
            case connection_kind::local: read_string(reader, e, c.local.directory, "give a folder"); break;
        }
    }
    // Required keys, unless their value was given but wrong (that error is already said).
    auto given = [&](std::string_view key) { return present.count(std::string(key)) > 0; };
    switch (c.kind) {
        case connection_kind::redshift:
            if (!given("workgroup")) require(reader, p, c.redshift.workgroup, "workgroup", "the Redshift Serverless workgroup");
            if (!given("role_arn"))
                require(reader, p, c.redshift.role_arn, "role_arn",
                        "the role shiftsync assumes in your account, arn:aws:iam::ACCOUNT:role/NAME");
            break;
        case connection_kind::postgres:
            if (!given("dsn")) require(reader, p, c.postgres.dsn, "dsn", "postgresql://user:password@host:port/database");
            break;
        case connection_kind::s3:
            if (!given("url")) require(reader, p, c.s3.url, "url", "s3://BUCKET/PREFIX/");
            break;
        case connection_kind::local:
            if (!given("directory")) require(reader, p, c.local.directory, "directory", "a folder for the files");
            c.local.directory = c.local.directory.empty() ? c.local.directory : anchored(reader.file(), c.local.directory);
            break;
    }
    out.connections.push_back(std::move(c));
}

}  // namespace

void parse_connections(config_reader& reader, const YAML::Node& node, sync_config& out) {
    for (const auto& named : reader.entries(node, "connections", {}, "a map of connections (name: {type: …})")) {
        if (named.key.empty()) {
            reader.error(config_reader::where(named.key_node), named.path, "a connection needs a name");
            continue;
        }
        parse_connection(reader, named, out);
    }
}

}  // namespace shiftsync::transfer::sync

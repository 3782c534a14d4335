#pragma once
// The sync worker's configuration, resolved and validated: what `shiftsync sync --config FILE`
// runs. Built only by parse_sync_config (config.hpp); the runner reads it and never re-checks what
// the parser promises below.
//
// Promises of a config the parser returns:
//  - every stream's source and destination name a connection of a kind fit for the role, in a
//    supported direction (redshift -> redshift|postgres|local|s3; postgres|local -> redshift);
//  - database sources have exactly one of table/sql; file sources a path; database destinations a
//    table, file destinations a path (relative to the connection's directory or prefix);
//  - incremental streams have a cursor; upsert streams a primary_key (and a database destination);
//    neither is dropped by columns/exclude;
//  - stream names are unique; max_parallel_streams >= 1; memory_limit > 0.
//
// Secrets: `secrets` lists every value substituted from ${VAR} and every password found in a
// PostgreSQL DSN; nothing here is safe to print without redact() (config.hpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::sync {

struct redshift_endpoint {
    std::string workgroup, database = "dev", region, role_arn, external_id, endpoint_url, profile;
    std::string staging;               // "s3://bucket/prefix/" (normalised: trailing '/') or empty
    std::string unload_role, copy_role;  // empty: role_arn
    // How statements reach the workgroup: "data-api" (default) or "endpoint" (PostgreSQL protocol
    // with GetCredentials' password; db_endpoint HOST:PORT overrides the name AWS gives it, db_ca the
    // CA bundle that verifies it).
    std::string connection_method = "data-api";
    std::string db_endpoint, db_ca;
    // At most this many loads hold a transaction on the workgroup at once (COPY and merge); the
    // others go on reading and staging, and wait their turn before BEGIN. 0: no limit (as many as
    // streams run).
    int max_concurrent_loads = 0;
    // At most this many UNLOADs run on the workgroup at once; a stream waits its turn before its
    // UNLOAD and gives it back once the UNLOAD ended (its files are then read meanwhile). 0: no limit.
    int max_concurrent_unloads = 0;
};

struct postgres_endpoint {
    std::string dsn;  // a libpq connection string or URI
    // At most this many streams write into it at once (connect, COPY, merge, COMMIT); the others
    // wait their turn before they connect. 0: no limit.
    int max_concurrent_loads = 0;
};

struct s3_endpoint {
    std::string url;  // "s3://bucket/prefix/" (normalised: trailing '/' unless the bucket's root)
    std::string region, endpoint_url, profile, role_arn, external_id;
};

struct local_endpoint {
    // As written when absolute; a relative one is taken relative to the config file's folder (as
    // docker compose does), so a config runs alike from any working directory.
    std::string directory;
};

enum class connection_kind { redshift, postgres, s3, local };

struct connection_config {
    std::string name;
    connection_kind kind = connection_kind::local;
    redshift_endpoint redshift;
    postgres_endpoint postgres;
    s3_endpoint s3;
    local_endpoint local;
    int line = 0;  // of the connection's name in the file
};

enum class sync_mode { full_refresh, incremental };
enum class write_disposition { append, replace, upsert };
enum class read_via { automatic, data_api, unload };
enum class file_format { ndjson, csv };

// How far before the last cursor value a run starts reading: a duration for a timestamp cursor
// ("5m", "1h30m", "2d"; units s m h d) or a count for an integer one ("100").
struct lookback {
    enum class kind { none, duration, count } what = kind::none;
    std::int64_t seconds = 0;
    std::int64_t count = 0;
    std::string text;  // as written, for messages and describe()
};

struct stream_source {
    std::string connection;
    std::string table;  // databases: exactly one of table / sql
    std::string sql;
    std::string path;   // files (local): relative to the connection's directory; empty: all of it
    file_format format = file_format::ndjson;  // files: how they are written (compression is detected)
};

struct stream_destination {
    std::string connection;
    std::string table;  // databases
    std::string path;   // files (local, s3): relative to the connection's directory or prefix
    file_format format = file_format::ndjson;
    bool gzip = false;
};

struct stream_config {
    std::string name;
    stream_source source;
    stream_destination destination;
    sync_mode mode = sync_mode::full_refresh;
    std::string cursor;
    struct lookback lookback;
    std::vector<std::string> primary_key;
    write_disposition write = write_disposition::append;
    std::vector<std::string> columns, exclude;  // columns: only these (empty: all); exclude: minus these
    std::string where;                          // table sources only
    read_via via = read_via::automatic;         // Redshift sources only
    int line = 0;                               // of the stream's entry in the file
};

struct sync_config {
    std::string file;
    std::vector<connection_config> connections;
    std::vector<stream_config> streams;
    int max_parallel_streams = 4;
    std::uint64_t memory_limit = 256ull << 20;
    std::string state_schema = "shiftsync";
    std::vector<std::string> secrets;  // every value that came from ${VAR}, DSN passwords: never printed
    std::vector<std::string> notes;    // non-fatal findings, e.g. "stream X: append without primary_key is at-least-once"

    const connection_config* find_connection(std::string_view name) const;
};

std::string_view to_string(connection_kind kind);
std::string_view to_string(sync_mode mode);
std::string_view to_string(write_disposition write);
std::string_view to_string(read_via via);    // "auto", "data-api", "unload": as written in the file
std::string_view to_string(file_format format);

}  // namespace shiftsync::transfer::sync

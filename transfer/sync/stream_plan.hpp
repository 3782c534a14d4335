#pragma once
// One stream of a sync run, resolved: the clients and places it reads from and writes to, and
// how. The sync command builds it from the config (config.hpp) and the connections it opened;
// the runner (stream_run.hpp) carries it out. No YAML here and no I/O.

#include "aws/redshift_data/redshift_data_client.hpp"
#include "transfer/extract/extract.hpp"
#include "transfer/rows/row_encoder.hpp"
#include "transfer/s3/transfer_context.hpp"
#include "transfer/staging/staging_location.hpp"
#include "transfer/sync/cursor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shiftsync::engine {
class async_limiter;
}

namespace shiftsync::transfer::sync {

// A Redshift workgroup as one connection of the config: its Data API client (statements of every
// stream on it share its limiters: the account's quotas), its staging bucket and the S3 client
// and transfer context for it.
struct redshift_place {
    std::string name;
    aws::redshift_data::redshift_data_client* data = nullptr;
    s3::transfer_context* transfers = nullptr;  // the staging bucket's; null without staging
    std::string workgroup;
    std::string database;
    std::optional<staging::staging_location> staging;
    std::string unload_role;
    std::string copy_role;
    endpoint::endpoint_pool* endpoint = nullptr;  // connection_method: endpoint
    engine::async_limiter* loads = nullptr;       // max_concurrent_loads; null: no limit
    engine::async_limiter* unloads = nullptr;     // max_concurrent_unloads; null: no limit
};

struct postgres_place {
    std::string name;
    std::string dsn;
    engine::async_limiter* loads = nullptr;  // max_concurrent_loads; null: no limit
};

// A directory, or an S3 prefix (transfers set), files are read from or written under.
struct files_place {
    std::string name;
    std::string directory;                      // local: absolute or relative to the working directory
    s3::transfer_context* transfers = nullptr;  // s3: set
    std::string bucket;
    std::string prefix;                         // "" or ending in '/'
    bool is_s3() const { return transfers != nullptr; }
};

enum class place_kind { redshift, postgres, files };

enum class write_kind { append, replace, upsert };

struct stream_plan {
    std::string name;

    place_kind source_kind = place_kind::redshift;
    const redshift_place* source_redshift = nullptr;
    const postgres_place* source_postgres = nullptr;
    const files_place* source_files = nullptr;
    std::string source_table;  // a table ("schema.table"), or for files a path below the place
    std::string source_sql;    // or a query
    rows::output_format source_format = rows::output_format::ndjson;  // files: CSV or NDJSON
    std::vector<std::string> columns;  // empty: all
    std::vector<std::string> exclude;
    std::string where;
    extract::read_path via = extract::read_path::automatic;

    place_kind destination_kind = place_kind::redshift;
    const redshift_place* destination_redshift = nullptr;
    const postgres_place* destination_postgres = nullptr;
    const files_place* destination_files = nullptr;
    std::string destination_table;  // databases
    std::string destination_path;   // files: below the place
    rows::output_format file_format = rows::output_format::ndjson;
    bool gzip = false;

    bool incremental = false;
    std::string cursor;
    cursor_lookback lookback;
    std::string lookback_text;  // as written, for messages
    std::vector<std::string> primary_key;
    write_kind write = write_kind::append;
    std::string state_schema = "shiftsync";
    int session_keep_alive_seconds = 60;
};

}  // namespace shiftsync::transfer::sync

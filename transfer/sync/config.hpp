#pragma once
// The sync worker's config file: YAML in, a validated sync_config (config_model.hpp) or every error
// found, each with file, line, column and the key's path.
//
// The file (docs in transfer/sync/README.md):
//
//   connections:                     # name -> endpoint; `type:` says which
//     warehouse: {type: redshift, workgroup: wg, role_arn: arn:…, staging: s3://bucket/stage/}
//     app: {type: postgres, dsn: "postgresql://app:${APP_DB_PASSWORD}@db/app"}
//   defaults: {mode: incremental, cursor: updated_at}   # any stream key but name
//   streams:                         # a list; each names itself
//     - name: orders
//       source: {connection: app, table: public.orders}
//       destination: {connection: warehouse, table: analytics.orders}
//       write: upsert
//       primary_key: [id]
//   max_parallel_streams: 4
//   memory_limit: 256MiB
//   state_schema: shiftsync
//
// Interpolation: in every value (never in keys), ${VAR} is the environment variable, ${VAR:-text}
// falls back to text when VAR is unset or empty, $$ is one '$'; a '$' before anything else stays.
// Every value taken from the environment is a secret (sync_config::secrets): messages quote the
// ${VAR} reference, never the value.
//
// Errors: key paths are dotted, with 0-based list indexes: streams[1].destination.connection.
// Lines and columns are 1-based. Errors come sorted by position; a stream with errors still gets
// its other checks, so one run of the checker shows everything to fix.
//
// Thread safety: free functions over their arguments; none keeps state.

#include "transfer/sync/config_model.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::sync {

struct config_error {
    std::string file;
    int line = 0;    // 1-based; 0 when the error is about the whole file
    int column = 0;  // 1-based; 0 with line 0
    std::string key_path;
    std::string message;
    // "sync.yaml:12:5: streams[2].write: upsert needs primary_key …"
    std::string to_string() const;
};

struct config_result {
    std::optional<sync_config> config;  // set exactly when errors is empty
    std::vector<config_error> errors;
};

using getenv_function = std::function<std::optional<std::string>(std::string_view)>;

// `file_name` names the file in errors and anchors relative local directories; nothing is read.
config_result parse_sync_config(std::string_view text, std::string file_name, const getenv_function& getenv);

// Reads `path` (unreadable: one error naming it and why), with the process's environment.
config_result load_sync_config(const std::string& path);

// `text` with every secret of `config` replaced by "***" (longest first, so one secret inside
// another leaves no part of either).
std::string redact(std::string_view text, const sync_config& config);

// The resolved config as a readable text (for --dry-run), redacted, notes at the end.
std::string describe(const sync_config& config);

}  // namespace shiftsync::transfer::sync

// parse_sync_config on broken files: each kind of mistake named with file, line, column and key
// path, several at once, and never a value that came from the environment.
//
// The shared `connections` text holds lines 1-5; streams below start on line 6.

#include "config_test_support.hpp"

namespace {

using namespace shiftsync::transfer::sync;
using namespace shiftsync::transfer::sync::testing;

TEST(SyncConfigErrors, yaml_syntax_gives_the_parsers_line_and_column) {
    auto r = parse("connections:\n  wh: {type: redshift\nstreams: [\n");
    ASSERT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
    EXPECT_EQ(r.errors[0].file, "sync.yaml");
    EXPECT_GT(r.errors[0].line, 1);
    EXPECT_NE(r.errors[0].message.find("YAML syntax: "), std::string::npos);
    auto tab = parse("connections:\n\twh: {}\n");
    ASSERT_EQ(tab.errors.size(), 1u) << all_errors(tab);
    EXPECT_EQ(tab.errors[0].line, 2);
}

TEST(SyncConfigErrors, wrong_types) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: {schema: s, name: a}}
    destination: {connection: files, path: [a]}
    primary_key: {id: 1}
    columns: id
    destination_typo: 1
max_parallel_streams: many
memory_limit: [1]
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:8:37: streams[0].source.table"), "expected a string, found a map");
    EXPECT_EQ(error_at(r, "sync.yaml:9:44: streams[0].destination.path"), "expected a string, found a list");
    EXPECT_EQ(error_at(r, "sync.yaml:10:18: streams[0].primary_key"),
              "expected a list of names (or one name), found a map");
    EXPECT_EQ(error_at(r, "sync.yaml:11:14: streams[0].columns"), "expected a list of names ([a, b]), found a value");
    EXPECT_EQ(error_at(r, "sync.yaml:13:23: max_parallel_streams"), "expected a whole number, found 'many'");
    EXPECT_EQ(error_at(r, "sync.yaml:14:15: memory_limit"), "expected a string, found a list");
}

TEST(SyncConfigErrors, unknown_keys_at_every_level_with_a_suggestion) {
    auto r = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", stagin: "s3://b/p/"}
  files: {type: local, directory: /d, dir: x}
streams:
  - name: a
    source: {connection: wh, tabel: s.a}
    destination: {connection: files, path: a/, compression: gzip}
    primary_keys: [id]
    mode: incremental
    cursor: id
defaults: {writ: append}
max_paralel_streams: 2
)");
    ASSERT_FALSE(r.config);
    EXPECT_NE(error_at(r, "sync.yaml:2:74: connections.wh.stagin").find("unknown key 'stagin' (did you mean 'staging'?)"),
              std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:3:39: connections.files.dir"), "unknown key 'dir'; known here: type or directory");
    EXPECT_NE(error_at(r, "sync.yaml:6:30: streams[0].source.tabel").find("(did you mean 'table'?)"), std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:7:48: streams[0].destination.compression"),
              "unknown key 'compression'; known here: connection, table, path, format or gzip");
    EXPECT_NE(error_at(r, "sync.yaml:8:5: streams[0].primary_keys").find("(did you mean 'primary_key'?)"),
              std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:11:12: defaults.writ").find("(did you mean 'write'?)"), std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:12:1: max_paralel_streams").find("(did you mean 'max_parallel_streams'?)"),
              std::string::npos);
    // The stream's misspelt table leaves it without table or sql: said too, at the source.
    EXPECT_EQ(error_at(r, "sync.yaml:6:13: streams[0].source"),
              "give table: SCHEMA.TABLE or sql: SELECT … (connection 'wh' is a Redshift connection)");
    EXPECT_EQ(r.errors.size(), 8u) << all_errors(r);
}

TEST(SyncConfigErrors, missing_required_keys) {
    auto r = parse(R"(connections:
  wh: {type: redshift, staging: "s3://b/p/"}
  pg: {type: postgres}
  lake: {type: s3}
  files: {type: local}
  what: {workgroup: wg}
streams:
  - source: {table: s.a}
    destination: {connection: files}
  - name: b
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:2:7: connections.wh.workgroup"),
              "missing workgroup: (the Redshift Serverless workgroup)");
    EXPECT_NE(error_at(r, "sync.yaml:2:7: connections.wh.role_arn").find("missing role_arn:"), std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:3:7: connections.pg.dsn").find("missing dsn:"), std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:4:9: connections.lake.url"), "missing url: (s3://BUCKET/PREFIX/)");
    EXPECT_EQ(error_at(r, "sync.yaml:5:10: connections.files.directory"), "missing directory: (a folder for the files)");
    EXPECT_EQ(error_at(r, "sync.yaml:6:9: connections.what.type"), "missing type: (redshift, postgres, s3 or local)");
    EXPECT_NE(error_at(r, "sync.yaml:8:5: streams[0].name").find("missing name:"), std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:8:13: streams[0].source.connection"),
              "missing connection: (one of the names under connections:)");
    EXPECT_EQ(error_at(r, "sync.yaml:9:18: streams[0].destination"),
              "missing path: (where the files go, relative to the directory of connection 'files')");
    EXPECT_NE(error_at(r, "sync.yaml:10:5: streams[1].source").find("missing source:"), std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:10:5: streams[1].destination").find("missing destination:"), std::string::npos);
    EXPECT_EQ(r.errors.size(), 11u) << all_errors(r);

    // A required key given with the wrong type is one error, not also a missing one.
    auto wrong = parse("connections:\n  pg: {type: postgres, dsn: [a]}\n  files: {type: local, directory: {}}\n"
                       "streams:\n  - {name: a, source: {connection: pg, table: t}, destination: {connection: files, "
                       "path: a/}, write: replace}\n");
    EXPECT_EQ(wrong.errors.size(), 3u) << all_errors(wrong);  // dsn, directory, postgres -> local
    EXPECT_EQ(error_at(wrong, "sync.yaml:2:29: connections.pg.dsn"), "expected a string, found a list");

    auto blank = parse("connections:\n  wh: {type: redshift, workgroup: '', role_arn: 'arn:aws:iam::1:role/r', database: ''}\n"
                       "  pg: {type: postgres, dsn: ''}\nstreams:\n  - {name: a, source: {connection: wh, table: t}, "
                       "destination: {connection: pg, table: t}, write: replace}\n");
    EXPECT_EQ(error_at(blank, "sync.yaml:2:35: connections.wh.workgroup"), "is empty (the Redshift Serverless workgroup)");
    EXPECT_EQ(error_at(blank, "sync.yaml:2:84: connections.wh.database"), "is empty (leave it out for dev)");
    EXPECT_EQ(error_at(blank, "sync.yaml:3:29: connections.pg.dsn"),
              "is empty (postgresql://user:password@host:port/database)");
    EXPECT_EQ(blank.errors.size(), 3u) << all_errors(blank);

    auto empty = parse("");
    ASSERT_EQ(empty.errors.size(), 1u);
    EXPECT_EQ(empty.errors[0].to_string(), "sync.yaml: the file is empty: it needs connections: and streams:");
    auto no_streams = parse(connections);
    ASSERT_EQ(no_streams.errors.size(), 1u) << all_errors(no_streams);
    EXPECT_EQ(no_streams.errors[0].key_path, "streams");
    auto a_map = parse(connections + "streams:\n  orders: {}\n");
    EXPECT_EQ(error_at(a_map, "sync.yaml:7:3: streams"),
              "streams is a list whose items name themselves: '- name: orders' (found a map)");
}

TEST(SyncConfigErrors, connections_that_do_not_exist_or_do_not_fit_the_role) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: whh, table: s.a}
    destination: {connection: nowhere, table: s.a}
  - name: b
    source: {connection: files, table: s.b}
    destination: {connection: lake, table: s.b}
  - name: c
    source: {connection: app, table: public.c, path: c/}
    destination: {connection: files, path: c/}
  - name: d
    source: {connection: lake, path: d/}
    destination: {connection: app, path: d/, format: csv}
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:8:26: streams[0].source.connection"),
              "no connection named 'whh' (did you mean 'wh'?); defined: wh, app, lake, files");
    EXPECT_EQ(error_at(r, "sync.yaml:9:31: streams[0].destination.connection"),
              "no connection named 'nowhere'; defined: wh, app, lake, files");
    EXPECT_EQ(error_at(r, "sync.yaml:11:40: streams[1].source.table"),
              "connection 'files' is a local directory of files: read them with path: (relative to its directory "
              "'/data/files'), not table:");
    EXPECT_EQ(error_at(r, "sync.yaml:12:44: streams[1].destination.table"),
              "connection 'lake' is an S3 prefix: write files with path: (relative to its prefix), not table:");
    EXPECT_EQ(error_at(r, "sync.yaml:14:54: streams[2].source.path"),
              "connection 'app' is a PostgreSQL connection: read it with table: or sql:, not path:");
    EXPECT_NE(error_at(r, "sync.yaml:15:31: streams[2].destination.connection")
                  .find("postgres -> local is not a direction shiftsync syncs"),
              std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:17:26: streams[3].source.connection").find("an S3 prefix, a destination only"),
              std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:18:42: streams[3].destination.path"),
              "connection 'app' is a PostgreSQL connection: write to it with table:, not path:");
    EXPECT_EQ(error_at(r, "sync.yaml:18:54: streams[3].destination.format"),
              "connection 'app' is a PostgreSQL connection: format: applies to files only");
    // files -> lake is local -> s3: a direction the worker does not sync.
    EXPECT_NE(error_at(r, "sync.yaml:12:31: streams[1].destination.connection").find("local -> s3 is not a direction"),
              std::string::npos);
    EXPECT_EQ(r.errors.size(), 10u) << all_errors(r);
}

TEST(SyncConfigErrors, modes_keys_and_sources) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a, sql: select 1}
    destination: {connection: app, table: s.a}
    mode: incremental
    write: upsert
  - name: b
    source: {connection: wh}
    destination: {connection: files, path: b/}
    write: upsert
    primary_key: [id]
  - name: a
    source: {connection: app, sql: select 1}
    destination: {connection: wh, table: s.c}
    where: x > 1
    via: unload
    write: upsert
    primary_key: []
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:8:47: streams[0].source.sql"), "give table: or sql:, not both");
    EXPECT_NE(error_at(r, "sync.yaml:10:11: streams[0].mode").find("incremental needs cursor: COLUMN"),
              std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:11:12: streams[0].write"),
              "upsert needs primary_key: [COLUMNS] (the columns that identify a row)");
    EXPECT_EQ(error_at(r, "sync.yaml:13:13: streams[1].source"),
              "give table: SCHEMA.TABLE or sql: SELECT … (connection 'wh' is a Redshift connection)");
    EXPECT_EQ(error_at(r, "sync.yaml:15:12: streams[1].write"),
              "files can't be upserted (connection 'files' is a local directory): use write: append (each run adds "
              "new files) or write: replace (each run replaces the files under path:)");
    EXPECT_EQ(error_at(r, "sync.yaml:17:11: streams[2].name"),
              "stream name 'a' is also used by streams[0] (line 7); names key the state, so each must be unique");
    EXPECT_EQ(error_at(r, "sync.yaml:20:12: streams[2].where"),
              "where: applies to a table source; put the condition in sql:");
    EXPECT_EQ(error_at(r, "sync.yaml:21:10: streams[2].via"),
              "via: applies to Redshift sources only (connection 'app' is a PostgreSQL connection)");
    EXPECT_EQ(error_at(r, "sync.yaml:23:18: streams[2].primary_key"),
              "is empty (give the columns that identify a row, or leave it out)");
    EXPECT_EQ(r.errors.size(), 9u) << all_errors(r);
}

TEST(SyncConfigErrors, upsert_without_primary_key_from_defaults_points_at_the_stream) {
    auto r = parse(connections + R"(defaults:
  write: upsert
streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
)");
    ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
    // The value came from defaults: (line 7); the fix (a primary_key) belongs to the stream, but the
    // position is where write: upsert was written.
    EXPECT_EQ(r.errors[0].to_string(),
              "sync.yaml:7:10: streams[0].write: upsert needs primary_key: [COLUMNS] (the columns that identify a row)");
}

TEST(SyncConfigErrors, columns_and_exclude_must_keep_the_cursor_and_key) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    mode: incremental
    cursor: updated_at
    write: upsert
    primary_key: [id, Day]
    columns: [id, name, day]
  - name: b
    source: {connection: wh, table: s.b}
    destination: {connection: app, table: s.b}
    mode: incremental
    cursor: updated_at
    exclude: [blob, UPDATED_AT]
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:14:14: streams[0].columns"),
              "columns: leaves out cursor column 'updated_at'; add it to columns:");
    EXPECT_EQ(error_at(r, "sync.yaml:20:21: streams[1].exclude[1]"),
              "exclude: drops cursor column 'updated_at'; the cursor must be read");
    EXPECT_EQ(r.errors.size(), 2u) << all_errors(r);  // "Day" matches "day": Redshift folds case
}

TEST(SyncConfigErrors, top_level_values_lookbacks_and_sizes) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    mode: incremental
    cursor: id
    lookback: 5 minutes
    write: replace
max_parallel_streams: 0
memory_limit: 256 MiB
state_schema: my-state
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:12:15: streams[0].lookback"),
              "'5 minutes' is not a lookback: a duration (5m, 1h30m, 2d; units s m h d) or a number of cursor values (100)");
    EXPECT_EQ(error_at(r, "sync.yaml:14:23: max_parallel_streams"), "must be at least 1, found '0'");
    EXPECT_EQ(error_at(r, "sync.yaml:15:15: memory_limit"),
              "'256 MiB' is not a memory size (256MiB, 1GiB, 64MB or a number of bytes, above 0)");
    EXPECT_NE(error_at(r, "sync.yaml:16:15: state_schema").find("'my-state' is not a plain schema name"),
              std::string::npos);
    EXPECT_EQ(r.errors.size(), 4u) << all_errors(r);
}

TEST(SyncConfigErrors, redshift_connections_staging_and_roles) {
    auto r = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "https://bucket/p"}
  wh2: {type: redshift, workgroup: wg, role_arn: "my-role", endpoint_url: "127.0.0.1:4566"}
  app: {type: postgres, dsn: "postgresql://u:pw@db/app"}
  lake: {type: s3, url: "s3:///nobucket"}
streams:
  - name: a
    source: {connection: app, table: public.a}
    destination: {connection: wh2, table: s.a}
    write: replace
  - name: b
    source: {connection: wh2, table: s.b}
    destination: {connection: app, table: public.b}
    via: unload
    write: replace
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:2:83: connections.wh.staging"),
              "a staging location is s3://BUCKET/PREFIX/, got 'https://bucket/p'");
    EXPECT_EQ(error_at(r, "sync.yaml:3:50: connections.wh2.role_arn"),
              "'my-role' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    EXPECT_NE(error_at(r, "sync.yaml:3:75: connections.wh2.endpoint_url").find("is not an endpoint URL"),
              std::string::npos);
    EXPECT_NE(error_at(r, "sync.yaml:5:25: connections.lake.url").find("no bucket"), std::string::npos);
    // Loading into Redshift needs staging: said once, at the connection.
    EXPECT_EQ(error_at(r, "sync.yaml:3:8: connections.wh2.staging"),
              "loading into Redshift stages files in S3 (streams[0] writes here): set staging: s3://BUCKET/PREFIX/");
    EXPECT_EQ(error_at(r, "sync.yaml:14:10: streams[1].via"),
              "via: unload stages its files in S3: set staging: s3://BUCKET/PREFIX/ on connection 'wh2'");
    EXPECT_EQ(r.errors.size(), 6u) << all_errors(r);
}

TEST(SyncConfigErrors, concurrency_limits_are_whole_numbers_from_1_to_1024) {
    auto r = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/", max_concurrent_loads: 0}
  wh2: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/", max_concurrent_loads: two}
  wh3: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/", max_concurrent_loads: 5000}
  wh4: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/", max_concurrent_unloads: -1}
  app: {type: postgres, dsn: "postgresql://u@db/app", max_concurrent_loads: 1.5}
streams: []
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:2:118: connections.wh.max_concurrent_loads"), "must be at least 1, found '0'");
    EXPECT_EQ(error_at(r, "sync.yaml:3:119: connections.wh2.max_concurrent_loads"), "expected a whole number, found 'two'");
    EXPECT_EQ(error_at(r, "sync.yaml:4:119: connections.wh3.max_concurrent_loads"), "must be at most 1024, found '5000'");
    EXPECT_EQ(error_at(r, "sync.yaml:5:121: connections.wh4.max_concurrent_unloads"), "must be at least 1, found '-1'");
    EXPECT_EQ(error_at(r, "sync.yaml:6:77: connections.app.max_concurrent_loads"), "expected a whole number, found '1.5'");
    EXPECT_EQ(r.errors.size(), 6u) << all_errors(r);  // and the empty stream list
}

TEST(SyncConfigErrors, bad_choices_suggest_the_closest) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: files, path: a/, format: json, gzip: yes}
    mode: full-refresh
    write: upsrt
    via: data_api
  - name: "b c"
    source: {connection: wh, table: s.a}
    destination: {connection: files, path: a/}
    write: replace
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:9:56: streams[0].destination.format"), "'json' is not one of ndjson or csv (did you mean 'ndjson'?)");
    EXPECT_EQ(error_at(r, "sync.yaml:9:68: streams[0].destination.gzip"), "expected true or false, found 'yes'");
    EXPECT_EQ(error_at(r, "sync.yaml:10:11: streams[0].mode"),
              "'full-refresh' is not one of full_refresh or incremental (did you mean 'full_refresh'?)");
    EXPECT_EQ(error_at(r, "sync.yaml:11:12: streams[0].write"),
              "'upsrt' is not one of append, replace or upsert (did you mean 'upsert'?)");
    EXPECT_EQ(error_at(r, "sync.yaml:12:10: streams[0].via"),
              "'data_api' is not one of auto, data-api or unload (did you mean 'data-api'?)");
    EXPECT_NE(error_at(r, "sync.yaml:13:11: streams[1].name").find("'b c' is not a stream name"), std::string::npos);
    EXPECT_EQ(r.errors.size(), 6u) << all_errors(r);
}

TEST(SyncConfigErrors, duplicate_keys_and_merge_keys) {
    auto r = parse(connections + R"(streams:
  - name: a
    name: b
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    write: replace
    <<: {mode: incremental}
)");
    ASSERT_FALSE(r.config);
    EXPECT_EQ(error_at(r, "sync.yaml:8:5: streams[0].name"), "'name' is given twice in this map; keep one");
    EXPECT_NE(error_at(r, "sync.yaml:12:5: streams[0].<<").find("merge keys (<<) are not supported"), std::string::npos);
    EXPECT_EQ(r.errors.size(), 2u) << all_errors(r);
}

TEST(SyncConfigErrors, the_acceptance_five_at_once_sorted_by_line) {
    // A wrong type, an unknown key, a missing connection, an unset ${VAR}, upsert without primary_key.
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: warehouse, table: s.a}
    write: replace
    colums: [id]
  - name: b
    source: {connection: app, table: public.b}
    destination: {connection: wh, table: "${TARGET_TABLE}"}
    write: upsert
max_parallel_streams: {n: 2}
)");
    ASSERT_FALSE(r.config);
    std::vector<std::string> got;
    for (const auto& e : r.errors)
        got.push_back(e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.key_path);
    EXPECT_EQ(got, (std::vector<std::string>{
                       "sync.yaml:9:31: streams[0].destination.connection",
                       "sync.yaml:11:5: streams[0].colums",
                       "sync.yaml:14:42: streams[1].destination.table",
                       "sync.yaml:15:12: streams[1].write",
                       "sync.yaml:16:23: max_parallel_streams",
                   }))
        << all_errors(r);
    EXPECT_NE(r.errors[1].message.find("(did you mean 'columns'?)"), std::string::npos);
    EXPECT_NE(r.errors[2].message.find("${TARGET_TABLE} is not set"), std::string::npos);
}

TEST(SyncConfigErrors, values_from_the_environment_are_quoted_as_their_reference) {
    const environment env{{"CONN", "secret-conn-name"}, {"MODE", "secret-mode"}, {"PAR", "secret-par"},
                          {"STAGE", "https://secret-bucket/p"}, {"LB", "secret-lookback"},
                          {"DSN", "postgresql://u:secret-pw@db/app?sslmode=bogus-secret"}};
    auto r = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "${STAGE}"}
  app: {type: postgres, dsn: "${DSN}"}
streams:
  - name: a
    source: {connection: "${CONN}", table: s.a}
    destination: {connection: app, table: s.a}
    mode: "${MODE}"
    lookback: "${LB}"
max_parallel_streams: "${PAR}"
)",
                   env);
    ASSERT_FALSE(r.config);
    std::string all = all_errors(r);
    for (const auto& [name, value] : env) EXPECT_EQ(all.find(value), std::string::npos) << value << " in\n" << all;
    EXPECT_EQ(all.find("secret"), std::string::npos) << all;
    EXPECT_EQ(error_at(r, "sync.yaml:2:83: connections.wh.staging"),
              "'${STAGE}' is not an S3 location s3://BUCKET/PREFIX/");
    EXPECT_NE(error_at(r, "sync.yaml:6:26: streams[0].source.connection").find("no connection named '${CONN}'"),
              std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:8:11: streams[0].mode"), "'${MODE}' is not one of full_refresh or incremental");
    EXPECT_NE(error_at(r, "sync.yaml:9:15: streams[0].lookback").find("'${LB}' is not a lookback"), std::string::npos);
    EXPECT_EQ(error_at(r, "sync.yaml:10:23: max_parallel_streams"), "expected a whole number, found '${PAR}'");
}

}  // namespace

// parse_sync_config on valid files: every connection kind and mode into the model, defaults, the
// environment, secrets kept out of describe(); load_sync_config on a real and a missing file.

#include "config_test_support.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace {

using namespace shiftsync::transfer::sync;
using namespace shiftsync::transfer::sync::testing;

const std::string full = R"(# every kind of connection, every direction the worker supports
connections:
  warehouse:
    type: redshift
    workgroup: analytics
    database: prod
    region: eu-west-1
    role_arn: arn:aws:iam::111122223333:role/shiftsync-connector
    external_id: ext-123
    endpoint_url: http://127.0.0.1:4566
    profile: shiftsync
    staging: s3://stage-bucket/sync/
    unload_role: arn:aws:iam::111122223333:role/unload
    copy_role: arn:aws:iam::111122223333:role/copy
  app: {type: postgres, dsn: "postgresql://app:${APP_PASSWORD}@db:5432/app"}
  lake: {type: s3, url: "s3://lake/exports", region: eu-west-1, endpoint_url: "http://127.0.0.1:4566", profile: p, role_arn: "arn:aws:iam::111122223333:role/lake", external_id: x}
  exports: {type: local, directory: out}
  inbox: {type: local, directory: /var/inbox}
defaults:
  mode: incremental
  cursor: updated_at
  lookback: 5m
streams:
  - name: orders
    source: {connection: app, table: public.orders}
    destination: {connection: warehouse, table: analytics.orders}
    write: upsert
    primary_key: [id]
  - name: events_files
    source: {connection: warehouse, sql: "select * from analytics.events"}
    destination: {connection: exports, path: events/, format: csv, gzip: true}
    columns: [id, kind, updated_at]
    via: unload
  - name: events_lake
    source: {connection: warehouse, table: analytics.events}
    destination: {connection: lake, path: events/}
    where: "kind <> 'debug'"
    exclude: [payload]
    lookback: 100
    primary_key: id
    via: data-api
  - name: customers_back
    source: {connection: warehouse, table: analytics.customers}
    destination: {connection: app, table: public.customers}
    mode: full_refresh
    write: replace
  - name: uploads
    source: {connection: inbox, path: daily/, format: csv}
    destination: {connection: warehouse, table: raw.uploads}
    cursor: seq
    lookback: 0
  - name: copy_across
    source: {connection: warehouse, table: analytics.orders}
    destination: {connection: warehouse, table: archive.orders}
    mode: full_refresh
    write: replace
max_parallel_streams: 3
memory_limit: 1GiB
state_schema: sync_state
)";

TEST(SyncConfig, a_full_config_resolves_every_connection_kind_and_mode) {
    auto r = parse(full, {{"APP_PASSWORD", "s3cr3t-pw"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    const sync_config& c = *r.config;
    EXPECT_EQ(c.file, "sync.yaml");
    EXPECT_EQ(c.max_parallel_streams, 3);
    EXPECT_EQ(c.memory_limit, 1ull << 30);
    EXPECT_EQ(c.state_schema, "sync_state");
    ASSERT_EQ(c.connections.size(), 5u);

    const auto* wh = c.find_connection("warehouse");
    ASSERT_TRUE(wh);
    EXPECT_EQ(wh->kind, connection_kind::redshift);
    EXPECT_EQ(wh->line, 3);
    EXPECT_EQ(wh->redshift.workgroup, "analytics");
    EXPECT_EQ(wh->redshift.database, "prod");
    EXPECT_EQ(wh->redshift.region, "eu-west-1");
    EXPECT_EQ(wh->redshift.role_arn, "arn:aws:iam::111122223333:role/shiftsync-connector");
    EXPECT_EQ(wh->redshift.external_id, "ext-123");
    EXPECT_EQ(wh->redshift.endpoint_url, "http://127.0.0.1:4566");
    EXPECT_EQ(wh->redshift.profile, "shiftsync");
    EXPECT_EQ(wh->redshift.staging, "s3://stage-bucket/sync/");
    EXPECT_EQ(wh->redshift.unload_role, "arn:aws:iam::111122223333:role/unload");
    EXPECT_EQ(wh->redshift.copy_role, "arn:aws:iam::111122223333:role/copy");
    ASSERT_TRUE(c.find_connection("app"));
    EXPECT_EQ(c.find_connection("app")->postgres.dsn, "postgresql://app:s3cr3t-pw@db:5432/app");
    const auto* lake = c.find_connection("lake");
    ASSERT_TRUE(lake);
    EXPECT_EQ(lake->s3.url, "s3://lake/exports/");  // the trailing '/' added
    EXPECT_EQ(lake->s3.region, "eu-west-1");
    EXPECT_EQ(lake->s3.role_arn, "arn:aws:iam::111122223333:role/lake");
    EXPECT_EQ(c.find_connection("exports")->local.directory, "out");  // sync.yaml has no folder
    EXPECT_EQ(c.find_connection("inbox")->local.directory, "/var/inbox");
    EXPECT_EQ(c.find_connection("nowhere"), nullptr);

    ASSERT_EQ(c.streams.size(), 6u);
    const auto& orders = c.streams[0];
    EXPECT_EQ(orders.name, "orders");
    EXPECT_EQ(orders.line, 24);
    EXPECT_EQ(orders.source.connection, "app");
    EXPECT_EQ(orders.source.table, "public.orders");
    EXPECT_EQ(orders.destination.table, "analytics.orders");
    EXPECT_EQ(orders.mode, sync_mode::incremental);  // from defaults
    EXPECT_EQ(orders.cursor, "updated_at");
    EXPECT_EQ(orders.lookback.what, lookback::kind::duration);
    EXPECT_EQ(orders.lookback.seconds, 300);
    EXPECT_EQ(orders.write, write_disposition::upsert);
    EXPECT_EQ(orders.primary_key, std::vector<std::string>{"id"});

    const auto& files = c.streams[1];
    EXPECT_EQ(files.source.sql, "select * from analytics.events");
    EXPECT_EQ(files.destination.path, "events/");
    EXPECT_EQ(files.destination.format, file_format::csv);
    EXPECT_TRUE(files.destination.gzip);
    EXPECT_EQ(files.columns, (std::vector<std::string>{"id", "kind", "updated_at"}));
    EXPECT_EQ(files.via, read_via::unload);

    const auto& lake_stream = c.streams[2];
    EXPECT_EQ(lake_stream.where, "kind <> 'debug'");
    EXPECT_EQ(lake_stream.exclude, std::vector<std::string>{"payload"});
    EXPECT_EQ(lake_stream.lookback.what, lookback::kind::count);
    EXPECT_EQ(lake_stream.lookback.count, 100);
    EXPECT_EQ(lake_stream.primary_key, std::vector<std::string>{"id"});  // one name for a list of one
    EXPECT_EQ(lake_stream.via, read_via::data_api);
    EXPECT_EQ(lake_stream.destination.format, file_format::ndjson);
    EXPECT_FALSE(lake_stream.destination.gzip);

    EXPECT_EQ(c.streams[3].mode, sync_mode::full_refresh);
    EXPECT_EQ(c.streams[3].write, write_disposition::replace);
    EXPECT_EQ(c.streams[3].via, read_via::automatic);
    EXPECT_EQ(c.streams[4].source.path, "daily/");
    EXPECT_EQ(c.streams[4].source.format, file_format::csv);
    EXPECT_EQ(c.streams[4].cursor, "seq");
    EXPECT_EQ(c.streams[4].lookback.what, lookback::kind::none);
    EXPECT_EQ(c.streams[5].destination.connection, "warehouse");
}

TEST(SyncConfig, notes_say_what_is_legal_but_weaker_than_it_looks) {
    auto r = parse(full, {{"APP_PASSWORD", "pw"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    // events_files and uploads: incremental appends without a key; nothing else.
    ASSERT_EQ(r.config->notes.size(), 2u);
    EXPECT_EQ(r.config->notes[0].rfind("stream events_files: append without primary_key is at-least-once", 0), 0u);
    EXPECT_EQ(r.config->notes[1].rfind("stream uploads: append without primary_key is at-least-once", 0), 0u);

    auto odd = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    mode: incremental
    cursor: id
    write: replace
  - name: b
    source: {connection: wh, table: s.b}
    destination: {connection: app, table: s.b}
    cursor: id
)");
    ASSERT_TRUE(odd.config) << all_errors(odd);
    ASSERT_EQ(odd.config->notes.size(), 3u);
    EXPECT_NE(odd.config->notes[0].find("stream a: replace with incremental"), std::string::npos);
    EXPECT_NE(odd.config->notes[1].find("stream b: full_refresh with append adds every row again"), std::string::npos);
    EXPECT_NE(odd.config->notes[2].find("stream b: cursor: is ignored in full_refresh mode"), std::string::npos);
}

TEST(SyncConfig, defaults_fill_only_the_keys_a_stream_leaves_out) {
    auto r = parse(connections + R"(defaults:
  destination: {connection: app}
  write: upsert
  primary_key: [id]
  via: unload
streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {table: public.a}
  - name: b
    source: {connection: wh, table: s.b}
    destination: {connection: files, path: b/}
    write: append
    primary_key: [b_id, day]
  - name: c
    source: {connection: app, table: public.c}
    destination: {connection: wh, table: s.c}
)");
    ASSERT_TRUE(r.config) << all_errors(r);
    const auto& s = r.config->streams;
    EXPECT_EQ(s[0].destination.connection, "app");
    EXPECT_EQ(s[0].destination.table, "public.a");
    EXPECT_EQ(s[0].write, write_disposition::upsert);
    EXPECT_EQ(s[0].primary_key, std::vector<std::string>{"id"});
    EXPECT_EQ(s[0].via, read_via::unload);
    EXPECT_EQ(s[1].destination.connection, "files");
    EXPECT_EQ(s[1].write, write_disposition::append);
    EXPECT_EQ(s[1].primary_key, (std::vector<std::string>{"b_id", "day"}));
    // via: from defaults does not apply to a PostgreSQL source, and is not an error there.
    EXPECT_EQ(s[2].destination.connection, "wh");
    EXPECT_EQ(s[2].write, write_disposition::upsert);
}

TEST(SyncConfig, top_level_settings_have_defaults) {
    auto r = parse(connections + R"(streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    write: replace
)");
    ASSERT_TRUE(r.config) << all_errors(r);
    EXPECT_EQ(r.config->max_parallel_streams, 4);
    EXPECT_EQ(r.config->memory_limit, 256ull << 20);
    EXPECT_EQ(r.config->state_schema, "shiftsync");
    EXPECT_EQ(r.config->find_connection("wh")->redshift.database, "dev");
    EXPECT_EQ(r.config->find_connection("wh")->redshift.staging, "s3://stage/sync/");
}

TEST(SyncConfig, environment_variables_set_unset_defaulted_and_escaped) {
    const std::string text = connections + R"(streams:
  - name: a
    source: {connection: "${SRC}", table: "${SCHEMA:-public}.a"}
    destination: {connection: app, table: "s.a"}
    where: "price > $$5 and note <> '${NOTE:-$x}' and tag = 'a$b'"
    write: replace
)";
    auto r = parse(text, {{"SRC", "wh"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    const auto& s = r.config->streams[0];
    EXPECT_EQ(s.source.connection, "wh");
    EXPECT_EQ(s.source.table, "public.a");  // SCHEMA unset: the default
    EXPECT_EQ(s.where, "price > $5 and note <> '$x' and tag = 'a$b'");
    // An empty variable counts as unset, as in the shell's ${VAR:-default}.
    auto empty = parse(text, {{"SRC", "wh"}, {"SCHEMA", ""}});
    ASSERT_TRUE(empty.config) << all_errors(empty);
    EXPECT_EQ(empty.config->streams[0].source.table, "public.a");
    auto set = parse(text, {{"SRC", "wh"}, {"SCHEMA", "sales"}});
    ASSERT_TRUE(set.config) << all_errors(set);
    EXPECT_EQ(set.config->streams[0].source.table, "sales.a");

    auto unset = parse(text);
    ASSERT_FALSE(unset.config);
    ASSERT_EQ(unset.errors.size(), 1u) << all_errors(unset);
    EXPECT_EQ(error_at(unset, "sync.yaml:8:26: streams[0].source.connection"),
              "environment variable ${SRC} is not set (export it, or give a default: ${SRC:-value})");
}

TEST(SyncConfig, secrets_are_every_value_from_the_environment_and_every_dsn_password) {
    auto r = parse(full, {{"APP_PASSWORD", "s3cr3t-pw"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    const auto& secrets = r.config->secrets;
    EXPECT_NE(std::find(secrets.begin(), secrets.end(), "s3cr3t-pw"), secrets.end());

    auto literal = parse(connections + R"(  uri: {type: postgres, dsn: "postgresql://u:lit%40pw@db/app"}
streams:
  - name: a
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
    write: replace
)");
    ASSERT_TRUE(literal.config) << all_errors(literal);
    const auto& found = literal.config->secrets;
    for (const char* secret : {"pg-literal-pw", "lit@pw", "lit%40pw"})
        EXPECT_NE(std::find(found.begin(), found.end(), secret), found.end()) << secret;
    // Defaults written in the file are not secrets (a default of "dev" would hide every "dev").
    EXPECT_EQ(std::find(found.begin(), found.end(), "public"), found.end());
}

TEST(SyncConfig, describe_renders_the_resolved_config_with_secrets_redacted) {
    auto r = parse(full, {{"APP_PASSWORD", "s3cr3t-pw"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    std::string text = describe(*r.config);
    EXPECT_EQ(text.find("s3cr3t-pw"), std::string::npos) << text;
    EXPECT_EQ(text.find("ext-123"), std::string::npos) << text;
    EXPECT_NE(text.find("app: postgres dsn=postgresql://app:***@db:5432/app"), std::string::npos) << text;
    EXPECT_NE(text.find("max_parallel_streams 3, memory_limit 1024 MiB, state_schema sync_state"), std::string::npos)
        << text;
    EXPECT_NE(text.find("orders: app table public.orders -> warehouse table analytics.orders\n"
                        "    mode incremental, cursor updated_at, lookback 5m; write upsert, primary_key [id]\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("events_files: warehouse sql \"select * from analytics.events\" -> exports path events/ "
                        "csv.gz\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("notes:\n  stream events_files: append without primary_key"), std::string::npos) << text;

    auto literal = parse(connections + R"(streams:
  - {name: a, source: {connection: wh, table: s.a}, destination: {connection: app, table: s.a}, write: replace}
)");
    ASSERT_TRUE(literal.config) << all_errors(literal);
    std::string shown = describe(*literal.config);
    EXPECT_EQ(shown.find("pg-literal-pw"), std::string::npos) << shown;
    EXPECT_NE(shown.find("password=***"), std::string::npos) << shown;
}

TEST(SyncConfig, concurrency_limits_are_kept_and_shown) {
    auto r = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/", max_concurrent_loads: 2, max_concurrent_unloads: 3}
  app: {type: postgres, dsn: "postgresql://u@db/app", max_concurrent_loads: 4}
streams:
  - {name: a, source: {connection: app, table: public.a}, destination: {connection: wh, table: s.a}, write: replace}
)");
    ASSERT_TRUE(r.config) << all_errors(r);
    EXPECT_EQ(r.config->connections.at(0).redshift.max_concurrent_loads, 2);
    EXPECT_EQ(r.config->connections.at(0).redshift.max_concurrent_unloads, 3);
    EXPECT_EQ(r.config->connections.at(1).postgres.max_concurrent_loads, 4);
    EXPECT_EQ(r.config->connections.at(1).postgres.dsn, "postgresql://u@db/app");
    const std::string shown = describe(*r.config);
    EXPECT_NE(shown.find(" max_concurrent_loads=2 max_concurrent_unloads=3"), std::string::npos) << shown;
    EXPECT_NE(shown.find("dsn=postgresql://u@db/app max_concurrent_loads=4"), std::string::npos) << shown;
    auto unlimited = parse(R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r", staging: "s3://b/p/"}
  app: {type: postgres, dsn: "postgresql://u@db/app"}
streams:
  - {name: a, source: {connection: app, table: public.a}, destination: {connection: wh, table: s.a}, write: replace}
)");
    ASSERT_TRUE(unlimited.config) << all_errors(unlimited);
    EXPECT_EQ(unlimited.config->connections.at(0).redshift.max_concurrent_loads, 0);
    EXPECT_EQ(describe(*unlimited.config).find("max_concurrent_loads"), std::string::npos);
}

TEST(SyncConfig, relative_local_directories_are_relative_to_the_config_file) {
    const std::string text = R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::1:role/r"}
  out: {type: local, directory: exports/daily}
  abs: {type: local, directory: /srv/exports}
streams:
  - {name: a, source: {connection: wh, table: s.a}, destination: {connection: out, path: a/}, write: replace}
)";
    auto r = parse_sync_config(text, "/etc/shiftsync/sync.yaml", [](std::string_view) { return std::nullopt; });
    ASSERT_TRUE(r.config) << all_errors(r);
    EXPECT_EQ(r.config->find_connection("out")->local.directory, "/etc/shiftsync/exports/daily");
    EXPECT_EQ(r.config->find_connection("abs")->local.directory, "/srv/exports");
    EXPECT_EQ(r.config->file, "/etc/shiftsync/sync.yaml");
}

TEST(SyncConfig, a_stream_name_from_the_environment_is_redacted_in_notes) {
    auto r = parse(connections + R"(streams:
  - name: "${NAME}"
    source: {connection: wh, table: s.a}
    destination: {connection: app, table: s.a}
)",
                   {{"NAME", "hidden_name"}});
    ASSERT_TRUE(r.config) << all_errors(r);
    ASSERT_EQ(r.config->notes.size(), 1u);
    EXPECT_EQ(r.config->notes[0].rfind("stream ***: full_refresh with append", 0), 0u) << r.config->notes[0];
}

TEST(SyncConfig, redact_replaces_the_longest_secret_first) {
    sync_config c;
    c.secrets = {"abc", "xxabcxx", ""};
    EXPECT_EQ(redact("key=xxabcxx other=abc", c), "key=*** other=***");
    EXPECT_EQ(redact("nothing here", c), "nothing here");
}

TEST(SyncConfig, load_reads_a_file_and_names_one_it_cannot_read) {
    char name[] = "/tmp/shiftsync-sync-config-XXXXXX";
    int fd = ::mkstemp(name);
    ASSERT_GE(fd, 0);
    ::close(fd);
    {
        std::ofstream out(name);
        out << connections << "streams:\n  - {name: a, source: {connection: wh, table: s.a}, destination: "
                              "{connection: files, path: a/}, unknown_key: 1}\n";
    }
    auto r = load_sync_config(name);
    ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
    EXPECT_EQ(r.errors[0].file, name);
    EXPECT_EQ(r.errors[0].line, 7);
    EXPECT_EQ(r.errors[0].key_path, "streams[0].unknown_key");
    std::remove(name);

    auto missing = load_sync_config(name);
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_FALSE(missing.config);
    EXPECT_EQ(missing.errors[0].to_string(), std::string(name) + ": cannot read the config file: No such file or directory");
}

}  // namespace

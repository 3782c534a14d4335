#include "tools/localaws/data_api/redshift_dialect.hpp"

#include <atomic>

#include "tools/localaws/redshift/bulk/copy.hpp"
#include "tools/localaws/redshift/bulk/load_error_log.hpp"
#include "tools/localaws/redshift/bulk/unload.hpp"
#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/dialect/rewrite.hpp"

namespace localaws::data_api {
namespace bulk = redshift::bulk;
namespace dialect = redshift::dialect;

namespace {

struct shared_state {
    bulk::environment env;
    bulk::load_error_log log;
    std::atomic<std::int64_t> next_copy_id{1};
    shared_state(const redshift::pg::cluster& cluster, bulk::environment e) : env(std::move(e)), log(cluster) {}
};

run_outcome to_run_outcome(const bulk::outcome& o) {
    run_outcome out;
    out.status.ok = o.ok;
    out.status.sqlstate = o.sqlstate;
    out.status.message = o.message;
    out.has_result_set = false;
    out.result_rows = o.ok ? o.rows : -1;
    return out;
}

// What pg_last_copy_count() / pg_last_copy_id() / pg_last_unload_count() answer in this session.
void remember(redshift::pg::connection& conn, const char* setting, std::int64_t value) {
    redshift::pg::command_status status;
    conn.exec_params("SELECT set_config($1, $2, false)", {setting, std::to_string(value)}, status);
}

run_outcome syntax_failure(const std::string& message) {
    run_outcome out;
    out.status = {false, "42601", message};
    return out;
}

}  // namespace

dialect_hooks make_redshift_dialect(const redshift::pg::cluster& cluster, bulk::environment env) {
    auto state = std::make_shared<shared_state>(cluster, std::move(env));
    state->log.ensure("dev");  // so sys_load_error_detail answers (empty) before any COPY; others: on first COPY
    dialect_hooks hooks;
    hooks.rewrite = [](const std::string& sql) { return dialect::rewrite_for_postgres(sql); };
    hooks.run_special = [state](redshift::pg::connection& conn, const std::string& sql, const caller& who,
                                const cancel_probe& cancelled) -> std::optional<run_outcome> {
        if (dialect::looks_like_unload(sql)) {
            auto parsed = dialect::parse_unload(sql);
            if (auto* e = std::get_if<dialect::parse_error>(&parsed)) return syntax_failure(e->message);
            // The query (its literal decoded by the parser) gets the rewrites any statement gets, so
            // UNLOAD ('<select>') unloads what the same <select> returns through the Data API.
            auto& command = std::get<dialect::unload_command>(parsed);
            command.query = dialect::rewrite_for_postgres(command.query);
            bulk::outcome o = bulk::run_unload(conn, command, state->env, cancelled);
            if (o.ok) remember(conn, "localaws.last_unload_count", o.rows);
            return to_run_outcome(o);
        }
        if (dialect::looks_like_s3_copy(sql)) {
            auto parsed = dialect::parse_copy(sql);
            if (auto* e = std::get_if<dialect::parse_error>(&parsed)) return syntax_failure(e->message);
            // The statement's RedshiftQueryId, so sys_load_error_detail.query_id matches DescribeStatement's.
            const std::int64_t query_id = who.query_id != 0 ? who.query_id : state->next_copy_id++;
            bulk::copy_context context{&state->log, PQdb(conn.native()), who.identity.db_user, query_id, cancelled};
            state->log.ensure(context.database);
            bulk::outcome o = bulk::run_copy(conn, std::get<dialect::copy_command>(parsed), state->env, context);
            if (o.ok) {
                remember(conn, "localaws.last_copy_count", o.rows);
                remember(conn, "localaws.last_copy_id", context.query_id);
            }
            return to_run_outcome(o);
        }
        return std::nullopt;
    };
    return hooks;
}

}  // namespace localaws::data_api

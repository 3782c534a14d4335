#include "tools/localaws/redshift/bulk/load_error_log.hpp"

namespace localaws::redshift::bulk {

pg::connection* load_error_log::admin_locked(const std::string& database, std::string& error) {
    auto& slot = admin_[database];
    if (slot && !slot->healthy()) slot.reset();
    if (!slot) slot = pg::connection::open(cluster_.conninfo(database), error);
    return slot.get();
}

std::string load_error_log::ensure(const std::string& database) {
    std::lock_guard lock(mutex_);
    if (ready_[database]) return {};
    std::string error;
    pg::connection* c = admin_locked(database, error);
    if (!c) return error;
    error = c->run(
        "CREATE SCHEMA IF NOT EXISTS localaws_sys;"
        "CREATE TABLE IF NOT EXISTS localaws_sys.load_errors (user_name text, query_id bigint, transaction_id bigint,"
        " session_id integer, start_time timestamp, file_name text, line_number bigint, column_name text,"
        " column_type text, column_length text, position integer, error_code integer, error_message text,"
        " raw_line text, raw_field_value text);"
        // In pg_catalog, like Redshift's SYS_ views: found on every search_path. Superusers may
        // create there once allow_system_table_mods is on for the session (PostgreSQL 12+).
        "SET allow_system_table_mods = on;"
        "CREATE OR REPLACE VIEW pg_catalog.sys_load_error_detail AS SELECT"
        " (SELECT oid::integer FROM pg_roles WHERE rolname = e.user_name) AS user_id, query_id, transaction_id,"
        " session_id, start_time, file_name, line_number, column_name, column_type, column_length, position,"
        " error_code, error_message, raw_line, raw_field_value FROM localaws_sys.load_errors e"
        " WHERE e.user_name = session_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user);"
        // Redshift's session functions about the last COPY / UNLOAD, fed by set_config() after each.
        "CREATE OR REPLACE FUNCTION pg_catalog.pg_last_copy_count() RETURNS bigint LANGUAGE sql STABLE AS"
        " $$SELECT coalesce(nullif(current_setting('localaws.last_copy_count', true), ''), '0')::bigint$$;"
        // A failed COPY's id too (Redshift's documented way to its STL_LOAD_ERRORS rows): its transaction is
        // rolled back with the setting, but its error rows, committed apart, name this session's backend
        // (started no later than them, so a recycled pid never finds another session's COPY).
        "CREATE OR REPLACE FUNCTION pg_catalog.pg_last_copy_id() RETURNS bigint LANGUAGE sql STABLE"
        " SECURITY DEFINER SET search_path = pg_catalog AS"
        " $$SELECT greatest(coalesce(nullif(current_setting('localaws.last_copy_id', true), ''), '-1')::bigint,"
        " coalesce((SELECT max(e.query_id) FROM localaws_sys.load_errors e WHERE e.session_id = pg_backend_pid()"
        " AND e.start_time >= (SELECT a.backend_start AT TIME ZONE 'UTC' FROM pg_stat_activity a"
        " WHERE a.pid = pg_backend_pid())), -1))$$;"
        "CREATE OR REPLACE FUNCTION pg_catalog.pg_last_unload_count() RETURNS bigint LANGUAGE sql STABLE AS"
        " $$SELECT coalesce(nullif(current_setting('localaws.last_unload_count', true), ''), '0')::bigint$$;"
        "RESET allow_system_table_mods;"
        "GRANT SELECT ON pg_catalog.sys_load_error_detail TO PUBLIC;");
    if (error.empty()) ready_[database] = true;
    return error;
}

std::string load_error_log::record(const std::string& database, const std::string& db_user, int session_id,
                                   std::int64_t query_id, const std::vector<load_error>& errors) {
    if (errors.empty()) return {};
    if (auto e = ensure(database); !e.empty()) return e;
    std::lock_guard lock(mutex_);
    std::string error;
    pg::connection* c = admin_locked(database, error);
    if (!c) return error;
    for (const auto& e : errors) {
        pg::command_status status;
        c->exec_params(
            "INSERT INTO localaws_sys.load_errors VALUES ($1, $2, txid_current(), $3, now() AT TIME ZONE 'UTC', $4, $5,"
            " $6, $7, NULL, $8, $9, $10, left($11, 1024), left($12, 1024))",
            {db_user, std::to_string(query_id), std::to_string(session_id), e.file_name, std::to_string(e.line_number),
             e.column_name, e.column_type, std::to_string(e.position), std::to_string(e.error_code), e.error_message,
             e.raw_line, e.raw_field_value},
            status);
        if (!status) return status.message;
    }
    return {};
}

}  // namespace localaws::redshift::bulk

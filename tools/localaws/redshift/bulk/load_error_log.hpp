#pragma once
// sys_load_error_detail: where COPY's rejected rows are recorded, with Redshift's columns.
// Rows are written by a superuser connection in their own transaction, so they survive the COPY's
// rollback (as in Redshift, a failed load still leaves its errors to read). The rows live in
// localaws_sys.load_errors (no grants); the view pg_catalog.sys_load_error_detail — a system view
// like Redshift's, on every search_path — shows each user their own rows. ensure() also creates
// Redshift's pg_last_copy_count(), pg_last_copy_id() and pg_last_unload_count() (session values
// the executors set with set_config). Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tools/localaws/redshift/pg/cluster.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift::bulk {

struct load_error {
    std::string file_name;        // s3://bucket/key
    std::uint64_t line_number = 0;
    std::string column_name;
    std::string column_type;
    int position = 0;
    int error_code = 0;
    std::string error_message;
    std::string raw_line;
    std::string raw_field_value;
};

class load_error_log {
public:
    explicit load_error_log(const pg::cluster& cluster) : cluster_(cluster) {}

    // Creates the table and view in `database` (idempotent, cached).
    std::string ensure(const std::string& database);
    // Records errors of one COPY by `db_user` (session = backend pid, query = COPY's id).
    std::string record(const std::string& database, const std::string& db_user, int session_id, std::int64_t query_id,
                       const std::vector<load_error>& errors);

private:
    pg::connection* admin_locked(const std::string& database, std::string& error);

    const pg::cluster& cluster_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<pg::connection>> admin_;
    std::map<std::string, bool> ready_;
};

}  // namespace localaws::redshift::bulk

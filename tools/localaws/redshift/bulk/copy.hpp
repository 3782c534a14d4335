#pragma once
// Carries out a parsed COPY … FROM 's3://…': reads every source object (decompressing as it
// streams), applies COPY's field rules, and feeds PostgreSQL's COPY … FROM STDIN on the caller's
// connection (so INSERT privileges apply). All-or-nothing: one COPY statement (a savepoint when
// already inside a transaction); rows rejected up to MAXERROR are skipped and recorded in
// sys_load_error_detail; one more and nothing is loaded. Rows are read, checked and encoded on a
// worker thread of its own (copy_stream, copy_pipeline) while the calling thread hands them to
// PostgreSQL a megabyte at a time, so PostgreSQL never waits for that work; the worker is joined
// before run_copy returns. Memory stays bounded (a few MB). Blocking; runs on a Data API worker
// thread.

#include <cstdint>
#include <string>

#include "tools/localaws/redshift/bulk/environment.hpp"
#include "tools/localaws/redshift/bulk/load_error_log.hpp"
#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift::bulk {

struct copy_context {
    load_error_log* errors = nullptr;  // where rejected rows go (nullptr: not recorded)
    std::string database;
    std::string db_user;
    std::int64_t query_id = 0;
    cancel_check cancelled;            // see environment.hpp
};

outcome run_copy(pg::connection& conn, const dialect::copy_command& cmd, const environment& env,
                 const copy_context& context);

}  // namespace localaws::redshift::bulk

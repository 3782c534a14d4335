#pragma once
// Carries out a parsed UNLOAD: runs the query through PostgreSQL's COPY (…) TO STDOUT on the
// caller's own connection (so its privileges apply), streams the rows into Redshift-named,
// compressed objects, and writes the manifest. Memory stays bounded (about 1 MB per open file).
// Blocking; runs on a Data API worker thread.

#include "tools/localaws/redshift/bulk/environment.hpp"
#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift::bulk {

outcome run_unload(pg::connection& conn, const dialect::unload_command& cmd, const environment& env,
                   const cancel_check& cancelled = {});

}  // namespace localaws::redshift::bulk

#pragma once
// Plugs Redshift's dialect into the statement engine: UNLOAD and COPY … FROM 's3://…' run through
// redshift::bulk against the object store; everything else is rewritten for PostgreSQL
// (dialect::rewrite_for_postgres) and run as is.
//
//   redshift::bulk::environment env{&store, check_role, "us-east-1", default_role_arn};
//   engine_options options;
//   options.dialect = make_redshift_dialect(cluster, env);
//
// The returned hooks share ownership of the sys_load_error_detail log; `env.store` must outlive them.

#include "tools/localaws/data_api/statement_engine.hpp"
#include "tools/localaws/redshift/bulk/environment.hpp"

namespace localaws::data_api {

dialect_hooks make_redshift_dialect(const redshift::pg::cluster& cluster, redshift::bulk::environment env);

}  // namespace localaws::data_api

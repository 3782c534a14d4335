#pragma once
// The Redshift Data API served by localaws: the statement engine of tools/localaws/data_api on the
// private PostgreSQL of tools/localaws/redshift, behind the server's SigV4, IAM, faults and logs.
//
//   auto data_api = localaws::data_api_service::start(application, data_dir, pg_port);
//   data_api->endpoint();   // where the workgroup endpoint listens, and its CA
//   ... serve ...
//
// start() registers every RedshiftData.* operation and attaches the database to the app, so that
// GetCredentials' passwords work on it and GetWorkgroup shows its endpoint
// (workgroup_database.hpp). PostgreSQL (<data_dir>/postgres) is created on first use, and a
// cluster an earlier run created is started by start(); what can fail before that (the port, the
// certificates, an OS user that cannot reach the data dir) fails start(). The returned object
// owns the cluster and the engine; keep it alive while serving
// (destroying it stops PostgreSQL).

#include "tools/localaws/serverless/database.hpp"

#include <filesystem>
#include <memory>

namespace localaws {
class app;

class data_api_service {
public:
    // PostgreSQL lives in <data_dir>/postgres and listens (TLS) on 127.0.0.1:pg_port, 0: a free
    // port. Throws std::runtime_error with an operator's message when it cannot be prepared.
    static std::unique_ptr<data_api_service> start(app& application, const std::filesystem::path& data_dir,
                                                   int pg_port);
    virtual ~data_api_service() = default;
    virtual serverless::endpoint endpoint() const = 0;
};

}  // namespace localaws

#pragma once
// The Redshift Data API served by localaws: the statement engine of tools/localaws/data_api on the
// private PostgreSQL of tools/localaws/redshift, behind the server's SigV4, IAM, faults and logs.
//
//   auto data_api = localaws::data_api_service::start(application, data_dir);
//   ... serve ...
//
// start() registers every RedshiftData.* operation and hooks GetCredentials so that the password
// it issues works on the cluster. PostgreSQL itself starts on first use (<data_dir>/postgres). The
// returned object owns the cluster and the engine; keep it alive while serving (destroying it
// stops PostgreSQL).

#include <filesystem>
#include <memory>

namespace localaws {
class app;

class data_api_service {
public:
    // PostgreSQL lives in <data_dir>/postgres.
    static std::unique_ptr<data_api_service> start(app& application, const std::filesystem::path& data_dir);
    virtual ~data_api_service() = default;
};

}  // namespace localaws

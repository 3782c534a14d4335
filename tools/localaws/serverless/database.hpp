#pragma once
// What Redshift Serverless needs from the database behind its workgroups: the endpoint clients
// connect to (GetWorkgroup's `endpoint`), and a way to make the password GetCredentials issues
// work there. localaws's Data API service implements it over its PostgreSQL
// (data_api_service/workgroup_database.hpp); every workgroup shares that one endpoint.
//
// Thread safety: every member may be called from any thread. issue() and clock_moved() block
// (SQL, maybe starting PostgreSQL): call them on the blocking pool, never a network thread.

#include "tools/localaws/serverless/workgroups.hpp"

#include <filesystem>
#include <string>

namespace localaws::serverless {

struct endpoint {
    std::string address;  // "127.0.0.1"
    int port = 0;
    std::filesystem::path ca_file;  // the CA certificate that verifies the endpoint's TLS
};

class database {
public:
    virtual ~database() = default;

    // Fixed when localaws starts (before PostgreSQL does).
    virtual endpoint address() const = 0;
    // Makes c.db_password c.db_user's password until c.expiration (localaws's clock), with the
    // c.db_roles memberships. Empty on success, else the cause (never the password).
    virtual std::string issue(const db_credentials& c) = 0;
    // localaws's clock offset changed: every issued password now expires when localaws's clock
    // says its expiration has come. Empty on success, else the cause.
    virtual std::string clock_moved() = 0;
};

}  // namespace localaws::serverless

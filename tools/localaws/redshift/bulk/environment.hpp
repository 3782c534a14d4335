#pragma once
// What UNLOAD and COPY need from the rest of localaws: the S3 object store, IAM's verdict on the
// role Redshift assumes, and the workgroup's settings.
//
// role_checker(role_arn, action, resource_arn) returns nullopt when allowed, else the reason. It is
// called with action "sts:AssumeRole" (resource = the role ARN) to ask "does this role trust
// redshift.amazonaws.com?", then with the S3 actions the command needs ("s3:ListBucket" on
// arn:aws:s3:::bucket, "s3:GetObject" / "s3:PutObject" / "s3:DeleteObject" on arn:aws:s3:::bucket/key).
// Empty: everything allowed (tests of the executors alone). Called on a worker thread.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "tools/localaws/s3/object_store.hpp"

namespace localaws::redshift::bulk {

using role_checker = std::function<std::optional<std::string>(const std::string& role_arn, const std::string& action,
                                                              const std::string& resource_arn)>;

// Whether the statement running the UNLOAD or COPY has been cancelled. The executors ask once
// PostgreSQL runs their COPY: a cancel request that came earlier may have reached the backend
// between localaws's own round trips, when PostgreSQL ignores it, so they send it again then
// (and once COPY runs, PostgreSQL honours it). Empty: never cancelled.
using cancel_check = std::function<bool()>;

struct environment {
    s3::object_store* store = nullptr;  // must outlive every statement
    role_checker check_role;
    std::string region = "us-east-1";
    std::string default_iam_role;       // what IAM_ROLE default means; empty: no default role
    std::size_t slices = 2;             // files written in parallel by UNLOAD … PARALLEL ON
};

// The outcome of one UNLOAD or COPY: PostgreSQL-style status (message worded as Redshift's) and
// the rows unloaded or loaded.
struct outcome {
    bool ok = true;
    std::string sqlstate;  // "XX000" for Redshift-side failures, PostgreSQL's for its own
    std::string message;   // without the "ERROR: " prefix
    std::int64_t rows = 0;
};

inline outcome failure(std::string message, std::string sqlstate = "XX000") {
    return {false, std::move(sqlstate), std::move(message), 0};
}

// Resolves IAM_ROLE (default -> the environment's) and asks IAM whether Redshift may assume it.
std::optional<outcome> authorize_role(const environment& env, const std::string& iam_role, std::string& role_arn);

// "S3ServiceException:<text>,Status <n>,Error <code>" as Redshift reports S3 failures.
std::string s3_error(const std::string& text, int status, const std::string& code);

// REGION 'r' names where the bucket is (default: the workgroup's region, env.region); a bucket
// elsewhere fails as Redshift fails, with S3's PermanentRedirect.
std::optional<outcome> check_region(const environment& env, const std::string& bucket,
                                    const std::optional<std::string>& region);

}  // namespace localaws::redshift::bulk

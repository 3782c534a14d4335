#include "tools/localaws/redshift/bulk/environment.hpp"

namespace localaws::redshift::bulk {

std::optional<outcome> authorize_role(const environment& env, const std::string& iam_role, std::string& role_arn) {
    role_arn = iam_role == "default" ? env.default_iam_role : iam_role;
    if (role_arn.empty()) return failure("No default IAM role is associated with this workgroup; name the role with IAM_ROLE 'arn:…'");
    if (role_arn.rfind("arn:aws:iam::", 0) != 0 || role_arn.find(":role/") == std::string::npos)
        return failure("Invalid IAM role ARN: " + role_arn);
    if (env.check_role) {
        if (auto denied = env.check_role(role_arn, "sts:AssumeRole", role_arn))
            return failure("User is not authorized to assume IAM Role " + role_arn + " (" + *denied + ")");
    }
    return std::nullopt;
}

std::string s3_error(const std::string& text, int status, const std::string& code) {
    return "S3ServiceException:" + text + ",Status " + std::to_string(status) + ",Error " + code;
}

std::optional<outcome> check_region(const environment& env, const std::string& bucket,
                                    const std::optional<std::string>& region) {
    // Redshift reaches the bucket in the region REGION names, by default its own; S3 answers a
    // request sent to the wrong region with a redirect, which Redshift reports as it is.
    const std::string addressed = region.value_or(env.region);
    auto recorded = env.store ? env.store->bucket_region(bucket) : std::nullopt;
    const std::string actual = recorded.value_or(env.region);
    if (addressed == actual) return std::nullopt;
    if (!region)
        return failure(s3_error("The S3 bucket addressed by the query is in a different region from this cluster.", 301,
                                "PermanentRedirect"));
    return failure(s3_error("The bucket you are attempting to access must be addressed using the specified endpoint "
                            "(the bucket is in " + actual + ", not " + addressed + ")",
                            301, "PermanentRedirect"));
}

}  // namespace localaws::redshift::bulk

#include "tools/shiftsync/commands/s3_errors.hpp"

#include <map>

namespace shiftsync::cli {

std::string s3_action_for(const std::string& operation) {
    static const std::map<std::string, std::string> actions{
        {"PutObject", "s3:PutObject"},           {"CreateMultipartUpload", "s3:PutObject"},
        {"UploadPart", "s3:PutObject"},          {"CompleteMultipartUpload", "s3:PutObject"},
        {"GetObject", "s3:GetObject"},           {"HeadObject", "s3:GetObject"},
        {"GetObjectAttributes", "s3:GetObjectAttributes"}, {"ListObjectsV2", "s3:ListBucket"},
        {"DeleteObject", "s3:DeleteObject"},     {"DeleteObjects", "s3:DeleteObject"},
        {"AbortMultipartUpload", "s3:AbortMultipartUpload"},
        {"ListMultipartUploads", "s3:ListBucketMultipartUploads"}};
    auto it = actions.find(operation);
    return it == actions.end() ? std::string() : it->second;
}

std::string describe_failure(const boost::system::error_code& ec, const aws::diagnostics& diag) {
    if (diag.code.empty() && diag.http_status == 0)
        return diag.client_note.empty() ? ec.message() : diag.client_note;
    std::string text = diag.to_string();
    std::string action = s3_action_for(diag.operation);
    if (ec == aws::errc::access_denied) {
        if (!action.empty() && text.find(action) == std::string::npos)
            text += ". The credentials in use need " + action + " on that bucket or object";
    } else if (diag.http_status == 403 && diag.code == "Forbidden" && !action.empty()) {
        // S3 answers a HEAD with no body, so a refused HeadObject has no error code to show.
        text += ". A HEAD answer carries no error code: this is AccessDenied unless the request was signed wrong; "
                "the credentials in use need " + action + " on that bucket or object";
    }
    return text;
}

}  // namespace shiftsync::cli

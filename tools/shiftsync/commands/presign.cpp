// `shiftsync presign s3://bucket/key`: prints a presigned URL for one object — GET to fetch it, PUT
// to upload it — signed with the ambient credentials, or the role assumed on top of them, for curl,
// a browser or someone without AWS credentials. The URL is the whole output: it carries the
// signature and any session token, and nothing else is printed with it.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "transfer/s3/s3_url.hpp"

#include "sigv4/signer.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace shiftsync::cli {
namespace {

struct presign_flags {
    connection_flags connection;
    std::string location;
    long long expires_seconds = 3600;  // the AWS CLI's default
    std::string method = "GET";
};

int run_presign(const presign_flags& flags) {
    auto where = transfer::s3::parse_s3_url(flags.location);
    if (!where || where->key.empty()) {
        fmt::print(stderr, "shiftsync presign: an object is s3://BUCKET/KEY, got '{}'\n", flags.location);
        return exit_usage;
    }
    std::string method = flags.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return std::toupper(ch); });

    auto session = s3_session::open(flags.connection, 1);
    if (!session) return exit_usage;
    // With --role-arn this is the AssumeRole call: the URL acts as the assumed role.
    aws::diagnostics diag;
    auto creds = session->run(session->credentials().async_get(diag));
    if (session->interrupted()) return exit_interrupted;
    if (!creds) {
        report("presign", "credentials", creds.error(), diag);
        return exit_failed;
    }

    const aws::service_target& target = session->target();
    auto address = aws::endpoints::address_s3(target.endpoint, where->bucket, where->key);
    const sigv4::header_view host{"Host", address.host_header};
    auto now = sigv4::clock::now();
    // for_s3 signs UNSIGNED-PAYLOAD, as every S3 presigned URL must: the body is not known yet.
    auto options = sigv4::signing_options::for_s3(target.region, now);
    options.expires = std::chrono::seconds(flags.expires_seconds);
    sigv4::signer signer;
    sigv4::signature sig;
    if (signer.presign({method, address.path, {}, std::span(&host, 1)}, (*creds)->creds, options, sig) !=
        sigv4::sign_error::none) {
        fmt::print(stderr, "shiftsync presign: the credentials from {} are empty.\n",
                   session->credentials().describe());
        return exit_failed;
    }

    // A presigned URL works only while the credentials that signed it do: temporary ones end it early.
    if (auto until = (*creds)->expiration; until && *until < now + options.expires) {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(*until - now).count();
        fmt::print(stderr,
                   "shiftsync presign: note: the URL stops working in {} s, when the credentials from {} expire, "
                   "not after --expires {}.\n",
                   left, session->credentials().describe(), flags.expires_seconds);
    }
    fmt::print("{}://{}{}?{}\n", target.endpoint.scheme, address.host_header, address.path, sig.query_to_add);
    return exit_ok;
}

}  // namespace

command_runner add_presign_command(CLI::App& app) {
    auto flags = std::make_shared<presign_flags>();
    auto* cmd = app.add_subcommand("presign", "Print a presigned URL to GET or PUT one S3 object");
    cmd->add_option("location", flags->location, "s3://bucket/key")->required();
    cmd->add_option("--expires", flags->expires_seconds, "Seconds the URL stays valid (1 to 604800, 7 days)")
        ->check(CLI::Range(1LL, 604800LL))
        ->capture_default_str();
    cmd->add_option("--method", flags->method, "GET (download) or PUT (upload)")
        ->check(CLI::IsMember({"GET", "PUT"}, CLI::ignore_case))
        ->capture_default_str();
    flags->connection.add_aws_to(*cmd);
    cmd->footer("The URL carries a signature, and the session token of temporary credentials: share it "
                "like a password. It stops working when those credentials expire.");
    return [flags] { return run_presign(*flags); };
}

}  // namespace shiftsync::cli

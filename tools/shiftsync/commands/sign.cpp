// `shiftsync sign`: signs a raw HTTP request read on stdin and prints, side by side, the canonical
// request, the string to sign and the signed request — what someone chasing a
// SignatureDoesNotMatch compares with the server's error message.

#include "tools/shiftsync/commands/commands.hpp"

#include "sigv4/amz_date.hpp"
#include "sigv4/raw_http.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

namespace shiftsync::cli {
namespace {

struct sign_flags {
    std::string service;
    std::string region;
    std::string time;
    long long presign_seconds = 0;
    bool unsigned_payload = false;
    bool show_token = false;
};

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
    if (what.empty()) return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

int run_sign(const sign_flags& flags) {
    const char* key_id = env("AWS_ACCESS_KEY_ID");
    const char* secret = env("AWS_SECRET_ACCESS_KEY");
    if (!key_id || !secret) {
        fmt::print(stderr,
                   "shiftsync sign: no credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                   "(and AWS_SESSION_TOKEN for temporary credentials).\n");
        return 2;
    }
    sigv4::credentials creds{key_id, secret, env("AWS_SESSION_TOKEN") ? env("AWS_SESSION_TOKEN") : ""};

    sigv4::clock::time_point when = sigv4::clock::now();
    if (!flags.time.empty()) {
        auto parsed = sigv4::parse_amz_date(flags.time);
        if (!parsed) {
            fmt::print(stderr, "shiftsync sign: --time '{}' is not 20150830T123600Z or 2015-08-30T12:36:00Z.\n",
                       flags.time);
            return 2;
        }
        when = *parsed;
    }

    std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::string error;
    auto raw = sigv4::parse_raw_http_request(input, error);
    if (!raw) {
        fmt::print(stderr, "shiftsync sign: stdin is not an HTTP request: {}.\n", error);
        return 2;
    }

    bool s3 = flags.service == "s3";
    auto options = s3 ? sigv4::signing_options::for_s3(flags.region, when)
                      : sigv4::signing_options::for_service(flags.service, flags.region, when);
    // An S3 presigned URL is made before anyone knows the body it will carry: S3 (and botocore,
    // and the library's signer) sign the constant UNSIGNED-PAYLOAD there, never the hash of the
    // empty body read here. Everything else signs the body's hash unless told otherwise.
    const bool presign = flags.presign_seconds != 0;
    std::string body_hash;
    if (flags.unsigned_payload || (s3 && presign)) {
        options.payload_hash = sigv4::unsigned_payload;
    } else {
        body_hash = sigv4::to_hex(sigv4::sha256_of(raw->request.body));
        options.payload_hash = body_hash;
    }

    std::vector<sigv4::header_view> scratch;
    sigv4::signer signer;
    sigv4::signature sig;
    sigv4::sign_error result;
    if (presign) {
        options.expires = std::chrono::seconds(flags.presign_seconds);
        result = signer.presign(raw->request.view(scratch), creds, options, sig);
    } else {
        result = signer.sign(raw->request.view(scratch), creds, options, sig);
    }
    if (result == sigv4::sign_error::bad_expiry) {
        fmt::print(stderr, "shiftsync sign: --presign must be between 1 and 604800 seconds (7 days).\n");
        return 2;
    }

    std::string out = fmt::format("# Canonical request\n{}\n\n# String to sign\n{}\n\n# Signature\n{}\n\n# Signed request\n{}",
                                  sig.canonical_request, sig.string_to_sign, sig.signature_hex,
                                  sigv4::render_signed_request(*raw, sig));
    if (!flags.show_token && !creds.session_token.empty()) {
        // A session token is a credential: keep it off terminals and logs unless asked for.
        std::string hidden = fmt::format("<session token, {} chars: --show-token prints it>", creds.session_token.size());
        replace_all(out, sigv4::uri_encode(creds.session_token), hidden);
        replace_all(out, creds.session_token, hidden);
    }
    fmt::print("{}\n", out);
    return 0;
}

}  // namespace

command_runner add_sign_command(CLI::App& app) {
    auto flags = std::make_shared<sign_flags>();
    auto* cmd = app.add_subcommand("sign", "Sign a raw HTTP request read on stdin with SigV4 and show every step");
    cmd->add_option("--service", flags->service, "Signing name of the service (s3, sts, redshift-data, ...)")->required();
    cmd->add_option("--region", flags->region, "Region (us-east-1, ...)")->required();
    cmd->add_option("--time", flags->time, "Signing time, 20150830T123600Z or ISO 8601 (default: now)");
    cmd->add_option("--presign", flags->presign_seconds, "Make a presigned URL valid for this many seconds");
    cmd->add_flag("--unsigned-payload", flags->unsigned_payload,
                  "Sign with UNSIGNED-PAYLOAD instead of the body hash (S3 presigned URLs always do)");
    cmd->add_flag("--show-token", flags->show_token, "Print the session token instead of hiding it");
    cmd->footer("Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.");
    return [flags] { return run_sign(*flags); };
}

}  // namespace shiftsync::cli

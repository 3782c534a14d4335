// AWS's own SigV4 vectors (aws-c-auth's v4 suite): every case, header and presigned form, must give
// the published canonical request, string to sign, signature and signed request.

#include "sigv4/amz_date.hpp"
#include "sigv4/raw_http.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace shiftsync::sigv4;

namespace {

constexpr int expected_case_count = 38;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path suite_root() {
    const char* env = std::getenv("SHIFTSYNC_SIGV4_SUITE");
    return env && *env ? fs::path(env) : fs::path(SHIFTSYNC_DEFAULT_SIGV4_SUITE);
}

struct suite_case {
    std::string name;
    fs::path dir;
};

std::vector<suite_case> list_cases(const fs::path& root) {
    std::vector<suite_case> cases;
    for (const auto& entry : fs::directory_iterator(root / "v4"))
        if (entry.is_directory() && fs::exists(entry.path() / "request.txt"))
            cases.push_back({entry.path().filename().string(), entry.path()});
    std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return cases;
}

struct case_context {
    credentials creds;
    std::string region, service;
    clock::time_point time;
    bool normalize = true, sign_body = false, omit_session_token = false;
    long long expires = 3600;
};

case_context read_context(const fs::path& dir) {
    auto json = boost::json::parse(read_file(dir / "context.json")).as_object();
    case_context c;
    const auto& cr = json.at("credentials").as_object();
    c.creds.access_key_id = std::string(cr.at("access_key_id").as_string());
    c.creds.secret_access_key = std::string(cr.at("secret_access_key").as_string());
    if (cr.contains("token")) c.creds.session_token = std::string(cr.at("token").as_string());
    c.region = std::string(json.at("region").as_string());
    c.service = std::string(json.at("service").as_string());
    c.time = *parse_amz_date(std::string(json.at("timestamp").as_string()));
    c.normalize = json.at("normalize").as_bool();
    c.sign_body = json.at("sign_body").as_bool();
    if (json.contains("omit_session_token")) c.omit_session_token = json.at("omit_session_token").as_bool();
    if (json.contains("expiration_in_seconds")) c.expires = json.at("expiration_in_seconds").as_int64();
    return c;
}

void check_form(const suite_case& sc, const std::string& form, const raw_http_request& raw, const signature& sig) {
    SCOPED_TRACE(sc.name + " (" + form + " form)");
    EXPECT_EQ(sig.canonical_request, read_file(sc.dir / (form + "-canonical-request.txt")));
    EXPECT_EQ(sig.string_to_sign, read_file(sc.dir / (form + "-string-to-sign.txt")));
    EXPECT_EQ(sig.signature_hex, read_file(sc.dir / (form + "-signature.txt")));
    EXPECT_EQ(render_signed_request(raw, sig), read_file(sc.dir / (form + "-signed-request.txt")));
}

}  // namespace

TEST(AwsSigV4Suite, EveryCaseInBothForms) {
    fs::path root = suite_root();
    if (!fs::exists(root / "v4")) {
        if (std::getenv("SHIFTSYNC_REQUIRE_SIGV4_SUITE"))
            FAIL() << "the AWS SigV4 suite is required but absent at " << root
                   << " (set SHIFTSYNC_SIGV4_SUITE to its folder)";
        GTEST_SKIP() << "AWS SigV4 suite not found at " << root << "; set SHIFTSYNC_SIGV4_SUITE to run it";
    }
    auto cases = list_cases(root);
    ASSERT_GE(static_cast<int>(cases.size()), expected_case_count) << "suite at " << root << " looks incomplete";

    signer s;
    for (const auto& sc : cases) {
        case_context ctx = read_context(sc.dir);
        std::string error;
        auto raw = parse_raw_http_request(read_file(sc.dir / "request.txt"), error);
        ASSERT_TRUE(raw) << sc.name << ": " << error;
        std::string body_hash = to_hex(sha256_of(raw->request.body));

        signing_options opts = signing_options::for_service(ctx.service, ctx.region, ctx.time);
        opts.path = {.normalize = ctx.normalize, .encode = true};
        opts.payload_hash = body_hash;
        opts.add_content_sha256_header = ctx.sign_body;
        opts.sign_session_token = !ctx.omit_session_token;
        opts.expires = std::chrono::seconds(ctx.expires);

        std::vector<header_view> scratch;
        signature header_sig, query_sig;
        ASSERT_EQ(s.sign(raw->request.view(scratch), ctx.creds, opts, header_sig), sign_error::none);
        check_form(sc, "header", *raw, header_sig);
        ASSERT_EQ(s.presign(raw->request.view(scratch), ctx.creds, opts, query_sig), sign_error::none);
        check_form(sc, "query", *raw, query_sig);
    }
    std::cout << "[ suite    ] " << cases.size() << " AWS SigV4 cases checked in header and presigned form\n";
}

// sigv4_batch: signs JSON-lines requests read on stdin, one JSON line out per request.
// Used by the botocore differential test (tests/differential) and the signing benchmark
// (bench/sigv4), so that both run exactly shiftsync's production signing path.
//
// Input line:  {"method","path","query","headers":[[name,value],...],"body_hex","access_key","secret",
//               "token","region","service","time","presign":bool,"expires":int,"unsigned_payload":bool}
// Output line: {"signature","signed_headers","canonical_request"}
// With --bench SECONDS it signs the requests round-robin for that long and prints
// {"signatures":N,"seconds":S,"per_second":R} instead.

#include "sigv4/amz_date.hpp"
#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace shiftsync::sigv4;
namespace json = boost::json;

namespace {

struct batch_request {
    http_request request;
    credentials creds;
    std::string region, service;
    clock::time_point time;
    bool presign = false, unsigned_payload = false;
    long long expires = 3600;
};

std::string hex_decode(std::string_view hex) {
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::string str(const json::object& o, const char* key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

batch_request parse(const std::string& line) {
    auto o = json::parse(line).as_object();
    batch_request b;
    b.request.method = str(o, "method");
    b.request.path = str(o, "path");
    b.request.query = str(o, "query");
    for (const auto& h : o.at("headers").as_array()) {
        const auto& pair = h.as_array();
        b.request.headers.push_back({std::string(pair[0].as_string()), std::string(pair[1].as_string())});
    }
    b.request.body = hex_decode(str(o, "body_hex"));
    b.creds = credentials{str(o, "access_key"), str(o, "secret"), str(o, "token")};
    b.region = str(o, "region");
    b.service = str(o, "service");
    b.time = *parse_amz_date(str(o, "time"));
    if (auto* v = o.if_contains("presign")) b.presign = v->as_bool();
    if (auto* v = o.if_contains("unsigned_payload")) b.unsigned_payload = v->as_bool();
    if (auto* v = o.if_contains("expires")) b.expires = v->as_int64();
    return b;
}

// The production path: hash the body (unless unsigned), then sign. Everything a caller pays for.
sign_error sign_one(signer& s, const batch_request& b, std::vector<header_view>& scratch, std::string& hash,
                    signature& out) {
    bool s3 = b.service == "s3";
    auto opts = s3 ? signing_options::for_s3(b.region, b.time) : signing_options::for_service(b.service, b.region, b.time);
    opts.expires = std::chrono::seconds(b.expires);
    if (b.presign) {
        // Presigned URLs: S3 signs UNSIGNED-PAYLOAD, other services the (empty) body.
        if (!s3) {
            hash.clear();
            append_hex(hash, sha256_of(b.request.body));
            opts.payload_hash = hash;
        }
        return s.presign(b.request.view(scratch), b.creds, opts, out);
    }
    if (b.unsigned_payload) {
        opts.payload_hash = unsigned_payload;
    } else {
        hash.clear();
        append_hex(hash, sha256_of(b.request.body));
        opts.payload_hash = hash;
    }
    return s.sign(b.request.view(scratch), b.creds, opts, out);
}

}  // namespace

int main(int argc, char** argv) {
    double bench_seconds = 0;
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == "--bench" && i + 1 < argc) bench_seconds = std::atof(argv[++i]);

    std::vector<batch_request> requests;
    for (std::string line; std::getline(std::cin, line);)
        if (!line.empty()) requests.push_back(parse(line));

    signer s;
    signature sig;
    std::vector<header_view> scratch;
    std::string hash;
    if (bench_seconds > 0) {
        if (requests.empty()) return 1;
        using steady = std::chrono::steady_clock;
        auto start = steady::now();
        auto deadline = start + std::chrono::duration<double>(bench_seconds);
        std::size_t n = 0;
        while (steady::now() < deadline) {
            for (int k = 0; k < 1000; ++k) sign_one(s, requests[n++ % requests.size()], scratch, hash, sig);
        }
        double secs = std::chrono::duration<double>(steady::now() - start).count();
        std::cout << json::serialize(json::object{{"signatures", n}, {"seconds", secs}, {"per_second", n / secs}})
                  << "\n";
        return 0;
    }
    for (const auto& b : requests) {
        if (sign_one(s, b, scratch, hash, sig) != sign_error::none) {
            std::cout << json::serialize(json::object{{"error", "signing refused"}}) << "\n";
            continue;
        }
        std::cout << json::serialize(json::object{{"signature", sig.signature_hex},
                                                  {"signed_headers", sig.signed_headers},
                                                  {"canonical_request", sig.canonical_request}})
                  << "\n";
    }
    return 0;
}

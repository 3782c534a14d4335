// Signatures per second on one core, signing key cached (as in steady state: one key per
// credentials, day, region and service).
//   BM_SignS3Get        — GET of an object, UNSIGNED-PAYLOAD, session token (assumed role)
//   BM_SignDataApiPost  — Data API ExecuteStatement POST, including hashing its JSON body
//   BM_PresignS3Get     — a presigned GET URL
//   BM_DeriveSigningKey — the uncached cost, for comparison

#include "sigv4/sha256.hpp"
#include "sigv4/signer.hpp"

#include <benchmark/benchmark.h>

using namespace shiftsync::sigv4;

namespace {

const credentials role_creds{"ASIAEXAMPLEEXAMPLE01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             std::string(400, 'T')};  // session tokens run to several hundred bytes
const auto when = *parse_amz_date("20261128T120000Z");

void BM_SignS3Get(benchmark::State& state) {
    std::vector<header_view> headers{{"Host", "unload-example.s3.us-east-1.amazonaws.com"},
                                     {"Range", "bytes=0-8388607"},
                                     {"User-Agent", "shiftsync/0.1"}};
    request_view req{"GET", "/run-0001/orders_0000_part_00.gz", "", headers};
    auto opts = signing_options::for_s3("us-east-1", when);
    signer s;
    signature out;
    for (auto _ : state) {
        s.sign(req, role_creds, opts, out);
        benchmark::DoNotOptimize(out.signature_hex.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignS3Get);

void BM_SignDataApiPost(benchmark::State& state) {
    std::string body = R"({"WorkgroupName":"default-workgroup","Database":"dev","Sql":"select id, name, updated_at from public.orders where updated_at > :cursor","Parameters":[{"name":"cursor","value":"2026-11-01 00:00:00"}]})";
    std::vector<header_view> headers{{"Host", "redshift-data.us-east-1.amazonaws.com"},
                                     {"Content-Type", "application/x-amz-json-1.1"},
                                     {"X-Amz-Target", "RedshiftData.ExecuteStatement"}};
    request_view req{"POST", "/", "", headers};
    auto opts = signing_options::for_service("redshift-data", "us-east-1", when);
    signer s;
    signature out;
    std::string hash;
    for (auto _ : state) {
        hash.clear();
        append_hex(hash, sha256_of(body));
        opts.payload_hash = hash;
        s.sign(req, role_creds, opts, out);
        benchmark::DoNotOptimize(out.signature_hex.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignDataApiPost);

void BM_PresignS3Get(benchmark::State& state) {
    std::vector<header_view> headers{{"Host", "unload-example.s3.us-east-1.amazonaws.com"}};
    request_view req{"GET", "/run-0001/manifest", "", headers};
    auto opts = signing_options::for_s3("us-east-1", when);
    signer s;
    signature out;
    for (auto _ : state) {
        s.presign(req, role_creds, opts, out);
        benchmark::DoNotOptimize(out.signature_hex.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PresignS3Get);

void BM_DeriveSigningKey(benchmark::State& state) {
    for (auto _ : state) {
        auto key = derive_signing_key(role_creds.secret_access_key, "20261128", "us-east-1", "s3");
        benchmark::DoNotOptimize(key.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DeriveSigningKey);

}  // namespace

BENCHMARK_MAIN();

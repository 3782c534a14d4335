#include "engine/metrics/latency_histogram.hpp"
#include "engine/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::engine;
using namespace std::chrono_literals;

TEST(latency_histogram, quantiles_are_within_one_bucket_of_the_truth) {
    latency_histogram h;
    for (int ms = 1; ms <= 1000; ++ms) h.record(std::chrono::milliseconds{ms});
    const auto p50 = std::chrono::duration<double, std::milli>(h.quantile(0.5)).count();
    const auto p99 = std::chrono::duration<double, std::milli>(h.quantile(0.99)).count();
    EXPECT_NEAR(p50, 500, 500 * 0.05);
    EXPECT_NEAR(p99, 990, 990 * 0.05);
    EXPECT_EQ(h.quantile(1.0), 1000ms);
    EXPECT_EQ(h.count(), 1000u);
}

TEST(latency_histogram, empty_and_extreme_values) {
    latency_histogram h;
    EXPECT_EQ(h.quantile(0.5), 0ns);
    h.record(-5ns);
    h.record(std::chrono::hours(10));
    EXPECT_LE(h.quantile(0.0), 1us);  // the first bucket: [0, 1 us]
    EXPECT_EQ(h.quantile(1.0), std::chrono::hours(10));
}

TEST(metrics_registry, aggregates_per_endpoint_and_operation) {
    metrics_registry m;
    request_sample ok{.succeeded = true, .status = 200, .bytes_sent = 10, .bytes_received = 100, .latency = 2ms};
    request_sample retried = ok;
    retried.retries_by_reason[static_cast<std::size_t>(failure_kind::throttling)] = 2;
    request_sample failed{.latency = 30ms};
    failed.retries_by_reason[static_cast<std::size_t>(failure_kind::timeout)] = 1;
    m.record("https://s3:443", "GetObject", ok);
    m.record("https://s3:443", "GetObject", retried);
    m.record("https://s3:443", "PutObject", failed);
    m.record("https://sts:443", "AssumeRole", ok);
    const auto rows = m.snapshot();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].operation, "GetObject");
    EXPECT_EQ(rows[0].requests, 2u);
    EXPECT_EQ(rows[0].retries(), 2u);
    EXPECT_EQ(rows[0].bytes_received, 200u);
    EXPECT_EQ(rows[1].errors, 1u);
    const auto text = m.to_text();
    EXPECT_NE(text.find("https://s3:443 GetObject requests=2 errors=0 retries=2 retries.throttling=2"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("retries.timeout=1"), std::string::npos) << text;
    EXPECT_NE(text.find("AssumeRole"), std::string::npos);
}

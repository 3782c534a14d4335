#include "aws/endpoints/endpoint_resolver.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace shiftsync::aws;
using namespace shiftsync::aws::endpoints;

namespace {

struct fake_env {
    std::map<std::string, std::string> vars;
    env_lookup lookup() const {
        return [this](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

}  // namespace

TEST(Endpoints, RegionalDefaults) {
    fake_env env;
    std::string error;
    auto e = resolve(service::redshift_data, "us-east-1", {.env = env.lookup()}, error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->url(), "https://redshift-data.us-east-1.amazonaws.com");
    EXPECT_FALSE(e->custom);
    EXPECT_EQ(resolve(service::sts, "cn-north-1", {.env = env.lookup()}, error)->host, "sts.cn-north-1.amazonaws.com.cn");
    EXPECT_FALSE(resolve(service::s3, "", {.env = env.lookup()}, error));
    EXPECT_NE(error.find("no region"), std::string::npos);
    EXPECT_FALSE(resolve(service::s3, "us-east-1.evil.com/", {.env = env.lookup()}, error));
}

TEST(Endpoints, OverridePrecedenceAsTheSdksReadIt) {
    std::string error;
    auto config = config::shared_config::parse(
        "[profile local]\nendpoint_url = http://127.0.0.1:1000\nservices = localaws\n"
        "[services localaws]\nredshift_data =\n  endpoint_url = http://127.0.0.1:2000\n",
        "", error);
    ASSERT_TRUE(config) << error;
    const config::profile* local = config->find_profile("local");
    fake_env env;
    endpoint_sources sources{.config = &*config, .profile = local, .env = env.lookup()};

    // 5 and 4: the profile's endpoint_url, and the services section for its service.
    EXPECT_EQ(resolve(service::sts, "us-east-1", sources, error)->url(), "http://127.0.0.1:1000");
    EXPECT_EQ(resolve(service::redshift_data, "us-east-1", sources, error)->url(), "http://127.0.0.1:2000");
    // 3: AWS_ENDPOINT_URL beats the config file.
    env.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:3000";
    EXPECT_EQ(resolve(service::redshift_data, "us-east-1", sources, error)->url(), "http://127.0.0.1:3000");
    // 2: the service's own variable beats the global one.
    env.vars["AWS_ENDPOINT_URL_REDSHIFT_DATA"] = "https://data.example.test:8443/base/";
    auto e = resolve(service::redshift_data, "us-east-1", sources, error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->host, "data.example.test");
    EXPECT_EQ(e->port, 8443);
    EXPECT_EQ(e->base_path, "/base");
    EXPECT_EQ(e->host_header(), "data.example.test:8443");
    EXPECT_TRUE(e->custom);
    // 1: an explicit URL beats everything.
    sources.explicit_url = "http://127.0.0.1:4000";
    EXPECT_EQ(resolve(service::redshift_data, "us-east-1", sources, error)->url(), "http://127.0.0.1:4000");
    // Ignoring configured endpoints leaves the regional one (unless explicit).
    sources.explicit_url.clear();
    env.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
    EXPECT_EQ(resolve(service::redshift_data, "us-east-1", sources, error)->url(),
              "https://redshift-data.us-east-1.amazonaws.com");
}

TEST(Endpoints, BadOverrideUrlsAreNamed) {
    fake_env env;
    env.vars["AWS_ENDPOINT_URL_S3"] = "ftp://files.example";
    std::string error;
    EXPECT_FALSE(resolve(service::s3, "us-east-1", {.env = env.lookup()}, error));
    EXPECT_NE(error.find("AWS_ENDPOINT_URL_S3"), std::string::npos);
}

// Found by the aws_config fuzzer: Boost.URL reads "host:", "host:0" and "host:70000" as port 0,
// which was used as it was; and user info was dropped, leaving a URL that read as another host.
TEST(Endpoints, OverrideUrlsNeedAPortToConnectToAndNoUserInfo) {
    std::string error;
    for (const char* url : {"http://127.0.0.1:0", "http://127.0.0.1:", "http://127.0.0.1:70000/"}) {
        EXPECT_FALSE(resolve(service::s3, "us-east-1", {.explicit_url = url}, error)) << url;
        EXPECT_NE(error.find("not a number from 1 to 65535"), std::string::npos) << error;
    }
    EXPECT_FALSE(resolve(service::s3, "us-east-1", {.explicit_url = "https://use@r@host/"}, error));
    EXPECT_NE(error.find("user info"), std::string::npos) << error;
    EXPECT_EQ(resolve(service::s3, "us-east-1", {.explicit_url = "http://127.0.0.1:65535/"}, error)->port, 65535);
}

// Found by the aws_config fuzzer in the make fuzz run: Boost.URL reads "host:80s3/p" as port 80
// and the path "s3/p" (no '/'), which became the requests' path prefix.
TEST(Endpoints, OverrideUrlsWithAPortRunningIntoThePathAreRefused) {
    std::string error;
    EXPECT_FALSE(resolve(service::s3, "us-east-1", {.explicit_url = "http://127.0.0.1:80s3/creds"}, error));
    EXPECT_NE(error.find("is not an http:// or https:// URL"), std::string::npos) << error;
    EXPECT_EQ(resolve(service::s3, "us-east-1", {.explicit_url = "http://127.0.0.1:80/s3"}, error)->base_path, "/s3");
}

TEST(Endpoints, S3AddressingVirtualHostedOrPathStyle) {
    fake_env env;
    std::string error;
    auto aws = *resolve(service::s3, "us-east-1", {.env = env.lookup()}, error);
    auto vh = address_s3(aws, "unload-example", "run 1/part_00.gz");
    EXPECT_EQ(vh.host_header, "unload-example.s3.us-east-1.amazonaws.com");
    EXPECT_EQ(vh.path, "/run%201/part_00.gz");
    auto dotted = address_s3(aws, "my.bucket", "k");
    EXPECT_EQ(dotted.host_header, "s3.us-east-1.amazonaws.com");
    EXPECT_EQ(dotted.path, "/my.bucket/k");
    auto bucket_only = address_s3(aws, "unload-example", "");
    EXPECT_EQ(bucket_only.path, "/");
    auto local = *resolve(service::s3, "us-east-1", {.explicit_url = "http://127.0.0.1:9000", .env = env.lookup()}, error);
    auto ps = address_s3(local, "unload-example", "a/b~c");
    EXPECT_EQ(ps.host_header, "127.0.0.1:9000");
    EXPECT_EQ(ps.path, "/unload-example/a/b~c");
}

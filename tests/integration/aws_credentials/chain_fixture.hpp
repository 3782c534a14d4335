#pragma once
// What the credential chain suites share: one localaws per suite (with a config of the suite's own,
// or its default one), a fresh directory per test for the config and credentials files the chain
// reads, an injected environment (the process's is never touched), and GetCallerIdentity as the
// proof of which identity the chain's credentials carry. One fixture per test binary: the suite's
// localaws and directory are static members of this class.

#include "aws/credentials/chain.hpp"
#include "aws/sts/sts_client.hpp"
#include "localaws_process.hpp"
#include "tests/support/run_until_done.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace shiftsync::testing {

// localaws's default config (tools/localaws/config/default.json), for suites that extend it.
inline std::string default_localaws_config() {
    std::ifstream in(SHIFTSYNC_SOURCE_DIR "/tools/localaws/config/default.json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class chain_fixture : public ::testing::Test {
protected:
    // From SetUpTestSuite: a suite directory named `dir_prefix` + pid, and localaws started with
    // `config` (written there) or, when empty, with its default config.
    static void start_localaws(const std::string& dir_prefix, const std::string& config = {}) {
        suite_dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                               (dir_prefix + std::to_string(::getpid())));
        std::filesystem::create_directories(*suite_dir_);
        std::vector<std::string> args;
        if (!config.empty()) {
            std::ofstream(*suite_dir_ / "localaws.json") << config;
            args = {"--config", (*suite_dir_ / "localaws.json").string()};
        }
        aws_ = new localaws::testing::localaws_process(LOCALAWS_BIN, std::move(args));
    }
    static void TearDownTestSuite() {
        delete aws_;
        aws_ = nullptr;
        if (suite_dir_) std::filesystem::remove_all(*suite_dir_);
        delete suite_dir_;
        suite_dir_ = nullptr;
    }

    // The test's own directory; the chain's config and credentials files point into it (they need
    // not exist: the chain then finds nothing there).
    void SetUp() override {
        home = *suite_dir_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::filesystem::create_directories(home);
        env["AWS_CONFIG_FILE"] = (home / "config").string();
        env["AWS_SHARED_CREDENTIALS_FILE"] = (home / "credentials").string();
    }

    void write(const std::string& name, const std::string& text) { std::ofstream(home / name) << text; }

    aws::chain_settings settings(std::string profile = {}) {
        aws::chain_settings s;
        s.profile = std::move(profile);
        s.region = localaws::testing::region;
        s.sts_endpoint_sources.explicit_url = aws_->endpoint();
        s.env = [this](const char* name) -> const char* {
            auto it = env.find(name);
            return it == env.end() ? nullptr : it->second.c_str();
        };
        return s;
    }

    // Asks STS who the provider's credentials are.
    boost::system::result<aws::sts::caller_identity> who_am_i(
        const std::shared_ptr<aws::credentials_provider>& provider, aws::diagnostics& diag) {
        std::string error;
        auto ep = aws::endpoints::resolve(aws::endpoints::service::sts, "us-east-1", {.explicit_url = aws_->endpoint()},
                                          error);
        aws::service_client service(http, provider,
                                    {aws::endpoints::service::sts, *ep, "us-east-1", aws::wire_protocol::query});
        aws::sts::sts_client sts(service);
        return run_until_done(ctx, sts.async_get_caller_identity(diag));
    }

    // Builds the chain and asks STS who it is.
    boost::system::result<aws::sts::caller_identity> who_am_i(const aws::chain_settings& s, aws::diagnostics& diag) {
        auto provider = aws::make_credentials_chain(http, s, diag);
        if (!provider) return provider.error();
        return who_am_i(*provider, diag);
    }

    inline static localaws::testing::localaws_process* aws_ = nullptr;
    inline static std::filesystem::path* suite_dir_ = nullptr;
    std::filesystem::path home;
    std::map<std::string, std::string> env;
    boost::asio::io_context ctx;
    engine::http::client http{ctx.get_executor()};
};

}  // namespace shiftsync::testing

#include "aws/credentials/credentials_provider.hpp"

#include <cstdlib>

namespace shiftsync::aws {
namespace {

class static_provider final : public credentials_provider {
public:
    static_provider(sigv4::credentials creds, std::string description)
        : creds_(std::make_shared<const timed_credentials>(timed_credentials{std::move(creds), std::nullopt})),
          description_(std::move(description)) {}

    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics&) override { co_return creds_; }
    std::string describe() const override { return description_; }

private:
    credentials_ptr creds_;
    std::string description_;
};

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

class environment_provider final : public credentials_provider {
public:
    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) override {
        const char* key = env("AWS_ACCESS_KEY_ID");
        const char* secret = env("AWS_SECRET_ACCESS_KEY");
        if (!key || !secret) {
            diag.client_note = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
                               "temporary credentials), or choose a profile";
            co_return make_error_code(errc::missing_credentials);
        }
        const char* token = env("AWS_SESSION_TOKEN");
        if (!cached_ || cached_->creds.access_key_id != key || cached_->creds.secret_access_key != secret ||
            cached_->creds.session_token != (token ? token : "")) {
            cached_ = std::make_shared<const timed_credentials>(
                timed_credentials{sigv4::credentials{key, secret, token ? token : ""}, std::nullopt});
        }
        co_return cached_;
    }
    std::string describe() const override { return "environment variables (AWS_ACCESS_KEY_ID)"; }

private:
    credentials_ptr cached_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_static_provider(sigv4::credentials creds, std::string description) {
    return std::make_shared<static_provider>(std::move(creds), std::move(description));
}

std::shared_ptr<credentials_provider> make_environment_provider() { return std::make_shared<environment_provider>(); }

}  // namespace shiftsync::aws

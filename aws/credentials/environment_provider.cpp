#include "aws/credentials/environment_provider.hpp"

#include "aws/credentials/metadata_endpoint.hpp"

namespace shiftsync::aws {
namespace {

class environment_provider final : public credentials_provider {
public:
    explicit environment_provider(std::function<const char*(const char*)> env) : env_(std::move(env)) {}

    boost::asio::awaitable<boost::system::result<credentials_ptr>> async_get(diagnostics& diag) override {
        const char* key = lookup("AWS_ACCESS_KEY_ID");
        const char* secret = lookup("AWS_SECRET_ACCESS_KEY");
        if (!key || !secret) {
            diag.client_note = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
                               "temporary credentials), or choose a profile";
            co_return make_error_code(errc::missing_credentials);
        }
        const char* token = lookup("AWS_SESSION_TOKEN");
        if (!cached_ || cached_->creds.access_key_id != key || cached_->creds.secret_access_key != secret ||
            cached_->creds.session_token != (token ? token : "")) {
            cached_ = std::make_shared<const timed_credentials>(
                timed_credentials{sigv4::credentials{key, secret, token ? token : ""}, std::nullopt});
        }
        co_return cached_;
    }
    std::string describe() const override { return "environment variables (AWS_ACCESS_KEY_ID)"; }

private:
    const char* lookup(const char* name) const { return detail::env_value(env_, name); }

    std::function<const char*(const char*)> env_;
    credentials_ptr cached_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_environment_provider(std::function<const char*(const char*)> env) {
    return std::make_shared<environment_provider>(std::move(env));
}

}  // namespace shiftsync::aws

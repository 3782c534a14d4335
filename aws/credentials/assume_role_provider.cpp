#include "aws/credentials/assume_role_provider.hpp"

namespace shiftsync::aws {
namespace {

class assume_role_provider final : public refreshing_provider {
public:
    assume_role_provider(std::shared_ptr<service_client> sts, assume_role_settings settings)
        : refreshing_provider(std::move(settings.timing)),
          sts_(std::move(sts)),
          role_(std::move(settings.role)),
          account_(account_of_arn(role_.role_arn)) {
        if (role_.role_session_name.empty()) role_.role_session_name = "shiftsync";
    }

    // The role's account: where the assumed session acts, whoever assumes it.
    std::string account_hint() const override { return account_; }

    std::string describe() const override {
        return "assume role " + role_.role_arn + (role_.external_id.empty() ? " (no ExternalId)" : " (ExternalId sent)");
    }

private:
    boost::asio::awaitable<boost::system::result<timed_credentials>> async_fetch(diagnostics& diag) override {
        sts::sts_client client(*sts_);
        const sts::assume_role_request request{role_.role_arn, role_.role_session_name, role_.external_id,
                                               role_.duration};
        auto assumed = co_await client.async_assume_role(request, diag);
        if (!assumed) co_return assumed.error();
        co_return std::move(assumed->credentials);
    }

    std::shared_ptr<service_client> sts_;
    config::assume_role_step role_;
    std::string account_;
};

}  // namespace

std::shared_ptr<credentials_provider> make_assume_role_provider(std::shared_ptr<service_client> sts,
                                                                assume_role_settings settings) {
    return std::make_shared<assume_role_provider>(std::move(sts), std::move(settings));
}

}  // namespace shiftsync::aws

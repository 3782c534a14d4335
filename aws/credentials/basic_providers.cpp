#include "aws/credentials/credentials_provider.hpp"

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

}  // namespace

std::shared_ptr<credentials_provider> make_static_provider(sigv4::credentials creds, std::string description) {
    return std::make_shared<static_provider>(std::move(creds), std::move(description));
}

}  // namespace shiftsync::aws

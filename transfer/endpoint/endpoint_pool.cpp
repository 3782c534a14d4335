#include "transfer/endpoint/endpoint_pool.hpp"

#include "transfer/endpoint/login_failure.hpp"

#include <openssl/x509.h>

namespace shiftsync::transfer::endpoint {

namespace asio = boost::asio;
namespace rs = aws::redshift_serverless;
namespace pg = engine::pg;
using boost::system::result;

connection_lease& connection_lease::operator=(connection_lease&& other) noexcept {
    if (this != &other) {
        if (pool_ && connection_) pool_->give_back(std::move(user_), std::move(connection_));
        pool_ = std::exchange(other.pool_, nullptr);
        connection_ = std::move(other.connection_);
        user_ = std::move(other.user_);
    }
    return *this;
}

connection_lease::~connection_lease() {
    if (pool_ && connection_) pool_->give_back(std::move(user_), std::move(connection_));
}

void endpoint_pool::give_back(std::string user, std::shared_ptr<pg::connection> c) {
    if (!c->is_open() || c->in_flight() != 0) return;  // a broken or busy connection is not reused
    auto& idle = idle_[user];
    if (idle.size() < settings_.max_idle) idle.push_back(std::move(c));
}

asio::awaitable<result<std::shared_ptr<pg::connection>>> endpoint_pool::connect_as(
    const rs::database_credentials& credentials, pg::pg_diagnostics& pg_diag) {
    pg::connect_params params;
    params.connect_timeout = settings_.connect_timeout;
    std::string ca = settings_.ca_file.empty() ? std::string(X509_get_default_cert_file()) : settings_.ca_file;
    params.keywords = {{"host", settings_.address.host},
                       {"port", std::to_string(settings_.address.port)},
                       {"dbname", settings_.database},
                       {"user", credentials.db_user},
                       {"password", credentials.db_password},
                       {"sslmode", settings_.sslmode},
                       {"sslrootcert", ca},
                       {"application_name", "shiftsync"}};
    ++connects_;
    auto connected = co_await pg::connection::async_connect(executor_, std::move(params), pg_diag);
    co_return connected;
}

asio::awaitable<result<connection_lease>> endpoint_pool::async_acquire(aws::diagnostics& diag) {
    for (int attempt = 0;; ++attempt) {
        auto credentials = co_await credentials_.async_current(diag);
        if (!credentials) {
            explain_get_credentials_failure(credentials_.request().workgroup_name, diag);
            co_return credentials.error();
        }
        auto& idle = idle_[credentials->db_user];
        while (!idle.empty()) {
            auto c = std::move(idle.back());
            idle.pop_back();
            if (c->is_open()) co_return connection_lease(this, std::move(c), credentials->db_user);
        }
        pg::pg_diagnostics pg_diag;
        auto connected = co_await connect_as(*credentials, pg_diag);
        if (connected) co_return connection_lease(this, std::move(*connected), credentials->db_user);
        bool refused = is_password_refusal(pg_diag);
        if (refused) {
            ++refused_logins_;
            credentials_.forget(credentials->db_password);
            if (attempt == 0) continue;  // expired or replaced since GetCredentials: once more, fresh
        }
        explain_login_failure(settings_, pg_diag, refused);
        describe_failure(settings_, pg_diag, diag);
        co_return connected.error();
    }
}

void describe_failure(const endpoint_settings& settings, const pg::pg_diagnostics& pg_diag, aws::diagnostics& diag) {
    diag = {};
    diag.service = "endpoint";
    diag.operation = settings.address.to_string();
    diag.code = pg_diag.sqlstate;
    diag.message = pg_diag.message;
    if (!pg_diag.detail.empty()) diag.message += " (detail: " + pg_diag.detail + ")";
    if (!pg_diag.hint.empty()) diag.message += " (hint: " + pg_diag.hint + ")";
    diag.client_note = pg_diag.client_note;
}

}  // namespace shiftsync::transfer::endpoint

#include "tools/shiftsync/commands/catalog_source.hpp"

#include "tools/shiftsync/connection/endpoint_session.hpp"
#include "transfer/endpoint/catalog.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace shiftsync::cli {
namespace {

namespace asio = boost::asio;
namespace rd = aws::redshift_data;
namespace ep = transfer::endpoint;
namespace pg = engine::pg;

// The Data API's catalog calls, paged by the client.
class data_api_source final : public catalog_source {
public:
    explicit data_api_source(std::unique_ptr<connection> conn) : conn_(std::move(conn)) {}

    std::optional<std::vector<std::string>> databases() override {
        const auto& flags = conn_->flags();
        return answer("ListDatabases", conn_->run(conn_->data().async_list_databases(flags.database, flags.workgroup,
                                                                                     diag_)));
    }
    std::optional<std::vector<std::string>> schemas(const std::string& database,
                                                    const std::string& schema_pattern) override {
        return answer("ListSchemas in " + database,
                      conn_->run(conn_->data().async_list_schemas(database, workgroup(), schema_pattern, diag_)));
    }
    std::optional<std::vector<rd::table_entry>> tables(const std::string& database, const std::string& schema_pattern,
                                                       const std::string& table_pattern) override {
        return answer("ListTables in " + database + "." + schema_pattern,
                      conn_->run(conn_->data().async_list_tables(database, workgroup(), schema_pattern, table_pattern,
                                                                 diag_)));
    }
    std::optional<std::vector<rd::column_metadata>> columns(const std::string& database, const std::string& schema,
                                                            const std::string& table) override {
        return answer("DescribeTable " + schema + "." + table,
                      conn_->run(conn_->data().async_describe_table(database, workgroup(), schema, table, diag_)));
    }

private:
    const std::string& workgroup() const { return conn_->flags().workgroup; }

    template <class T>
    std::optional<T> answer(const std::string& what, boost::system::result<T> got) {
        if (got) return std::move(*got);
        report("discover", what, got.error(), diag_);
        return std::nullopt;
    }

    std::unique_ptr<connection> conn_;
    aws::diagnostics diag_;
};

// What went wrong on the endpoint: the login (GetCredentials, connecting) or the statement.
struct endpoint_failure {
    aws::diagnostics diag;     // a failed GetCredentials or login
    pg::pg_diagnostics pg_diag;  // a failed statement, or a row that did not convert
};

// One catalog call on a connection leased from `pool`. `call` returns the catalog awaitable for a
// connection (it is a plain lambda, not a coroutine: what it captures is copied into that
// awaitable's parameters before it returns).
template <class T, class Call>
asio::awaitable<boost::system::result<T>> on_lease(ep::endpoint_pool& pool, Call call, endpoint_failure& failure) {
    auto lease = co_await pool.async_acquire(failure.diag);
    if (!lease) co_return lease.error();
    co_return co_await call(**lease, failure.pg_diag);
}

class endpoint_source final : public catalog_source {
public:
    endpoint_source(std::unique_ptr<connection> conn, std::unique_ptr<endpoint_session> session)
        : conn_(std::move(conn)), session_(std::move(session)) {}

    std::optional<std::vector<std::string>> databases() override {
        auto call = [](pg::connection& c, pg::pg_diagnostics& d) { return ep::async_list_databases(c, d); };
        return run<std::vector<std::string>>(session_->pool(), "ListDatabases", call);
    }
    std::optional<std::vector<std::string>> schemas(const std::string& database,
                                                    const std::string& schema_pattern) override {
        auto call = [schema_pattern](pg::connection& c, pg::pg_diagnostics& d) {
            return ep::async_list_schemas(c, schema_pattern, d);
        };
        return run<std::vector<std::string>>(session_->pool_for(database), "ListSchemas in " + database, call);
    }
    std::optional<std::vector<rd::table_entry>> tables(const std::string& database, const std::string& schema_pattern,
                                                       const std::string& table_pattern) override {
        auto call = [schema_pattern, table_pattern](pg::connection& c, pg::pg_diagnostics& d) {
            return ep::async_list_tables(c, schema_pattern, table_pattern, d);
        };
        return run<std::vector<rd::table_entry>>(session_->pool_for(database),
                                                 "ListTables in " + database + "." + schema_pattern, call);
    }
    std::optional<std::vector<rd::column_metadata>> columns(const std::string& database, const std::string& schema,
                                                            const std::string& table) override {
        auto call = [schema, table](pg::connection& c, pg::pg_diagnostics& d) {
            return ep::async_describe_table(c, schema, table, d);
        };
        return run<std::vector<rd::column_metadata>>(session_->pool_for(database),
                                                     "DescribeTable " + schema + "." + table, call);
    }

private:
    template <class T, class Call>
    std::optional<T> run(ep::endpoint_pool& pool, const std::string& what, Call call) {
        endpoint_failure failure;
        auto got = conn_->run(on_lease<T>(pool, std::move(call), failure));
        if (got) return std::move(*got);
        if (!failure.diag.service.empty() || !failure.diag.code.empty()) {
            // The login failed: say which database it was for.
            report("discover", (failure.diag.service == "endpoint" ? "connecting to " : "GetCredentials for ") +
                                   pool.settings().database,
                   got.error(), failure.diag);
            return std::nullopt;
        }
        aws::diagnostics diag;
        ep::describe_failure(pool.settings(), failure.pg_diag, diag);
        report("discover", what, got.error(), diag);
        return std::nullopt;
    }

    std::unique_ptr<connection> conn_;
    std::unique_ptr<endpoint_session> session_;  // its pools run on conn_'s context: destroyed first
};

}  // namespace

std::unique_ptr<catalog_source> open_catalog_source(const connection_flags& flags, int& exit_code) {
    exit_code = 2;
    auto conn = connection::open(flags);
    if (!conn) return nullptr;
    if (!flags.uses_endpoint()) return std::make_unique<data_api_source>(std::move(conn));
    bool usage_error = false;
    auto session = endpoint_session::open(*conn, usage_error);
    if (!session) {
        exit_code = usage_error ? 2 : 1;
        return nullptr;
    }
    return std::make_unique<endpoint_source>(std::move(conn), std::move(session));
}

}  // namespace shiftsync::cli

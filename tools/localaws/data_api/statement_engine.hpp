#pragma once
// The Redshift Data API behind localaws: statements run asynchronously on a bounded pool of worker
// threads against PostgreSQL, and every operation of botocore's `redshift-data` model returns the
// response body as a Boost.JSON object (GetStatementResult(V2) also as serialized text, which is
// what the server sends), or an api_error for the server to send as a JSON 1.1 error.
//
// Threading: every public member function is thread-safe. ExecuteStatement, BatchExecuteStatement,
// DescribeStatement, CancelStatement and ListStatements only touch memory (and CancelStatement sends
// one cancel request over the private socket): microseconds to a millisecond. GetStatementResult(V2)
// builds up to ~1 MB of JSON per page, and ListDatabases/ListSchemas/ListTables/DescribeTable run
// SQL synchronously — so the server must call all of them from a blocking-work thread pool, never
// from its network (io_context) thread.
//
// Lifetimes: the cluster and the identity provisioner must outlive the engine. The destructor
// cancels running statements, closes sessions and joins its threads.
//
// Limits, as AWS's: 200 active statements per workgroup (ActiveStatementsExceededException),
// 100 KB of SQL per statement, 100 MB per result (the statement FAILS), results kept 24 hours,
// 40 SQLs per batch, 500 sessions (ActiveSessionsExceededException).

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/localaws/data_api/api_error.hpp"
#include "tools/localaws/data_api/connection_pool.hpp"
#include "tools/localaws/data_api/requests.hpp"
#include "tools/localaws/data_api/statement_record.hpp"
#include "tools/localaws/data_api/statement_runner.hpp"

namespace localaws::data_api {

// Runs statements the dialect layer handles itself (UNLOAD, COPY … FROM 's3://…'): returns nullopt
// for ordinary SQL; `cancelled` tells whether the statement has been cancelled meanwhile (see
// statement_runner.hpp). `rewrite` maps Redshift-only syntax to PostgreSQL's. Both optional.
struct dialect_hooks {
    std::function<std::optional<run_outcome>(redshift::pg::connection&, const std::string& sql, const caller&,
                                             const cancel_probe& cancelled)>
        run_special;
    std::function<std::string(const std::string& sql)> rewrite;
};

struct engine_options {
    std::vector<std::string> workgroups{"default-workgroup"};
    std::size_t workers = 8;
    std::size_t max_active_statements_per_workgroup = 200;
    std::size_t max_sql_bytes = 100 * 1024;
    std::uint64_t max_result_bytes = 100ull * 1024 * 1024;
    std::size_t result_page_bytes = 1024 * 1024;
    std::size_t max_sessions = 500;
    std::chrono::seconds result_retention{24 * 3600};
    dialect_hooks dialect;
    // Test hook: how long a statement waits between STARTED and sending its SQL (read once per
    // statement; unset or zero: no wait). A cancel ends the wait at once, so a test can land a
    // CancelStatement exactly in the window where PostgreSQL has nothing to cancel yet.
    std::function<std::chrono::milliseconds()> hold_after_started;
};

class statement_engine {
public:
    statement_engine(const redshift::pg::cluster& cluster, redshift::identity_provisioner& identities,
                     engine_options options = {});
    ~statement_engine();
    statement_engine(const statement_engine&) = delete;
    statement_engine& operator=(const statement_engine&) = delete;

    result<boost::json::object> execute_statement(const caller& who, const execute_input& in);
    result<boost::json::object> batch_execute_statement(const caller& who, const execute_input& in);
    result<boost::json::object> describe_statement(const caller& who, const std::string& id);
    // GetStatementResult(V2)'s response body, serialized: what the server sends. A page (~1 MB) is
    // written as text directly rather than built as boost::json values.
    result<std::string> get_statement_result_body(const caller& who, const std::string& id,
                                                  const std::optional<std::string>& next_token);
    result<std::string> get_statement_result_v2_body(const caller& who, const std::string& id,
                                                     const std::optional<std::string>& next_token);
    // The same bodies parsed back into values, for in-process callers such as tests. Boost.JSON
    // 1.81's parser may read a 17-digit doubleValue one bit off (it has no precise mode); compare
    // such values in the body's text, not here.
    result<boost::json::object> get_statement_result(const caller& who, const std::string& id,
                                                     const std::optional<std::string>& next_token);
    result<boost::json::object> get_statement_result_v2(const caller& who, const std::string& id,
                                                        const std::optional<std::string>& next_token);
    result<boost::json::object> cancel_statement(const caller& who, const std::string& id);
    result<boost::json::object> list_statements(const caller& who, const list_statements_input& in);
    result<boost::json::object> list_databases(const caller& who, const catalog_input& in);
    result<boost::json::object> list_schemas(const caller& who, const catalog_input& in);
    result<boost::json::object> list_tables(const caller& who, const catalog_input& in);
    result<boost::json::object> describe_table(const caller& who, const catalog_input& in);

private:
    struct session {
        std::string id;
        std::string db_user;
        std::string database;
        std::string workgroup;
        std::unique_ptr<redshift::pg::connection> conn;  // opened by the first statement
        std::chrono::seconds keep_alive{0};
        // The statement running or last run. The session is busy until it is final, and expires
        // keep_alive after it became final. (No separate flag: a client that sees FINISHED may
        // send the next statement at once, before the worker has tidied up.)
        std::shared_ptr<statement_record> current;
        bool busy() const { return current && !is_final(current->status); }
        bool expired(clock::time_point now) const {
            return !busy() && (current ? current->updated_at : created_at) + keep_alive <= now;
        }
        clock::time_point created_at = clock::now();
    };
    struct job {
        std::shared_ptr<statement_record> record;
        std::vector<bound_sql> sqls;  // one per statement (batch: one per sub-statement)
        std::shared_ptr<session> sess;
        caller who;
    };

    result<boost::json::object> submit(const caller& who, const execute_input& in, bool batch);
    std::optional<api_error> check_target(const execute_input& in) const;
    std::optional<api_error> check_catalog_target(const catalog_input& in) const;
    std::shared_ptr<statement_record> find_locked(const caller& who, const std::string& id) const;
    result<std::shared_ptr<const result_set>> finished_result(const caller& who, const std::string& id,
                                                              const char* wanted_format);
    result<std::vector<std::vector<std::string>>> catalog_query(const caller& who, const std::string& database,
                                                                const std::string& sql,
                                                                const std::vector<std::string>& params);
    std::string new_id();

    void worker_loop();
    void housekeeping_loop();
    void run_job(job& j);
    void hold_after_started(const statement_record& r);
    void run_statements(job& j, redshift::pg::connection& conn);
    run_outcome run_one(redshift::pg::connection& conn, const bound_sql& sql, const caller& who,
                        const cancel_probe& cancelled);
    run_outcome run_pieces(redshift::pg::connection& conn, const std::vector<std::string>& pieces, const caller& who,
                           const cancel_probe& cancelled);
    void finish_locked(statement_record& r, const run_outcome& outcome, clock::time_point started);

    const redshift::pg::cluster& cluster_;
    engine_options options_;
    connection_pool pool_;

    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable housekeeping_wake_;
    std::condition_variable cancel_requested_;  // wakes hold_after_started waits
    std::deque<job> queue_;
    std::map<std::string, std::shared_ptr<statement_record>> statements_;  // top-level and sub-statements
    std::map<std::string, std::shared_ptr<session>> sessions_;
    std::map<std::string, std::pair<std::string, clock::time_point>> client_tokens_;  // token key -> id
    std::map<std::string, std::size_t> active_by_workgroup_;
    std::int64_t next_query_id_ = 1000;
    std::mt19937_64 random_{std::random_device{}()};
    bool stopping_ = false;
    std::vector<std::thread> workers_;
    std::thread housekeeper_;
};

}  // namespace localaws::data_api

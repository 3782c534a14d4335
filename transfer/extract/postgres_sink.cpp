// The PostgreSQL table sink (postgres_sink.hpp): the coroutines on the network thread, the libpq
// work (postgres_session) in jobs on the blocking pool.

#include "transfer/extract/postgres_sink.hpp"

#include "engine/error.hpp"
#include "engine/scheduler/async_limiter.hpp"
#include "engine/scheduler/cancellation.hpp"
#include "transfer/extract/postgres_merge.hpp"
#include "transfer/postgres/postgres_copy.hpp"
#include "transfer/postgres/postgres_session.hpp"
#include "transfer/postgres/postgres_types.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <boost/asio/this_coro.hpp>

#include <mutex>
#include <optional>

namespace shiftsync::transfer::extract {

namespace asio = boost::asio;
using boost::system::error_code;
using boost::system::result;
// The libpq pieces (session, connection string, types, COPY text) live in transfer/postgres.
using namespace postgres;

namespace {

// What a job on the pool reports back (a value: async_run wants one).
struct outcome {
    error_code error;
    std::string failure;
};

// The connection, shared by the sink and the jobs that use it: a job may still run after the
// coroutine that awaited it was cancelled, and the sink may be gone by then.
struct shared_session {
    std::mutex mutex;  // one libpq call at a time
    std::optional<postgres_session> session;
};

outcome failed(postgres_session& s, errc code, std::string failure = {}) {
    outcome out{make_error_code(code), failure.empty() ? s.failure() : std::move(failure)};
    s.rollback_and_close();
    return out;
}

const char* const find_table_sql =
    "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2";

// A domain's column is judged by its base type (and the domain's own modifier).
const char* const table_columns_sql =
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), b.typname, "
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, a.attnotnull, "
    "a.atthasdef OR a.attidentity <> '', a.attgenerated <> '' "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
    "WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

std::vector<postgres_column> columns_of(const std::vector<postgres_session::row>& rows) {
    std::vector<postgres_column> out;
    for (const auto& r : rows) {
        postgres_column c;
        c.name = r[0].value_or("");
        c.type = r[1].value_or("");
        c.base_type = r[2].value_or("");
        c.typmod = r[3] ? std::atoi(r[3]->c_str()) : -1;
        c.not_null = r[4] == "t";
        c.has_default = r[5] == "t";
        c.generated = r[6] == "t";
        out.push_back(std::move(c));
    }
    return out;
}

std::string relation_kind(const std::string& relkind) {
    if (relkind == "v") return "a view";
    if (relkind == "m") return "a materialized view";
    if (relkind == "S") return "a sequence";
    if (relkind == "i" || relkind == "I") return "an index";
    if (relkind == "c") return "a composite type";
    return "not a table";
}

// Connect, BEGIN, create or check the table, start the COPY: everything before the first row.
outcome open_table(postgres_session& s, const rows::schema& columns, qualified_name& name, const postgres_sink_options& options) {
    const bool create = options.create_table;
    if (!s.connect()) return failed(s, errc::destination_failed);
    if (!s.exec("BEGIN", "BEGIN")) return failed(s, errc::destination_failed);
    if (name.schema.empty()) {
        auto current = s.query("SELECT current_schema()", {}, "finding the current schema");
        if (!current) return failed(s, errc::destination_failed);
        if (current->empty() || !(*current)[0][0])
            return failed(s, errc::destination_failed,
                          "no schema of the search_path exists at " + s.where() + ": give --to-table SCHEMA.TABLE");
        name.schema = *(*current)[0][0];
    }
    const std::string label = quoted(name);
    auto found = s.query(find_table_sql, {name.schema, name.table}, "looking up " + label);
    if (!found) return failed(s, errc::destination_failed);
    if (found->empty()) {
        if (!create)
            return failed(s, errc::destination_failed, "the table " + label + " does not exist at " + s.where());
        if (!s.exec(create_table_statement(name, columns), "CREATE TABLE " + label))
            return failed(s, errc::destination_failed);
    } else {
        const std::string oid = (*found)[0][0].value_or("");
        const std::string relkind = (*found)[0][1].value_or("");
        if (relkind != "r" && relkind != "p" && relkind != "f")
            return failed(s, errc::destination_exists, label + " exists at " + s.where() + " and is " +
                                                            relation_kind(relkind) + ", not a table");
        // Locked before its columns are read, so they cannot change before the COPY (ROW EXCLUSIVE
        // is COPY's own lock: other writers go on, ALTER TABLE waits).
        if (!s.exec("LOCK TABLE " + label + " IN ROW EXCLUSIVE MODE", "locking " + label))
            return failed(s, errc::destination_failed);
        auto target = s.query(table_columns_sql, {oid}, "reading the columns of " + label);
        if (!target) return failed(s, errc::destination_failed);
        std::string why = check_existing_table(columns, columns_of(*target), label);
        if (!why.empty()) return failed(s, errc::destination_exists, why + " (PostgreSQL at " + s.where() + ")");
    }
    qualified_name copy_into = name;
    if (options.write == postgres_write::replace) {
        if (!s.exec(delete_all_statement(name), "emptying " + label)) return failed(s, errc::destination_failed);
    } else if (options.write == postgres_write::upsert) {
        postgres_merge_spec spec{name, columns, options.keys, options.order_by};
        std::string why = check_merge_spec(spec);
        if (!why.empty()) return failed(s, errc::destination_failed, "cannot upsert into " + label + ": " + why);
        for (const auto& statement : create_stage_statements(spec))
            if (!s.exec(statement, "creating the temp table for the upsert into " + label))
                return failed(s, errc::destination_failed);
        copy_into = postgres_stage_table;
    }
    if (!s.copy_begin(copy_statement(copy_into, columns))) return failed(s, errc::destination_failed);
    return {};
}

// After the COPY: the upsert's merge and the caller's statements, in the same transaction.
outcome finish_transaction(postgres_session& s, const rows::schema& columns, const qualified_name& name,
                           const postgres_sink_options& options, std::uint64_t rows) {
    if (options.write == postgres_write::upsert) {
        postgres_merge_spec spec{name, columns, options.keys, options.order_by};
        for (const auto& statement : merge_statements(spec))
            if (!s.exec(statement, "merging the rows into " + quoted(name))) return failed(s, errc::destination_failed);
    }
    if (options.before_commit)
        for (const auto& statement : options.before_commit(rows))
            if (!s.exec(statement, "the statement before COMMIT")) return failed(s, errc::destination_failed);
    return {};
}

class postgres_sink final : public row_sink {
public:
    postgres_sink(engine::cpu_pool& pool, std::string conninfo, std::string schema, std::string table,
                  postgres_sink_options options)
        : pool_(pool), conninfo_(std::move(conninfo)), name_{std::move(schema), std::move(table)},
          options_(std::move(options)), shared_(std::make_shared<shared_session>()) {}
    // Unfinished and never abandoned: the session's destructor (when the last job lets go of it)
    // closes the connection without waiting, and the server ends the transaction.
    ~postgres_sink() override = default;

    asio::awaitable<result<void>> async_open(const rows::schema& columns, std::size_t) override {
        columns_ = columns;
        auto executor = co_await asio::this_coro::executor;
        turn_.emplace(executor, 1);
        std::string why;
        auto summary = parse_conninfo(conninfo_, why);
        if (!summary) {
            outcome unusable{make_error_code(errc::destination_failed), why};
            co_return fail(std::move(unusable));
        }
        shared_->session.emplace(conninfo_, std::move(*summary), options_.connect_timeout_seconds,
                                 options_.application_name);
        auto resolved = std::make_shared<qualified_name>(name_);
        auto job = [shared = shared_, columns = columns_, resolved, options = options_]() {
            std::lock_guard lock(shared->mutex);
            outcome out = open_table(*shared->session, columns, *resolved, options);
            return out;
        };
        outcome opened = co_await pool_.async_run(std::move(job));
        name_ = *resolved;  // the schema, when the connection's current one was meant
        if (opened.error) co_return fail(std::move(opened));
        opened_ = true;
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_write(std::size_t, std::shared_ptr<rows::row_batch> batch) override {
        if (broken_.error) co_return broken_.error;
        if (!opened_) co_return not_open();
        // Encoding needs no order: batches of many streams are encoded at once on the pool.
        auto encode = [batch, &columns = columns_]() {
            std::string text;
            text.reserve(batch->bytes() + batch->bytes() / 4);
            encode_copy_rows(columns, *batch, text);
            return text;
        };
        std::string text = co_await pool_.async_run(std::move(encode));
        auto turn = co_await turn_->async_acquire(1, engine::priority::bulk);
        if (!turn) co_return turn.error();
        if (broken_.error) co_return broken_.error;  // another batch failed while this one waited
        const std::size_t count = batch->rows();
        const std::size_t size = text.size();
        auto send = [shared = shared_, text = std::move(text)]() {
            std::lock_guard lock(shared->mutex);
            outcome out;
            if (!shared->session->copy_put(text)) out = failed(*shared->session, errc::destination_failed);
            return out;
        };
        outcome sent = co_await pool_.async_run(std::move(send));
        if (sent.error) co_return fail(std::move(sent));
        rows_ += count;
        bytes_ += size;
        co_return result<void>{};
    }

    asio::awaitable<result<void>> async_commit() override {
        if (broken_.error) co_return broken_.error;
        if (!opened_) co_return not_open();
        auto end_copy = [shared = shared_, sent = rows_]() {
            std::lock_guard lock(shared->mutex);
            outcome out = end_and_count(*shared->session, sent);
            return out;
        };
        outcome ended = co_await pool_.async_run(std::move(end_copy));
        if (ended.error) co_return fail(std::move(ended));
        // Ending the COPY may take long (the server checks and stores every row); a Ctrl-C meanwhile
        // must not be followed by a COMMIT: the caller reports nothing written.
        if (co_await engine::is_cancelled()) {
            auto roll_back = [shared = shared_]() {
                std::lock_guard lock(shared->mutex);
                outcome out{make_error_code(engine::errc::cancelled), "cancelled before COMMIT: rolled back"};
                shared->session->rollback_and_close();
                return out;
            };
            outcome cancelled = co_await pool_.async_run(std::move(roll_back));
            co_return fail(std::move(cancelled));
        }
        auto commit = [shared = shared_, columns = columns_, name = name_, options = options_, sent = rows_]() {
            std::lock_guard lock(shared->mutex);
            outcome out = finish_transaction(*shared->session, columns, name, options, sent);
            if (out.error) return out;
            if (!shared->session->commit()) out = failed(*shared->session, errc::destination_failed);
            else shared->session->rollback_and_close();  // nothing left to roll back: closes
            return out;
        };
        outcome done = co_await pool_.async_run(std::move(commit));
        if (done.error) co_return fail(std::move(done));
        committed_ = true;
        co_return result<void>{};
    }

    asio::awaitable<void> async_abandon() override {
        if (committed_ || !shared_->session) co_return;
        // Called on every failure path, Ctrl-C included: without the reset, the co_await below would
        // end at once with operation_aborted in a coroutine that throws when cancelled.
        co_await asio::this_coro::reset_cancellation_state();
        // CopyFail for an unfinished COPY, ROLLBACK, close: the table as it was (and one this sink
        // created gone, its CREATE TABLE being in the transaction). Waits for a job still running.
        auto roll_back = [shared = shared_]() {
            std::lock_guard lock(shared->mutex);
            shared->session->rollback_and_close();
            return true;
        };
        co_await pool_.async_run(std::move(roll_back));
        if (!broken_.error) broken_ = {make_error_code(errc::destination_failed), "the PostgreSQL sink was abandoned"};
    }

private:
    // Ends the COPY and checks that the server stored every row sent, no more, no fewer.
    static outcome end_and_count(postgres_session& s, std::uint64_t sent) {
        auto stored = s.copy_end();
        if (!stored) return failed(s, errc::destination_failed);
        if (*stored != sent)
            return failed(s, errc::verification_failed,
                          "PostgreSQL stored " + std::to_string(*stored) + " rows where " + std::to_string(sent) +
                              " were sent; rolled back (PostgreSQL at " + s.where() + ")");
        return {};
    }

    boost::system::error_code not_open() {
        failure_ = "the PostgreSQL sink was not opened";
        return make_error_code(errc::destination_failed);
    }

    boost::system::error_code fail(outcome out) {
        failure_ = out.failure;
        broken_ = std::move(out);
        return broken_.error;
    }

    engine::cpu_pool& pool_;
    std::string conninfo_;
    qualified_name name_;
    postgres_sink_options options_;
    std::shared_ptr<shared_session> shared_;
    rows::schema columns_;
    std::optional<engine::async_limiter> turn_;  // one batch sent at a time: the COPY is one stream
    outcome broken_;                             // the first failure; later calls repeat it
    bool opened_ = false;
    bool committed_ = false;
};

}  // namespace

std::unique_ptr<row_sink> make_postgres_sink(engine::cpu_pool& blocking_pool, std::string conninfo, std::string schema,
                                             std::string table, postgres_sink_options options) {
    return std::make_unique<postgres_sink>(blocking_pool, std::move(conninfo), std::move(schema), std::move(table),
                                           std::move(options));
}

}  // namespace shiftsync::transfer::extract

// Execution: worker threads take queued statements, run them on a pooled connection (or their
// session's own connection), and publish the outcome; a housekeeping thread expires sessions and
// forgets results after the retention period.
#include "tools/localaws/data_api/statement_engine.hpp"

#include <algorithm>

#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::data_api {
namespace pg = redshift::pg;

namespace {
constexpr const char* query_cancelled_sqlstate = "57014";
}

void statement_engine::worker_loop() {
    for (;;) {
        job j;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            j = std::move(queue_.front());
            queue_.pop_front();
        }
        run_job(j);
    }
}

void statement_engine::housekeeping_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        housekeeping_wake_.wait_for(lock, std::chrono::milliseconds(500));
        const auto now = clock::now();
        std::vector<std::unique_ptr<pg::connection>> to_close;  // closed outside the lock
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (it->second->expired(now)) {
                to_close.push_back(std::move(it->second->conn));  // temp tables go with the connection
                it = sessions_.erase(it);
            } else {
                ++it;
            }
        }
        const auto horizon = now - options_.result_retention;
        for (auto it = statements_.begin(); it != statements_.end();) {
            it = is_final(it->second->status) && it->second->created_at < horizon ? statements_.erase(it) : ++it;
        }
        for (auto it = client_tokens_.begin(); it != client_tokens_.end();)
            it = it->second.second < horizon ? client_tokens_.erase(it) : ++it;
        lock.unlock();
        to_close.clear();
        lock.lock();
    }
}

void statement_engine::finish_locked(statement_record& r, const run_outcome& outcome, clock::time_point started) {
    const auto now = clock::now();
    if (r.id.find(':') == std::string::npos) --active_by_workgroup_[r.workgroup];  // a top-level statement ends
    r.updated_at = now;
    r.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count();
    if (outcome.too_large) {
        r.status = statement_status::failed;
        r.error = "ERROR: Query result exceeds the maximum size of 100 MB allowed by the Data API";
    } else if (!outcome.status.ok) {
        bool cancelled = r.cancel_requested && (outcome.status.sqlstate == query_cancelled_sqlstate ||
                                                outcome.status.sqlstate == "25P02");
        r.status = cancelled ? statement_status::aborted : statement_status::failed;
        r.error = cancelled ? "" : pg::error_text(outcome.status);
    } else {
        r.status = statement_status::finished;
        r.has_result_set = outcome.has_result_set;
        r.result_rows = outcome.result_rows;
        r.result_size = outcome.rows ? static_cast<std::int64_t>(outcome.rows->byte_size()) : -1;
        r.result = outcome.rows;
    }
}

run_outcome statement_engine::run_one(pg::connection& conn, const bound_sql& sql, const caller& who,
                                      const cancel_probe& cancelled) {
    if (cancelled()) {  // UNLOAD and COPY check nothing themselves: never start them once cancelled
        run_outcome out;
        out.status = cancelled_status();
        return out;
    }
    if (options_.dialect.run_special) {
        if (auto special = options_.dialect.run_special(conn, sql.sql, who, cancelled)) return std::move(*special);
        // Several statements in one Sql, one of them an UNLOAD or COPY from S3: PostgreSQL cannot
        // take the text whole, so run the pieces one by one, in one transaction as the simple
        // protocol would (unless the text manages its own), the last result being the answer.
        if (sql.values.empty()) {
            auto pieces = redshift::split_statements(sql.sql);
            if (pieces.size() > 1 && std::any_of(pieces.begin(), pieces.end(), [](const std::string& p) {
                    return redshift::dialect::looks_like_unload(p) || redshift::dialect::looks_like_s3_copy(p);
                }))
                return run_pieces(conn, pieces, who, cancelled);
        }
    }
    const std::string text = options_.dialect.rewrite ? options_.dialect.rewrite(sql.sql) : sql.sql;
    return run_sql(conn, text, sql.values, options_.max_result_bytes, cancelled);
}

run_outcome statement_engine::run_pieces(pg::connection& conn, const std::vector<std::string>& pieces,
                                         const caller& who, const cancel_probe& cancelled) {
    auto is_transaction_control = [](const std::string& p) {
        std::string first = p.substr(0, p.find_first_of(" \t\r\n"));
        for (const char* word : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"})
            if (redshift::iequals(first, word)) return true;
        return false;
    };
    const bool wrap = PQtransactionStatus(conn.native()) == PQTRANS_IDLE &&
                      std::none_of(pieces.begin(), pieces.end(), is_transaction_control);
    if (wrap) run_sql(conn, "BEGIN", {}, 0);
    run_outcome last;
    for (const auto& piece : pieces) {
        last = run_one(conn, bound_sql{piece, {}, {}}, who, cancelled);
        if (!last.status.ok || last.too_large) break;
    }
    if (wrap) run_sql(conn, last.status.ok && !last.too_large ? "COMMIT" : "ROLLBACK", {}, 0);
    return last;
}

void statement_engine::run_statements(job& j, pg::connection& conn) {
    statement_record& r = *j.record;
    const auto started = clock::now();
    // A cancel of a batch (its top-level id) cancels the sub-statement running.
    const cancel_probe cancelled = [this, &r] {
        std::lock_guard lock(mutex_);
        return r.cancel_requested;
    };
    if (!r.is_batch) {
        caller who = j.who;
        {
            std::lock_guard lock(mutex_);
            who.query_id = r.redshift_query_id;
        }
        run_outcome outcome = run_one(conn, j.sqls[0], who, cancelled);
        std::lock_guard lock(mutex_);
        finish_locked(r, outcome, started);
        return;
    }
    // A batch is one transaction: the first failure rolls everything back.
    run_outcome begin = run_sql(conn, "BEGIN", {}, 0);
    run_outcome failure;
    bool failed = !begin.status.ok;
    if (failed) failure = begin;
    for (std::size_t i = 0; i < r.subs.size(); ++i) {
        statement_record& sub = *r.subs[i];
        const auto sub_started = clock::now();
        {
            std::lock_guard lock(mutex_);
            if (failed || r.cancel_requested) {
                sub.status = statement_status::aborted;
                sub.updated_at = sub_started;
                if (!failed) failure.status = cancelled_status();  // the batch ends ABORTED, not FINISHED
                failed = true;
                continue;
            }
            sub.status = statement_status::started;
            sub.updated_at = sub_started;
            sub.redshift_query_id = next_query_id_++;
            sub.redshift_pid = conn.backend_pid();
        }
        caller who = j.who;
        who.query_id = sub.redshift_query_id;  // (read under the lock above: set there)
        run_outcome outcome = run_one(conn, j.sqls[i], who, cancelled);
        std::lock_guard lock(mutex_);
        sub.cancel_requested = r.cancel_requested;
        finish_locked(sub, outcome, sub_started);
        if (sub.status != statement_status::finished) {
            failed = true;
            failure = outcome;
        }
    }
    run_outcome end = run_sql(conn, failed ? "ROLLBACK" : "COMMIT", {}, 0);
    if (!failed && !end.status.ok) {
        failed = true;
        failure = end;
    }
    std::lock_guard lock(mutex_);
    if (failed) {
        finish_locked(r, failure, started);
        if (r.status == statement_status::finished) r.status = statement_status::failed;
    } else {
        --active_by_workgroup_[r.workgroup];
        r.status = statement_status::finished;
        r.updated_at = clock::now();
        r.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(r.updated_at - started).count();
    }
    r.has_result_set = false;
    r.result_rows = -1;
}

void statement_engine::hold_after_started(const statement_record& r) {
    if (!options_.hold_after_started) return;
    const auto hold = options_.hold_after_started();
    if (hold <= std::chrono::milliseconds(0)) return;
    std::unique_lock lock(mutex_);
    cancel_requested_.wait_for(lock, hold, [&] { return r.cancel_requested || stopping_; });
}

void statement_engine::run_job(job& j) {
    statement_record& r = *j.record;
    {
        std::lock_guard lock(mutex_);
        if (r.status == statement_status::aborted) return;  // cancelled while queued
        r.status = statement_status::picked;
        r.updated_at = clock::now();
    }
    std::unique_ptr<pg::connection> owned;
    pg::connection* conn = nullptr;
    std::string error;
    if (j.sess) {
        if (!j.sess->conn || !j.sess->conn->healthy()) j.sess->conn = pool_.acquire(j.who.identity, r.database, error);
        conn = j.sess->conn.get();
    } else {
        owned = pool_.acquire(j.who.identity, r.database, error);
        conn = owned.get();
    }
    // A cancel while the statement was picked (the connection being acquired) has already aborted
    // it and given its active-statement count back: checked and moved on under one lock, or a
    // cancel between a check and the move to `started` would be counted back twice (the count
    // then wraps, and every later ExecuteStatement is refused as over the limit).
    bool cancelled_while_picked = false;
    {
        std::lock_guard lock(mutex_);
        cancelled_while_picked = r.status == statement_status::aborted;
        if (conn && !cancelled_while_picked) {
            r.status = statement_status::started;
            r.updated_at = clock::now();
            r.redshift_query_id = next_query_id_++;
            r.redshift_pid = conn->backend_pid();
            r.cancel = PQgetCancel(conn->native());
        } else if (!cancelled_while_picked) {
            run_outcome outcome;
            outcome.status = pg::connection_failure(error);
            finish_locked(r, outcome, clock::now());
        }
    }
    if (conn && !cancelled_while_picked) {
        hold_after_started(r);
        run_statements(j, *conn);
    }
    {
        std::lock_guard lock(mutex_);
        if (r.cancel) PQfreeCancel(r.cancel);
        r.cancel = nullptr;
    }
    // DISCARD ALL is a round trip: not under the engine's lock (database and user never change).
    if (owned) pool_.release(r.database, r.db_user, std::move(owned));
}

}  // namespace localaws::data_api

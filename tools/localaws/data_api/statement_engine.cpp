// Submission, status, cancellation and listing of statements (memory only; see statement_worker.cpp
// for execution and catalog.cpp for the List*/Describe* operations that query PostgreSQL).
#include "tools/localaws/data_api/statement_engine.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace localaws::data_api {
namespace json = boost::json;

statement_engine::statement_engine(const redshift::pg::cluster& cluster, redshift::identity_provisioner& identities,
                                   engine_options options)
    : cluster_(cluster), options_(std::move(options)), pool_(cluster, identities) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.workers); ++i)
        workers_.emplace_back([this] { worker_loop(); });
    housekeeper_ = std::thread([this] { housekeeping_loop(); });
}

statement_engine::~statement_engine() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& [id, r] : statements_) {
            r->cancel_requested = true;
            char ignored[256];
            if (r->cancel) PQcancel(r->cancel, ignored, sizeof ignored);
        }
    }
    work_ready_.notify_all();
    housekeeping_wake_.notify_all();
    cancel_requested_.notify_all();
    for (auto& t : workers_) t.join();
    housekeeper_.join();
}

std::string statement_engine::new_id() {
    // UUID version 4 text, lower case, as the model's UUID pattern wants.
    std::uint64_t a = random_(), b = random_();
    a = (a & 0xffffffffffff0fffull) | 0x0000000000004000ull;
    b = (b & 0x3fffffffffffffffull) | 0x8000000000000000ull;
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                  static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffull));
    return text;
}

std::optional<api_error> statement_engine::check_target(const execute_input& in) const {
    if (in.cluster_identifier)
        return validation_error("ClusterIdentifier is not supported by localaws: it emulates Redshift Serverless; "
                                "use WorkgroupName");
    if (in.secret_arn) return validation_error("SecretArn is not supported by localaws; use IAM authentication");
    if (in.session_id) {
        if (in.database || in.workgroup_name)
            return validation_error("Database and WorkgroupName cannot be specified together with SessionId");
        return std::nullopt;
    }
    if (in.db_user) return validation_error("DbUser is not supported with WorkgroupName");
    if (!in.workgroup_name) return validation_error("Either WorkgroupName or SessionId must be specified");
    if (!in.database) return validation_error("Database must be specified");
    const auto& w = options_.workgroups;
    if (std::find(w.begin(), w.end(), *in.workgroup_name) == w.end())
        return not_found_error("Workgroup " + *in.workgroup_name + " not found", *in.workgroup_name);
    return std::nullopt;
}

result<json::object> statement_engine::execute_statement(const caller& who, const execute_input& in) {
    if (in.sqls.size() != 1) return validation_error("Sql must be specified");
    return submit(who, in, false);
}

result<json::object> statement_engine::batch_execute_statement(const caller& who, const execute_input& in) {
    if (in.sqls.empty() || in.sqls.size() > 40) return validation_error("Sqls must have between 1 and 40 members");
    return submit(who, in, true);
}

result<json::object> statement_engine::submit(const caller& who, const execute_input& in, bool batch) {
    if (auto e = check_target(in)) return *e;
    std::vector<bound_sql> bound;
    for (const auto& sql : in.sqls) {
        if (sql.empty()) return validation_error("Sql must not be empty");
        if (sql.size() > options_.max_sql_bytes)
            return validation_error("Sql exceeds the maximum length of 100 KB (" + std::to_string(sql.size()) + " bytes)");
        if (in.parameters.empty()) {
            bound.push_back({sql, {}});
            continue;
        }
        auto b = bind_parameters(sql, in.parameters, !batch);
        if (!b) return b.error();
        bound.push_back(std::move(b.value()));
    }
    for (const auto& p : in.parameters) {
        bool used = std::any_of(bound.begin(), bound.end(), [&](const bound_sql& b) {
            return std::find(b.used.begin(), b.used.end(), p.name) != b.used.end();
        });
        if (!used) return validation_error("Parameter " + p.name + " is not used in the SQL");
    }
    if (in.result_format && *in.result_format != "JSON" && *in.result_format != "CSV")
        return validation_error("ResultFormat must be JSON or CSV");
    if (in.session_keep_alive_seconds && (*in.session_keep_alive_seconds < 0 || *in.session_keep_alive_seconds > 86400))
        return validation_error("SessionKeepAliveSeconds must be between 0 and 86400");

    std::lock_guard lock(mutex_);
    if (stopping_) return internal_error("localaws is shutting down");
    const std::string token_key = in.client_token ? who.principal_arn + "\n" + *in.client_token : std::string{};
    if (!token_key.empty()) {
        if (auto t = client_tokens_.find(token_key); t != client_tokens_.end()) {
            if (auto s = statements_.find(t->second.first); s != statements_.end()) {
                const statement_record& r = *s->second;
                json::object out{{"Id", r.id}, {"CreatedAt", epoch_seconds(r.created_at)}, {"Database", r.database},
                                 {"DbUser", r.db_user}, {"WorkgroupName", r.workgroup}};
                if (!r.session_id.empty()) out["SessionId"] = r.session_id;
                return out;
            }
        }
    }
    std::shared_ptr<session> sess;
    if (in.session_id) {
        if (auto s = sessions_.find(*in.session_id); s != sessions_.end()) sess = s->second;
    }
    const std::string workgroup = sess ? sess->workgroup : in.workgroup_name.value_or("");
    std::size_t& active = active_by_workgroup_[workgroup];
    if (active >= options_.max_active_statements_per_workgroup)
        return api_error{"ActiveStatementsExceededException",
                         "The number of active statements exceeds the limit of " +
                             std::to_string(options_.max_active_statements_per_workgroup),
                         {}};
    sess.reset();
    if (in.session_id) {
        auto s = sessions_.find(*in.session_id);
        if (s == sessions_.end() || s->second->db_user != who.identity.db_user)
            return not_found_error("Session " + *in.session_id + " does not exist or has expired", *in.session_id);
        sess = s->second;
        if (sess->busy()) return validation_error("Session " + sess->id + " is busy with another statement");
        if (in.session_keep_alive_seconds) sess->keep_alive = std::chrono::seconds(*in.session_keep_alive_seconds);
    } else if (in.session_keep_alive_seconds && *in.session_keep_alive_seconds > 0) {
        if (sessions_.size() >= options_.max_sessions)
            return api_error{"ActiveSessionsExceededException", "The maximum number of active sessions is exceeded", {}};
        sess = std::make_shared<session>();
        sess->id = new_id();
        sess->db_user = who.identity.db_user;
        sess->database = *in.database;
        sess->workgroup = *in.workgroup_name;
        sess->keep_alive = std::chrono::seconds(*in.session_keep_alive_seconds);
        sessions_[sess->id] = sess;
    }
    ++active;

    auto r = std::make_shared<statement_record>();
    r->id = new_id();
    r->principal_arn = who.principal_arn;
    r->db_user = who.identity.db_user;
    r->database = sess ? sess->database : *in.database;
    r->workgroup = workgroup;
    r->statement_name = in.statement_name.value_or("");
    r->session_id = sess ? sess->id : "";
    r->result_format = in.result_format.value_or("JSON");
    r->parameters = in.parameters;
    r->is_batch = batch;
    r->created_at = r->updated_at = clock::now();
    if (batch) {
        for (std::size_t i = 0; i < in.sqls.size(); ++i) {
            auto sub = std::make_shared<statement_record>(*r);
            sub->is_batch = false;
            sub->id = r->id + ":" + std::to_string(i + 1);
            sub->query_string = in.sqls[i];
            r->subs.push_back(sub);
            statements_[sub->id] = sub;
        }
    } else {
        r->query_string = in.sqls[0];
    }
    statements_[r->id] = r;
    if (sess) sess->current = r;
    if (!token_key.empty()) client_tokens_[token_key] = {r->id, r->created_at};
    queue_.push_back(job{r, std::move(bound), sess, who});
    work_ready_.notify_one();

    json::object out{{"Id", r->id}, {"CreatedAt", epoch_seconds(r->created_at)}, {"Database", r->database},
                     {"DbUser", r->db_user}, {"WorkgroupName", r->workgroup}};
    if (sess) out["SessionId"] = sess->id;
    return out;
}

namespace {

// The model's UUID pattern: [a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d{0,2})?
bool valid_statement_id(const std::string& id) {
    const std::size_t dash[] = {8, 13, 18, 23};
    if (id.size() < 36) return false;
    for (std::size_t i = 0; i < 36; ++i) {
        bool want_dash = std::find(std::begin(dash), std::end(dash), i) != std::end(dash);
        char c = id[i];
        if (want_dash != (c == '-') || (!want_dash && !(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)))))
            return false;
    }
    if (id.size() == 36) return true;
    return id[36] == ':' && id.size() <= 39 && id.find_first_not_of("0123456789", 37) == std::string::npos;
}

}  // namespace

std::shared_ptr<statement_record> statement_engine::find_locked(const caller& who, const std::string& id) const {
    auto it = statements_.find(id);
    if (it == statements_.end() || it->second->db_user != who.identity.db_user) return nullptr;
    return it->second;
}

result<json::object> statement_engine::describe_statement(const caller& who, const std::string& id) {
    if (!valid_statement_id(id)) return validation_error("Id is not a valid statement id: " + id);
    std::lock_guard lock(mutex_);
    auto r = find_locked(who, id);
    if (!r) return not_found_error("Query does not exist.", id);
    return describe_json(*r);
}

result<json::object> statement_engine::cancel_statement(const caller& who, const std::string& id) {
    if (!valid_statement_id(id)) return validation_error("Id is not a valid statement id: " + id);
    std::lock_guard lock(mutex_);
    auto r = find_locked(who, id);
    if (!r) return not_found_error("Query does not exist.", id);
    if (is_final(r->status))
        return validation_error(std::string("Could not cancel a query that is already in ") + to_string(r->status) +
                                " state with ID: " + id);
    r->cancel_requested = true;
    cancel_requested_.notify_all();
    if (r->status == statement_status::started) {
        // The worker frees `cancel` under this same mutex, so the pointer stays valid here.
        char ignored[256];
        if (r->cancel) PQcancel(r->cancel, ignored, sizeof ignored);
    } else {
        r->status = statement_status::aborted;  // still queued: the worker will skip it
        --active_by_workgroup_[r->workgroup];
        r->updated_at = clock::now();
        for (auto& sub : r->subs) {
            sub->status = statement_status::aborted;
            sub->updated_at = r->updated_at;
        }
    }
    return json::object{{"Status", true}};
}

result<json::object> statement_engine::list_statements(const caller& who, const list_statements_input& in) {
    int max = in.max_results.value_or(100);
    if (max < 0 || max > 100) return validation_error("MaxResults must be between 0 and 100");
    if (max == 0) max = 100;
    std::size_t offset = 0;
    if (in.next_token) {
        try {
            offset = std::stoul(in.next_token->substr(in.next_token->rfind('o') + 1));
        } catch (...) {
            return validation_error("Invalid NextToken");
        }
    }
    std::vector<std::shared_ptr<statement_record>> matching;
    std::lock_guard lock(mutex_);
    for (const auto& [id, r] : statements_) {
        if (id.find(':') != std::string::npos) continue;  // sub-statements appear inside their batch
        if (r->db_user != who.identity.db_user) continue;
        if (!in.role_level && r->principal_arn != who.principal_arn) continue;
        if (in.status && *in.status != "ALL" && *in.status != to_string(r->status)) continue;
        if (in.statement_name && r->statement_name.compare(0, in.statement_name->size(), *in.statement_name) != 0)
            continue;
        if (in.database && r->database != *in.database) continue;
        if (in.workgroup_name && r->workgroup != *in.workgroup_name) continue;
        matching.push_back(r);
    }
    std::sort(matching.begin(), matching.end(),
              [](const auto& a, const auto& b) { return a->created_at > b->created_at; });
    json::array statements;
    std::size_t end = std::min(matching.size(), offset + static_cast<std::size_t>(max));
    for (std::size_t i = offset; i < end; ++i) statements.push_back(summary_json(*matching[i]));
    json::object out{{"Statements", std::move(statements)}};
    if (end < matching.size()) out["NextToken"] = "o" + std::to_string(end);
    return out;
}

}  // namespace localaws::data_api

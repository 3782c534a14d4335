#include "tools/localaws/redshift/bulk/copy.hpp"

#include <regex>
#include <set>

#include "tools/localaws/redshift/bulk/codec.hpp"
#include "tools/localaws/redshift/bulk/copy_fields.hpp"
#include "tools/localaws/redshift/bulk/copy_records.hpp"
#include "tools/localaws/redshift/bulk/copy_sources.hpp"

namespace localaws::redshift::bulk {
namespace {

constexpr std::size_t send_chunk = 256 * 1024;

// Column names as PostgreSQL stores them: unquoted identifiers fold to lower case.
std::string stored_name(const std::string& written) {
    if (written.size() >= 2 && written.front() == '"') {
        std::string out;
        for (std::size_t i = 1; i + 1 < written.size(); ++i) {
            out += written[i];
            if (written[i] == '"') ++i;
        }
        return out;
    }
    std::string out = written;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string valid_utf8_or_marked(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
        if (!ok) {
            out += '?';
            continue;
        }
        out.append(s, i, n);
        i += n - 1;
    }
    return out;
}

std::optional<outcome> target_columns(pg::connection& conn, const dialect::copy_command& cmd,
                                      std::vector<target_column>& columns) {
    pg::command_status status;
    auto r = conn.exec_params(
        "SELECT a.attname, a.atttypid, a.atttypmod, format_type(a.atttypid, a.atttypmod), a.attnotnull "
        "FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        {cmd.table}, status);
    if (!status) return failure(status.message, status.sqlstate);
    std::vector<target_column> all;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        all.push_back({PQgetvalue(r.get(), i, 0), static_cast<unsigned>(std::stoul(PQgetvalue(r.get(), i, 1))),
                       std::stoi(PQgetvalue(r.get(), i, 2)), PQgetvalue(r.get(), i, 3),
                       std::string_view(PQgetvalue(r.get(), i, 4)) == "t"});
    }
    if (cmd.columns.empty()) {
        columns = std::move(all);
        return std::nullopt;
    }
    for (const auto& written : cmd.columns) {
        std::string name = stored_name(written);
        auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.name == name; });
        if (it == all.end()) return failure("column \"" + name + "\" of relation \"" + cmd.table + "\" does not exist", "42703");
        columns.push_back(*it);
    }
    return std::nullopt;
}

// One pass over every source: either sending rows to PostgreSQL's COPY, or (locate) finding the
// source of the n-th row sent, after PostgreSQL rejected it.
class copy_pass {
public:
    copy_pass(pg::connection& conn, const dialect::copy_command& cmd, const environment& env,
              const std::vector<dialect::s3_location>& sources, field_converter& converter,
              const std::set<std::pair<std::size_t, std::uint64_t>>& excluded)
        : conn_(conn), cmd_(cmd), env_(env), sources_(sources), converter_(converter), excluded_(excluded) {}

    struct located {
        std::size_t file = 0;
        std::uint64_t line = 0;
        std::string raw;
    };

    // Streams everything; stops early when rejected rows exceed `allowed_errors`.
    // send == false: nothing is sent; stops at row `locate_index` and fills `found`.
    std::optional<std::string> run(bool send, std::uint64_t allowed_errors, std::uint64_t locate_index = 0) {
        send_ = send;
        allowed_ = allowed_errors;
        locate_ = locate_index;
        for (file_ = 0; file_ < sources_.size() && !stopped_; ++file_) {
            if (auto e = read_file(sources_[file_])) return e;
        }
        if (send_ && !buffer_.empty() && !stopped_) return flush();
        return std::nullopt;
    }

    std::vector<load_error> errors;  // rows this pass rejected
    std::uint64_t sent = 0;
    bool too_many_errors = false;
    std::optional<located> found;

private:
    std::optional<std::string> read_file(const dialect::s3_location& at) {
        std::error_code ec;
        auto reader = env_.store->open(at.bucket, at.key, ec);
        if (!reader) return s3_error("The specified key does not exist", 404, "NoSuchKey") + " (" + at.url() + ")";
        auto codec = make_decompressor(cmd_.compress);
        record_splitter splitter(cmd_, column_names());
        std::string chunk(1 << 20, '\0'), plain;
        std::string error;
        auto emit = [&](input_record& r) { return on_record(r, at); };
        for (;;) {
            std::size_t n = reader->read({reinterpret_cast<std::byte*>(chunk.data()), chunk.size()}, ec);
            if (ec) return s3_error("read failed: " + ec.message(), 500, "InternalError");
            if (n == 0) break;
            plain.clear();
            if (!codec->write({chunk.data(), n}, plain, error))
                return "Failed to decompress " + at.url() + ": " + error + " (is the COMPRESSION option right?)";
            if (!splitter.feed(plain, emit)) return send_error_;  // nullopt: stopped on purpose
        }
        if (!codec->finish(error)) return "Failed to decompress " + at.url() + ": " + error;
        if (!splitter.finish(emit)) return send_error_;
        return std::nullopt;
    }

    std::vector<std::string> column_names() const {
        std::vector<std::string> names;
        for (const auto& c : converter_.columns()) names.push_back(c.name);
        return names;
    }

    bool on_record(input_record& r, const dialect::s3_location& at) {
        if (r.line_number <= cmd_.ignore_header) return true;
        if (r.raw.empty() && r.error.empty() && r.fields.size() <= 1 && (r.fields.empty() || r.fields[0].text.empty()))
            return true;  // blank line
        if (excluded_.count({file_, r.line_number})) return true;
        const std::size_t before = buffer_.size();
        if (auto e = converter_.convert(r, buffer_)) {
            const auto& columns = converter_.columns();
            load_error le;
            le.file_name = at.url();
            le.line_number = r.line_number;
            le.column_name = columns.empty() ? "" : columns[std::min(e->column, columns.size() - 1)].name;
            le.column_type = columns.empty() ? "" : columns[std::min(e->column, columns.size() - 1)].type_name;
            le.error_code = e->code;
            le.error_message = e->message;
            le.raw_line = valid_utf8_or_marked(std::string(r.raw));
            if (e->column < r.fields.size()) le.raw_field_value = valid_utf8_or_marked(r.fields[e->column].text);
            errors.push_back(std::move(le));
            if (errors.size() + excluded_.size() > allowed_) {
                too_many_errors = true;
                stopped_ = true;
                return false;
            }
            return true;
        }
        if (!send_) {
            buffer_.resize(before);
            if (sent == locate_) {
                found = located{file_, r.line_number, valid_utf8_or_marked(std::string(r.raw))};
                stopped_ = true;
                return false;
            }
            ++sent;
            return true;
        }
        ++sent;
        if (buffer_.size() >= send_chunk) {
            if (auto e = flush()) {
                send_error_ = *e;
                stopped_ = true;
                return false;
            }
        }
        return true;
    }

    std::optional<std::string> flush() {
        if (PQputCopyData(conn_.native(), buffer_.data(), static_cast<int>(buffer_.size())) != 1)
            return std::string(PQerrorMessage(conn_.native()));
        buffer_.clear();
        return std::nullopt;
    }

    pg::connection& conn_;
    const dialect::copy_command& cmd_;
    const environment& env_;
    const std::vector<dialect::s3_location>& sources_;
    field_converter& converter_;
    const std::set<std::pair<std::size_t, std::uint64_t>>& excluded_;
    std::size_t file_ = 0;
    std::string buffer_;
    bool send_ = true;
    bool stopped_ = false;
    std::uint64_t allowed_ = 0;
    std::uint64_t locate_ = 0;
    std::optional<std::string> send_error_;  // set when PostgreSQL would not take our data
};

std::optional<std::uint64_t> rejected_line(const PGresult* r) {
    const char* context = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : nullptr;
    if (!context) return std::nullopt;
    static const std::regex line(R"(line (\d+))");
    std::cmatch m;
    if (!std::regex_search(context, m, line)) return std::nullopt;
    return std::stoull(m[1].str());
}

}  // namespace

outcome run_copy(pg::connection& conn, const dialect::copy_command& cmd, const environment& env,
                 const copy_context& context) {
    if (!env.store) return failure("COPY needs localaws's S3 store, which is not configured");
    std::string role_arn;
    if (auto denied = authorize_role(env, cmd.iam_role, role_arn)) return *denied;
    if (auto wrong = check_region(env, cmd.region)) return *wrong;
    std::vector<dialect::s3_location> sources;
    if (auto failed = resolve_copy_sources(cmd, env, role_arn, sources)) return *failed;
    std::vector<target_column> columns;
    if (auto failed = target_columns(conn, cmd, columns)) return *failed;
    field_converter converter(cmd, columns);

    std::string column_list;
    for (const auto& c : columns) column_list += (column_list.empty() ? "" : ", ") + pg::quote_identifier(c.name);
    const std::string copy_sql = "COPY " + cmd.table + " (" + column_list + ") FROM STDIN";
    const bool in_transaction = PQtransactionStatus(conn.native()) == PQTRANS_INTRANS;
    const std::string load_failed =
        "Load into table '" + cmd.table + "' failed. Check 'sys_load_error_detail' system table for details.";

    std::set<std::pair<std::size_t, std::uint64_t>> excluded;  // rows PostgreSQL itself rejected
    std::vector<load_error> rejected_by_postgres;
    auto record = [&](const std::vector<load_error>& errors) {
        if (!context.errors) return;
        std::vector<load_error> all = rejected_by_postgres;
        all.insert(all.end(), errors.begin(), errors.end());
        context.errors->record(context.database, context.db_user, conn.backend_pid(), context.query_id, all);
    };
    for (;;) {
        if (in_transaction) conn.run("SAVEPOINT localaws_copy");
        pg::command_status status;
        auto started = conn.exec(copy_sql, status);
        if (!status) return failure(status.message, status.sqlstate);
        if (context.cancelled && context.cancelled()) conn.request_cancel();  // COPY runs: not ignored
        copy_pass pass(conn, cmd, env, sources, converter, excluded);
        auto stream_error = pass.run(true, cmd.max_error);
        const bool abort = stream_error || pass.too_many_errors;
        PQputCopyEnd(conn.native(), abort ? "COPY abandoned by localaws" : nullptr);
        pg::result_ptr result(PQgetResult(conn.native()));
        status = pg::status_of(result.get(), conn.native());
        while (pg::result_ptr extra{PQgetResult(conn.native())}) {
        }
        if (status) {
            if (in_transaction) conn.run("RELEASE SAVEPOINT localaws_copy");
            record(pass.errors);
            return {true, {}, {}, std::atoll(PQcmdTuples(result.get()))};
        }
        if (in_transaction) conn.run("ROLLBACK TO SAVEPOINT localaws_copy");
        // PostgreSQL's own reason (a cancel: 57014, so the statement ends ABORTED) beats the
        // write error it caused on our side.
        if (stream_error) {
            const bool ours = status.sqlstate.empty() || status.message.rfind("COPY from stdin failed", 0) == 0;
            return ours ? failure(*stream_error) : failure(status.message, status.sqlstate);
        }
        if (pass.too_many_errors) {
            record(pass.errors);
            return failure(load_failed);
        }
        // A cancel names the line COPY was at, but it is no row to skip: the load ends (ABORTED).
        // (Checked after our own abandons above, which PostgreSQL reports with the same 57014.)
        if (status.sqlstate == "57014") return failure(status.message, status.sqlstate);
        // PostgreSQL refused a row our checks let through: find it, count it, try again without it.
        auto line = rejected_line(result.get());
        if (!line || *line == 0) return failure(status.message, status.sqlstate);
        copy_pass locate(conn, cmd, env, sources, converter, excluded);
        locate.run(false, UINT64_MAX, *line - 1);
        if (!locate.found) return failure(status.message, status.sqlstate);
        excluded.insert({locate.found->file, locate.found->line});
        load_error le;
        le.file_name = sources[locate.found->file].url();
        le.line_number = locate.found->line;
        le.error_code = 1216;
        le.error_message = status.message;
        le.raw_line = locate.found->raw;
        rejected_by_postgres.push_back(std::move(le));
        if (excluded.size() + pass.errors.size() > cmd.max_error) {
            record(pass.errors);
            return failure(load_failed);
        }
    }
}

}  // namespace localaws::redshift::bulk

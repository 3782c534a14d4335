#include "tools/localaws/redshift/bulk/copy.hpp"

#include <algorithm>
#include <regex>

#include "tools/localaws/redshift/bulk/copy_fields.hpp"
#include "tools/localaws/redshift/bulk/copy_pipeline.hpp"
#include "tools/localaws/redshift/bulk/copy_sources.hpp"
#include "tools/localaws/redshift/bulk/copy_stream.hpp"

namespace localaws::redshift::bulk {
namespace {

// Rows handed to PostgreSQL per PQputCopyData: one call (and one wake-up of the sending thread)
// per megabyte rather than per few rows, and few enough buffers in flight to keep memory small.
constexpr std::size_t send_batch = 1 << 20;
constexpr pipeline_options send_pipeline{.depth = 4};

// Streams every row of `stream` into the COPY … FROM STDIN running on `conn`: the rows are
// produced on a worker thread while this one sends. Returns why sending failed (PostgreSQL's
// connection error) or, else, why reading a source failed.
std::optional<std::string> send_rows(pg::connection& conn, copy_stream& stream, std::uint64_t allowed_errors) {
    std::optional<std::string> read_error, send_error;
    run_pipeline(
        send_pipeline,
        [&](const copy_stream::deliver_fn& deliver) { read_error = stream.encode(allowed_errors, send_batch, deliver); },
        [&](const std::string& rows) {
            if (PQputCopyData(conn.native(), rows.data(), static_cast<int>(rows.size())) == 1) return true;
            send_error = PQerrorMessage(conn.native());
            return false;
        });
    return send_error ? send_error : read_error;
}

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
    if (auto wrong = check_region(env, cmd.from.bucket, cmd.region)) return *wrong;
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

    excluded_rows excluded;  // rows PostgreSQL itself rejected
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
        copy_stream pass(cmd, env, sources, converter, excluded);
        auto stream_error = send_rows(conn, pass, cmd.max_error);
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
        auto found = copy_stream(cmd, env, sources, converter, excluded).locate(*line - 1);
        if (!found) return failure(status.message, status.sqlstate);
        excluded.insert({found->file, found->line});
        load_error le;
        le.file_name = sources[found->file].url();
        le.line_number = found->line;
        le.error_code = 1216;
        le.error_message = status.message;
        le.raw_line = found->raw;
        rejected_by_postgres.push_back(std::move(le));
        if (excluded.size() + pass.errors.size() > cmd.max_error) {
            record(pass.errors);
            return failure(load_failed);
        }
    }
}

}  // namespace localaws::redshift::bulk

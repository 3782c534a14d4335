#include "tools/localaws/redshift/bulk/unload.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <regex>

#include "tools/localaws/redshift/bulk/pg_text.hpp"
#include "tools/localaws/redshift/bulk/unload_files.hpp"

namespace localaws::redshift::bulk {
namespace json = boost::json;
namespace {

std::string strip_trailing_semicolons(std::string query) {
    while (!query.empty() && (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back()))))
        query.pop_back();
    return query;
}

constexpr unsigned bytea_oid = 17;

struct result_column {
    std::string name;
    unsigned type_oid = 0;
};

// The query's columns, from a run of it that returns no row. nullopt when it fails (the COPY then
// fails with PostgreSQL's own error).
std::optional<std::vector<result_column>> describe(pg::connection& conn, const std::string& query) {
    pg::command_status status;
    auto r = conn.exec_params("SELECT * FROM (" + query + ") AS q LIMIT 0", {}, status);
    if (!status) return std::nullopt;
    std::vector<result_column> columns;
    for (int c = 0; c < PQnfields(r.get()); ++c) columns.push_back({PQfname(r.get(), c), PQftype(r.get(), c)});
    return columns;
}

// VARBYTE goes out as Redshift writes it, hex without PostgreSQL's "\x" (in the text format
// PostgreSQL would even double that backslash). The query is wrapped with its columns renamed by
// position, so duplicate or unnamed columns still resolve, and given their names back for HEADER.
std::string with_varbyte_as_hex(const std::string& query, const std::vector<result_column>& columns) {
    std::string select, aliases;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string position = pg::quote_identifier(std::to_string(c + 1));
        if (c) {
            select += ", ";
            aliases += ", ";
        }
        aliases += position;
        select += columns[c].type_oid == bytea_oid ? "pg_catalog.encode(q." + position + ", 'hex')" : "q." + position;
        select += " AS " + pg::quote_identifier(columns[c].name);
    }
    return "SELECT " + select + " FROM (" + query + ") AS q(" + aliases + ")";
}

// The COPY … TO STDOUT that produces the rows: CSV goes out as PostgreSQL writes it; text and
// JSON come in PostgreSQL's text format and are re-encoded the way Redshift writes them.
std::string copy_out_sql(const dialect::unload_command& cmd, std::string query) {
    switch (cmd.format) {
        case dialect::unload_format::csv:
            return "COPY (" + query + ") TO STDOUT WITH (FORMAT csv, DELIMITER " +
                   pg::quote_literal(cmd.delimiter.value_or(",")) + ", NULL " + pg::quote_literal(cmd.null_as.value_or("")) +
                   (cmd.header ? ", HEADER true" : "") + ")";
        case dialect::unload_format::json:
            return "COPY (SELECT row_to_json(q) FROM (" + query + ") AS q) TO STDOUT";
        default:
            return "COPY (" + query + ") TO STDOUT WITH (FORMAT text, NULL E'\\\\N'" + (cmd.header ? ", HEADER true" : "") + ")";
    }
}

// Redshift's delimited text: fields joined by DELIMITER (default '|'), NULL AS (default empty),
// ADDQUOTES wraps values in "…", ESCAPE puts \ before line breaks, the delimiter, \ and quotes.
class text_encoder {
public:
    explicit text_encoder(const dialect::unload_command& cmd)
        : cmd_(cmd), delimiter_(cmd.delimiter.value_or("|")), null_(cmd.null_as.value_or("")) {}
    void encode(std::string_view pg_row, std::string& out) {
        split_pg_text_row(pg_row, fields_);
        for (std::size_t i = 0; i < fields_.size(); ++i) {
            if (i) out += delimiter_;
            if (!fields_[i]) {
                out += null_;
                continue;
            }
            if (cmd_.add_quotes) out += '"';
            for (char c : *fields_[i]) {
                bool special = c == '\n' || c == '\r' || c == '\\' || delimiter_.find(c) != std::string::npos ||
                               (cmd_.add_quotes && (c == '"' || c == '\''));
                if (cmd_.escape && special) out += '\\';
                out += c;
            }
            if (cmd_.add_quotes) out += '"';
        }
        out += '\n';
    }

private:
    const dialect::unload_command& cmd_;
    std::string delimiter_;
    std::string null_;
    std::vector<std::optional<std::string>> fields_;
};

std::optional<outcome> prepare_destination(const dialect::unload_command& cmd, const environment& env,
                                           const std::string& role_arn) {
    auto& store = *env.store;
    if (!store.bucket_exists(cmd.to.bucket))
        return failure(s3_error("The specified bucket does not exist", 404, "NoSuchBucket"));
    const std::string bucket_arn = "arn:aws:s3:::" + cmd.to.bucket;
    if (env.check_role) {
        if (auto denied = env.check_role(role_arn, "s3:PutObject", bucket_arn + "/" + cmd.to.key + "*"))
            return failure(s3_error("Access Denied (" + *denied + ")", 403, "AccessDenied"));
        if (auto denied = env.check_role(role_arn, "s3:ListBucket", bucket_arn))
            return failure(s3_error("Access Denied (" + *denied + ")", 403, "AccessDenied"));
    }
    // Files this UNLOAD would write: <prefix>NNNN_part_NN…, <prefix>NNN…, <prefix>manifest.
    static const std::regex ours(R"(^(\d{4}_part_\d{2}|\d{3})(\..*)?$|^manifest$)");
    for (const auto& object : store.list(cmd.to.bucket, cmd.to.key)) {
        std::string rest = object.key.substr(cmd.to.key.size());
        if (cmd.clean_path) {
            if (env.check_role) {
                if (auto denied = env.check_role(role_arn, "s3:DeleteObject", bucket_arn + "/" + object.key))
                    return failure(s3_error("Access Denied (" + *denied + ")", 403, "AccessDenied"));
            }
            store.remove(cmd.to.bucket, object.key);
        } else if (!cmd.allow_overwrite && std::regex_match(rest, ours)) {
            return failure("Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, "
                           "manually removing the target files in S3, or using the ALLOWOVERWRITE option.");
        }
    }
    return std::nullopt;
}

json::object manifest_of(const dialect::unload_command& cmd, const std::vector<written_file>& files,
                         const std::vector<std::pair<std::string, std::string>>& schema) {
    json::array entries;
    std::uint64_t bytes = 0, records = 0;
    for (const auto& f : files) {
        json::object meta{{"content_length", f.bytes}};
        if (cmd.manifest_verbose) meta["record_count"] = f.records;
        entries.push_back(json::object{{"url", "s3://" + cmd.to.bucket + "/" + f.key}, {"meta", std::move(meta)}});
        bytes += f.bytes;
        records += f.records;
    }
    json::object manifest{{"entries", std::move(entries)}};
    if (cmd.manifest_verbose) {
        json::array elements;
        for (const auto& [name, type] : schema)
            elements.push_back(json::object{{"name", name}, {"type", json::object{{"base", type}}}});
        manifest["schema"] = json::object{{"elements", std::move(elements)}};
        manifest["meta"] = json::object{{"content_length", bytes}, {"record_count", records}};
        manifest["author"] = json::object{{"name", "Amazon Redshift"}, {"version", "1.0.0"}};
    }
    return manifest;
}

std::vector<std::pair<std::string, std::string>> schema_of(pg::connection& conn, const std::vector<result_column>& columns) {
    std::vector<std::pair<std::string, std::string>> schema;
    pg::command_status status;
    for (const auto& column : columns) {
        if (column.type_oid == bytea_oid) {
            schema.emplace_back(column.name, "varbyte");
            continue;
        }
        auto t = conn.exec_params("SELECT format_type($1, NULL)", {std::to_string(column.type_oid)}, status);
        schema.emplace_back(column.name, status && PQntuples(t.get()) ? PQgetvalue(t.get(), 0, 0) : "unknown");
    }
    return schema;
}

}  // namespace

outcome run_unload(pg::connection& conn, const dialect::unload_command& cmd, const environment& env,
                   const cancel_check& cancelled) {
    if (!env.store) return failure("UNLOAD needs localaws's S3 store, which is not configured");
    std::string role_arn;
    if (auto denied = authorize_role(env, cmd.iam_role, role_arn)) return *denied;
    if (auto wrong = check_region(env, cmd.to.bucket, cmd.region)) return *wrong;
    if (auto failed = prepare_destination(cmd, env, role_arn)) return *failed;

    std::string query = strip_trailing_semicolons(cmd.query);
    const auto columns = describe(conn, query);
    const bool has_varbyte = columns && std::any_of(columns->begin(), columns->end(),
                                                    [](const result_column& c) { return c.type_oid == bytea_oid; });
    // Redshift: "You can only unload VARBYTE columns to text or CSV format" (r_UNLOAD.html).
    if (has_varbyte && cmd.format == dialect::unload_format::json)
        return failure("UNLOAD of a VARBYTE column is only supported to text or CSV format", "0A000");
    if (has_varbyte) query = with_varbyte_as_hex(query, *columns);
    auto schema = cmd.manifest_verbose && columns ? schema_of(conn, *columns) : std::vector<std::pair<std::string, std::string>>{};
    pg::command_status status;
    // The extended protocol runs exactly one statement: a query smuggling "); other statement" fails.
    auto started = conn.exec_params(copy_out_sql(cmd, query), {}, status);
    if (!status) return failure(status.message, status.sqlstate);
    if (cancelled && cancelled()) conn.request_cancel();  // COPY runs: this one is not ignored

    unload_files files(*env.store, cmd, env.slices);
    text_encoder text(cmd);
    std::string encoded;
    std::optional<std::string> write_error;
    std::int64_t rows = 0;
    bool header_pending = cmd.header && cmd.format != dialect::unload_format::json;
    char* buffer = nullptr;
    int length = 0;
    while ((length = PQgetCopyData(conn.native(), &buffer, 0)) > 0) {
        std::string_view row(buffer, static_cast<std::size_t>(length));
        std::string_view out = row;
        if (cmd.format != dialect::unload_format::csv) {
            encoded.clear();
            if (cmd.format == dialect::unload_format::json) {
                std::vector<std::optional<std::string>> fields;
                split_pg_text_row(row.substr(0, row.size() - 1), fields);
                encoded = fields.empty() || !fields[0] ? "{}" : *fields[0];
                encoded += '\n';
            } else {
                text.encode(row.substr(0, row.size() - 1), encoded);
            }
            out = encoded;
        }
        if (header_pending) {
            files.set_header(std::string(out));
            header_pending = false;
        } else if (!write_error) {
            write_error = files.add_row(static_cast<std::size_t>(rows % static_cast<std::int64_t>(files.slices())), out);
            ++rows;
        }
        PQfreemem(buffer);
    }
    pg::result_ptr final_result(PQgetResult(conn.native()));
    status = pg::status_of(final_result.get(), conn.native());
    while (pg::result_ptr extra{PQgetResult(conn.native())}) {
    }
    if (!status) return failure(status.message, status.sqlstate);
    if (write_error) return failure(*write_error);

    std::vector<written_file> written;
    if (auto e = files.commit(written)) return failure(*e);
    if (cmd.manifest) {
        std::string text_manifest = json::serialize(manifest_of(cmd, written, schema));
        std::error_code ec;
        auto writer = env.store->create(cmd.to.bucket, cmd.to.key + "manifest", ec);
        if (!writer || writer->write({reinterpret_cast<const std::byte*>(text_manifest.data()), text_manifest.size()}) ||
            writer->commit())
            return failure(s3_error("could not write the manifest", 500, "InternalError"));
    }
    return {true, {}, {}, rows};
}

}  // namespace localaws::redshift::bulk

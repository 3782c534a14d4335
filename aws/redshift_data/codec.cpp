#include "aws/redshift_data/codec.hpp"

#include "aws/error/aws_error.hpp"
#include "sigv4/amz_date.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>
#include <simdjson.h>

namespace shiftsync::aws::redshift_data {
namespace {

namespace od = simdjson::ondemand;
namespace json = boost::json;

boost::system::error_code malformed() { return make_error_code(errc::malformed_response); }

std::string base64_decode(std::string_view text) {
    std::string out(3 * (text.size() / 4) + 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return {};
    std::size_t size = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
    out.resize(size);
    return out;
}

// Reads a document and hands its top-level object to `fill`; any simdjson error is a malformed
// response.
template <class Fill>
boost::system::error_code with_object(std::string_view text, Fill&& fill) {
    od::parser parser;
    simdjson::padded_string padded(text);
    od::document doc;
    if (parser.iterate(padded).get(doc)) return malformed();
    od::object object;
    if (doc.get_object().get(object)) return malformed();
    try {
        for (auto member : object) {
            std::string_view key = member.unescaped_key().value();
            fill(key, member.value().value());
        }
    } catch (const simdjson::simdjson_error&) {
        return malformed();
    }
    return {};
}

// A string member; null (which some servers send for an absent NextToken) reads as "".
std::string str(od::value v) {
    if (v.is_null()) return {};
    return std::string(std::string_view(v.get_string().value()));
}

// JSON 1.1 timestamps are epoch seconds; some servers send ISO 8601 strings instead. Epoch seconds.
double timestamp(od::value v) {
    if (v.type().value() == od::json_type::number) return v.get_double().value();
    if (v.is_null()) return 0;
    std::string_view text = v.get_string().value();
    auto t = sigv4::parse_amz_date(text.substr(0, text.find_first_of("+.")).size() == 19
                                       ? std::string(text.substr(0, 19)) + "Z"
                                       : std::string(text));
    return t ? std::chrono::duration<double>(t->time_since_epoch()).count() : 0.0;
}

column_metadata parse_column(od::object o) {
    column_metadata c;
    for (auto member : o) {
        std::string_view key = member.unescaped_key().value();
        od::value v = member.value().value();
        if (key == "name") c.name = str(v);
        else if (key == "label") c.label = str(v);
        else if (key == "typeName") c.type_name = str(v);
        else if (key == "schemaName") c.schema_name = str(v);
        else if (key == "tableName") c.table_name = str(v);
        else if (key == "precision") c.precision = static_cast<int>(v.get_int64().value());
        else if (key == "scale") c.scale = static_cast<int>(v.get_int64().value());
        else if (key == "length") c.length = static_cast<int>(v.get_int64().value());
        else if (key == "nullable") {
            // JDBC's 0 (no nulls) / 1 (nullable) / 2 (unknown); some servers send a boolean.
            if (v.type().value() == od::json_type::boolean) c.nullable = v.get_bool().value();
            else c.nullable = v.get_int64().value() != 0;
        }
        else if (key == "isSigned") c.is_signed = v.get_bool().value();
    }
    return c;
}

field parse_field(od::object o) {
    for (auto member : o) {
        std::string_view key = member.unescaped_key().value();
        od::value v = member.value().value();
        if (key == "isNull") return null_value{};
        if (key == "booleanValue") return v.get_bool().value();
        if (key == "longValue") return v.get_int64().value();
        if (key == "doubleValue") return v.get_double().value();
        if (key == "stringValue") return str(v);
        if (key == "blobValue") return blob_value{base64_decode(v.get_string().value())};
    }
    return null_value{};
}

}  // namespace

statement_status parse_status(std::string_view t) {
    if (t == "SUBMITTED") return statement_status::submitted;
    if (t == "PICKED") return statement_status::picked;
    if (t == "STARTED") return statement_status::started;
    if (t == "FINISHED") return statement_status::finished;
    if (t == "FAILED") return statement_status::failed;
    if (t == "ABORTED") return statement_status::aborted;
    if (t == "ALL") return statement_status::all;
    return statement_status::unknown;
}

std::string_view to_string(statement_status s) {
    switch (s) {
        case statement_status::submitted: return "SUBMITTED";
        case statement_status::picked: return "PICKED";
        case statement_status::started: return "STARTED";
        case statement_status::finished: return "FINISHED";
        case statement_status::failed: return "FAILED";
        case statement_status::aborted: return "ABORTED";
        case statement_status::all: return "ALL";
        case statement_status::unknown: break;
    }
    return "UNKNOWN";
}

std::string execute_statement_body(const execute_request& r) {
    json::object o;
    o["Sql"] = r.sql;
    if (r.session_id.empty()) {
        o["Database"] = r.database;
        o["WorkgroupName"] = r.workgroup;
    } else {
        o["SessionId"] = r.session_id;
    }
    if (!r.parameters.empty()) {
        json::array params;
        for (const auto& p : r.parameters) params.push_back(json::object{{"name", p.name}, {"value", p.value}});
        o["Parameters"] = std::move(params);
    }
    if (!r.statement_name.empty()) o["StatementName"] = r.statement_name;
    if (!r.client_token.empty()) o["ClientToken"] = r.client_token;
    if (r.session_keep_alive_seconds) o["SessionKeepAliveSeconds"] = *r.session_keep_alive_seconds;
    return json::serialize(o);
}

std::string id_body(std::string_view id, std::string_view next_token) {
    json::object o{{"Id", id}};
    if (!next_token.empty()) o["NextToken"] = next_token;
    return json::serialize(o);
}

std::string list_body(std::string_view database, std::string_view workgroup, std::string_view next_token,
                      std::string_view schema_pattern, std::string_view table_pattern) {
    json::object o{{"Database", database}, {"WorkgroupName", workgroup}};
    if (!next_token.empty()) o["NextToken"] = next_token;
    if (!schema_pattern.empty()) o["SchemaPattern"] = schema_pattern;
    if (!table_pattern.empty()) o["TablePattern"] = table_pattern;
    return json::serialize(o);
}

std::string describe_table_body(std::string_view database, std::string_view workgroup, std::string_view schema,
                                std::string_view table, std::string_view next_token) {
    json::object o{{"Database", database}, {"WorkgroupName", workgroup}, {"Schema", schema}, {"Table", table}};
    if (!next_token.empty()) o["NextToken"] = next_token;
    return json::serialize(o);
}

boost::system::result<execute_result> parse_execute_statement(std::string_view text) {
    execute_result out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == "Id") out.id = str(v);
        else if (key == "SessionId") out.session_id = str(v);
    });
    if (ec || out.id.empty()) return malformed();
    return out;
}

boost::system::result<statement_description> parse_describe_statement(std::string_view text) {
    statement_description out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == "Id") out.id = str(v);
        else if (key == "Status") out.status = parse_status(v.get_string().value());
        else if (key == "Error") out.error = str(v);
        else if (key == "Duration") out.duration_ns = v.get_int64().value();
        else if (key == "HasResultSet") out.has_result_set = v.get_bool().value();
        else if (key == "ResultRows") out.result_rows = v.get_int64().value();
        else if (key == "ResultSize") out.result_size = v.get_int64().value();
        else if (key == "QueryString") out.query_string = str(v);
        else if (key == "RedshiftQueryId") out.redshift_query_id = v.get_int64().value();
        else if (key == "CreatedAt") out.created_at = timestamp(v);
        else if (key == "UpdatedAt") out.updated_at = timestamp(v);
    });
    if (ec || out.id.empty()) return malformed();
    return out;
}

boost::system::result<result_page> parse_get_statement_result(std::string_view text) {
    result_page out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == "Records") {
            for (auto record : v.get_array()) {
                row r;
                for (auto f : record.get_array()) r.push_back(parse_field(f.get_object()));
                out.rows.push_back(std::move(r));
            }
        } else if (key == "ColumnMetadata") {
            for (auto c : v.get_array()) out.columns.push_back(parse_column(c.get_object()));
        } else if (key == "TotalNumRows") {
            out.total_rows = v.get_int64().value();
        } else if (key == "NextToken") {
            out.next_token = str(v);
        }
    });
    if (ec) return malformed();
    return out;
}

boost::system::result<std::pair<std::vector<std::string>, std::string>> parse_name_list(std::string_view text,
                                                                                     std::string_view member) {
    std::pair<std::vector<std::string>, std::string> out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == member)
            for (auto name : v.get_array()) out.first.push_back(std::string(std::string_view(name.get_string().value())));
        else if (key == "NextToken")
            out.second = str(v);
    });
    if (ec) return malformed();
    return out;
}

boost::system::result<std::pair<std::vector<table_entry>, std::string>> parse_list_tables(std::string_view text) {
    std::pair<std::vector<table_entry>, std::string> out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == "Tables") {
            for (auto t : v.get_array()) {
                table_entry e;
                for (auto m : t.get_object()) {
                    std::string_view k = m.unescaped_key().value();
                    if (k == "name") e.name = str(m.value().value());
                    else if (k == "schema") e.schema = str(m.value().value());
                    else if (k == "type") e.type = str(m.value().value());
                }
                out.first.push_back(std::move(e));
            }
        } else if (key == "NextToken") {
            out.second = str(v);
        }
    });
    if (ec) return malformed();
    return out;
}

boost::system::result<std::pair<std::vector<column_metadata>, std::string>> parse_describe_table(std::string_view text) {
    std::pair<std::vector<column_metadata>, std::string> out;
    auto ec = with_object(text, [&](std::string_view key, od::value v) {
        if (key == "ColumnList")
            for (auto c : v.get_array()) out.first.push_back(parse_column(c.get_object()));
        else if (key == "NextToken")
            out.second = str(v);
    });
    if (ec) return malformed();
    return out;
}

}  // namespace shiftsync::aws::redshift_data

// GetStatementResult (typed records) and GetStatementResultV2 (CSV), paged by the server: each page
// holds about options.result_page_bytes of values; NextToken names the next row. Bodies are written
// as JSON text directly (json_text.hpp), byte for byte what serializing boost::json values gave.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "tools/localaws/data_api/json_text.hpp"
#include "tools/localaws/data_api/statement_engine.hpp"

namespace localaws::data_api {
namespace json = boost::json;
namespace {

// Ends a page's body after its Records: ColumnMetadata, TotalNumRows, ResultFormat (V2 only),
// NextToken when rows remain, and the closing brace.
void end_page(const result_set& set, std::uint64_t next, std::string& out, std::string_view result_format = {}) {
    out += R"(,"ColumnMetadata":)";
    out += json::serialize(set.column_metadata());  // a few objects per page: not worth hand-writing
    out += R"(,"TotalNumRows":)";
    json_text::append_int(out, static_cast<std::int64_t>(set.row_count()));
    if (!result_format.empty()) {
        out += R"(,"ResultFormat":)";
        out += result_format;
    }
    if (next < set.row_count()) {
        out += R"(,"NextToken":"r)";
        json_text::append_int(out, static_cast<std::int64_t>(next));
        out += '"';
    }
    out += '}';
}

// For in-process callers (tests): the body the server sends, as a value.
result<json::object> parsed(result<std::string> body) {
    if (!body) return body.error();
    return json::parse(body.value()).as_object();
}

constexpr const char* no_result = "Query does not have result. Please check query status with DescribeStatement.";

result<std::uint64_t> parse_token(const std::optional<std::string>& token) {
    if (!token) return std::uint64_t{0};
    if (token->size() < 2 || (*token)[0] != 'r' ||
        token->find_first_not_of("0123456789", 1) != std::string::npos || token->size() > 20)
        return validation_error("Invalid NextToken");
    return static_cast<std::uint64_t>(std::stoull(token->substr(1)));
}

}  // namespace

result<std::shared_ptr<const result_set>> statement_engine::finished_result(const caller& who, const std::string& id,
                                                                           const char* wanted_format) {
    std::lock_guard lock(mutex_);
    auto r = find_locked(who, id);  // an invalid id is simply not found here
    if (!r) return not_found_error("Query does not exist.", id);
    if (r->is_batch)
        return validation_error("Use the Id of a sub-statement (" + id + ":<n>) to get a batch statement's result");
    if (r->status != statement_status::finished || !r->has_result_set || !r->result) return validation_error(no_result);
    if (r->result_format != wanted_format)
        return validation_error(std::string("The query result format is ") + r->result_format + "; use " +
                                (r->result_format == "CSV" ? "GetStatementResultV2" : "GetStatementResult"));
    return r->result;
}

// The page is written straight into the body: building it as boost::json values (an object per
// field) and serializing them took ~40 ms per 1 MB page. Members in the order they always had.
result<std::string> statement_engine::get_statement_result_body(const caller& who, const std::string& id,
                                                               const std::optional<std::string>& next_token) {
    auto first = parse_token(next_token);
    if (!first) return first.error();
    auto rows = finished_result(who, id, "JSON");
    if (!rows) return rows.error();
    const result_set& set = *rows.value();
    if (first.value() > set.row_count()) return validation_error("Invalid NextToken");
    // About the page's size (a value plus ~20 bytes of JSON per field, as write_records counts it),
    // so the string seldom grows; a small result does not get a page-sized buffer.
    std::uint64_t fields = (set.row_count() - first.value()) * set.columns().size();
    std::size_t estimate = static_cast<std::size_t>(
        std::min<std::uint64_t>(options_.result_page_bytes, set.byte_size() + 24 * fields));
    std::string out;
    out.reserve(estimate + estimate / 4 + 1024);
    out += R"({"Records":)";
    std::uint64_t next = set.write_records(first.value(), options_.result_page_bytes, out);
    end_page(set, next, out);
    return out;
}

result<std::string> statement_engine::get_statement_result_v2_body(const caller& who, const std::string& id,
                                                                  const std::optional<std::string>& next_token) {
    auto first = parse_token(next_token);
    if (!first) return first.error();
    auto rows = finished_result(who, id, "CSV");
    if (!rows) return rows.error();
    const result_set& set = *rows.value();
    if (first.value() > set.row_count()) return validation_error("Invalid NextToken");
    std::string csv;
    std::uint64_t next = set.csv(first.value(), options_.result_page_bytes, csv);
    std::string out;
    out.reserve(csv.size() + csv.size() / 8 + 4096);
    out += R"({"Records":[{"CSVRecords":)";
    json_text::append_string(out, csv);
    out += "}]";
    end_page(set, next, out, R"("CSV")");
    return out;
}

result<json::object> statement_engine::get_statement_result(const caller& who, const std::string& id,
                                                            const std::optional<std::string>& next_token) {
    return parsed(get_statement_result_body(who, id, next_token));
}

result<json::object> statement_engine::get_statement_result_v2(const caller& who, const std::string& id,
                                                               const std::optional<std::string>& next_token) {
    return parsed(get_statement_result_v2_body(who, id, next_token));
}

}  // namespace localaws::data_api

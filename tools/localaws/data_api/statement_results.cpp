// GetStatementResult (typed records) and GetStatementResultV2 (CSV), paged by the server: each page
// holds about options.result_page_bytes of values; NextToken names the next row.
#include <boost/json/array.hpp>

#include "tools/localaws/data_api/statement_engine.hpp"

namespace localaws::data_api {
namespace json = boost::json;
namespace {

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

result<json::object> statement_engine::get_statement_result(const caller& who, const std::string& id,
                                                            const std::optional<std::string>& next_token) {
    auto first = parse_token(next_token);
    if (!first) return first.error();
    auto rows = finished_result(who, id, "JSON");
    if (!rows) return rows.error();
    const result_set& set = *rows.value();
    if (first.value() > set.row_count()) return validation_error("Invalid NextToken");
    json::array records;
    std::uint64_t next = set.records(first.value(), options_.result_page_bytes, records);
    json::object out{{"Records", std::move(records)},
                     {"ColumnMetadata", set.column_metadata()},
                     {"TotalNumRows", static_cast<std::int64_t>(set.row_count())}};
    if (next < set.row_count()) out["NextToken"] = "r" + std::to_string(next);
    return out;
}

result<json::object> statement_engine::get_statement_result_v2(const caller& who, const std::string& id,
                                                               const std::optional<std::string>& next_token) {
    auto first = parse_token(next_token);
    if (!first) return first.error();
    auto rows = finished_result(who, id, "CSV");
    if (!rows) return rows.error();
    const result_set& set = *rows.value();
    if (first.value() > set.row_count()) return validation_error("Invalid NextToken");
    std::string csv;
    std::uint64_t next = set.csv(first.value(), options_.result_page_bytes, csv);
    json::object out{{"Records", json::array{json::object{{"CSVRecords", csv}}}},
                     {"ColumnMetadata", set.column_metadata()},
                     {"TotalNumRows", static_cast<std::int64_t>(set.row_count())},
                     {"ResultFormat", "CSV"}};
    if (next < set.row_count()) out["NextToken"] = "r" + std::to_string(next);
    return out;
}

}  // namespace localaws::data_api

#include "transfer/extract/unload_statement.hpp"

#include <cctype>

namespace shiftsync::transfer::extract {
namespace {

bool word_at(std::string_view q, std::size_t i, std::string_view word) {
    if (i + word.size() > q.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(q[i + k])) != word[k]) return false;
    auto boundary = [&](std::size_t at) {
        return at >= q.size() || !(std::isalnum(static_cast<unsigned char>(q[at])) || q[at] == '_' || q[at] == '$');
    };
    bool starts = i == 0 || boundary(i - 1);
    return starts && boundary(i + word.size());
}

}  // namespace

std::string trim_query(std::string_view query) {
    while (!query.empty() &&
           (query.back() == ';' || std::isspace(static_cast<unsigned char>(query.back()))))
        query.remove_suffix(1);
    while (!query.empty() && std::isspace(static_cast<unsigned char>(query.front()))) query.remove_prefix(1);
    return std::string(query);
}

bool has_outer_order_by(std::string_view q) {
    int depth = 0;
    bool ordered = false;
    for (std::size_t i = 0; i < q.size(); ++i) {
        char c = q[i];
        if (c == '\'' || c == '"') {  // a literal or quoted identifier; '' and "" stay inside
            char quote = c;
            for (++i; i < q.size(); ++i) {
                if (quote == '\'' && q[i] == '\\') {
                    ++i;
                    continue;
                }
                if (q[i] == quote) {
                    if (i + 1 < q.size() && q[i + 1] == quote) {
                        ++i;
                        continue;
                    }
                    break;
                }
            }
        } else if (c == '-' && i + 1 < q.size() && q[i + 1] == '-') {
            while (i < q.size() && q[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < q.size() && q[i + 1] == '*') {
            auto end = q.find("*/", i + 2);
            i = end == std::string_view::npos ? q.size() : end + 1;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (depth == 0 && word_at(q, i, "order")) {
            std::size_t j = i + 5;
            while (j < q.size() && std::isspace(static_cast<unsigned char>(q[j]))) ++j;
            if (word_at(q, j, "by")) ordered = true;
        } else if (depth == 0 && (word_at(q, i, "union") || word_at(q, i, "intersect") || word_at(q, i, "except") ||
                                  word_at(q, i, "minus"))) {
            ordered = false;  // an ORDER BY before a set operation belongs to a branch
        }
    }
    return ordered;
}

std::string unload_sql(const unload_spec& spec) {
    std::string sql = "UNLOAD ('" + escape_literal(trim_query(spec.query)) + "') TO '" + escape_literal(spec.destination) +
                      "' IAM_ROLE '" + escape_literal(spec.iam_role) +
                      "' FORMAT CSV GZIP MANIFEST VERBOSE ALLOWOVERWRITE NULL AS '" + escape_literal(spec.null_marker) +
                      "' PARALLEL " + (spec.parallel ? "ON" : "OFF");
    if (spec.max_file_size_mb > 0) sql += " MAXFILESIZE " + std::to_string(spec.max_file_size_mb) + " MB";
    return sql;
}

std::string columns_only_sql(std::string_view query) {
    return "SELECT * FROM (" + trim_query(query) + ") AS shiftsync_columns LIMIT 0";
}

}  // namespace shiftsync::transfer::extract

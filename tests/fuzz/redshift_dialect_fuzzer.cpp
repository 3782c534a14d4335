// localaws's Redshift dialect (tools/localaws/redshift/dialect/): the UNLOAD and COPY parsers, the
// first-word tests that route a statement to them, and the rewrites every other statement gets.
// Checked beyond "no crash":
//   - a command that parses is routed to its parser (looks_like_unload / looks_like_s3_copy say
//     yes), and a refusal always has a message;
//   - round trip: what parses, written back out as SQL by the plain printer below (every option
//     spelled one way, every string literal escaped the obvious way), parses to the same command.
//     A difference means the parser reads some value differently depending on how it was written,
//     or accepts a value in one form that it refuses in another.
//
// Input: the SQL text.

#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/dialect/rewrite.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

namespace dialect = localaws::redshift::dialect;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// A string literal: quotes doubled, backslashes doubled (the lexer decodes both).
std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + "'";
}

std::string compression_word(dialect::compression c) {
    switch (c) {
        case dialect::compression::gzip:
            return " GZIP";
        case dialect::compression::zstd:
            return " ZSTD";
        case dialect::compression::bzip2:
            return " BZIP2";
        case dialect::compression::none:
            break;
    }
    return "";
}

std::string authorization(const std::string& iam_role) {
    return iam_role == "default" ? " IAM_ROLE default" : " IAM_ROLE " + literal(iam_role);
}

std::string print(const dialect::unload_command& u) {
    std::string sql = "UNLOAD (" + literal(u.query) + ") TO " + literal(u.to.url()) + authorization(u.iam_role);
    if (u.format == dialect::unload_format::csv) sql += " FORMAT AS CSV";
    if (u.format == dialect::unload_format::json) sql += " FORMAT JSON";
    if (u.header) sql += " HEADER";
    if (u.delimiter) sql += " DELIMITER AS " + literal(*u.delimiter);
    if (u.null_as) sql += " NULL AS " + literal(*u.null_as);
    if (u.add_quotes) sql += " ADDQUOTES";
    if (u.escape) sql += " ESCAPE";
    sql += compression_word(u.compress);
    if (!u.parallel) sql += " PARALLEL OFF";
    // In bytes, written as MB with all six decimals: exact text, though the parser's double may
    // land a byte short (compared with that allowance below).
    if (u.max_file_size != 6'200'000'000ull) {
        std::string fraction = std::to_string(1'000'000 + u.max_file_size % 1'000'000).substr(1);
        sql += " MAXFILESIZE " + std::to_string(u.max_file_size / 1'000'000) + "." + fraction + " MB";
    }
    if (u.manifest) sql += u.manifest_verbose ? " MANIFEST VERBOSE" : " MANIFEST";
    if (u.allow_overwrite) sql += " ALLOWOVERWRITE";
    if (u.clean_path) sql += " CLEANPATH";
    if (u.extension) sql += " EXTENSION " + literal(*u.extension);
    if (u.region) sql += " REGION AS " + literal(*u.region);
    return sql;
}

std::string print(const dialect::copy_command& c) {
    std::string sql = "COPY " + c.table;
    for (std::size_t i = 0; i < c.columns.size(); ++i) sql += (i == 0 ? " (" : ", ") + c.columns[i];
    if (!c.columns.empty()) sql += ")";
    sql += " FROM " + literal(c.from.url()) + authorization(c.iam_role);
    if (c.format == dialect::copy_format::csv) sql += " FORMAT AS CSV QUOTE AS " + literal(std::string(1, c.quote));
    if (c.format == dialect::copy_format::json_auto) sql += " JSON 'auto'";
    if (c.format == dialect::copy_format::json_auto_ignorecase) sql += " FORMAT JSON 'auto ignorecase'";
    if (c.delimiter) sql += " DELIMITER " + literal(std::string(1, *c.delimiter));
    if (c.ignore_header) sql += " IGNOREHEADER " + std::to_string(c.ignore_header);
    sql += compression_word(c.compress);
    if (c.manifest) sql += " MANIFEST";
    if (c.null_as) sql += " NULL AS " + literal(*c.null_as);
    if (c.empty_as_null) sql += " EMPTYASNULL";
    if (c.blanks_as_null) sql += " BLANKSASNULL";
    if (c.trim_blanks) sql += " TRIMBLANKS";
    if (c.truncate_columns) sql += " TRUNCATECOLUMNS";
    if (c.date_format) sql += " DATEFORMAT " + literal(*c.date_format);
    if (c.time_format) sql += " TIMEFORMAT AS " + literal(*c.time_format);
    if (c.accept_inv_chars) sql += " ACCEPTINVCHARS " + literal(*c.accept_inv_chars);
    if (c.max_error) sql += " MAXERROR " + std::to_string(c.max_error);
    if (c.region) sql += " REGION " + literal(*c.region);
    return sql + ";";
}

bool same(const dialect::unload_command& a, const dialect::unload_command& b) {
    const auto size_diff =
        a.max_file_size > b.max_file_size ? a.max_file_size - b.max_file_size : b.max_file_size - a.max_file_size;
    return a.query == b.query && a.to.bucket == b.to.bucket && a.to.key == b.to.key && a.iam_role == b.iam_role &&
           a.format == b.format && a.header == b.header && a.delimiter == b.delimiter && a.null_as == b.null_as &&
           a.add_quotes == b.add_quotes && a.escape == b.escape && a.compress == b.compress &&
           a.parallel == b.parallel && size_diff <= 1 && a.manifest == b.manifest &&
           a.manifest_verbose == b.manifest_verbose && a.allow_overwrite == b.allow_overwrite &&
           a.clean_path == b.clean_path && a.extension == b.extension && a.region == b.region;
}

bool same(const dialect::copy_command& a, const dialect::copy_command& b) {
    return a.table == b.table && a.columns == b.columns && a.from.bucket == b.from.bucket && a.from.key == b.from.key &&
           a.iam_role == b.iam_role && a.format == b.format && a.quote == b.quote && a.delimiter == b.delimiter &&
           a.ignore_header == b.ignore_header && a.compress == b.compress && a.manifest == b.manifest &&
           a.null_as == b.null_as && a.empty_as_null == b.empty_as_null && a.blanks_as_null == b.blanks_as_null &&
           a.trim_blanks == b.trim_blanks && a.truncate_columns == b.truncate_columns &&
           a.date_format == b.date_format && a.time_format == b.time_format &&
           a.accept_inv_chars == b.accept_inv_chars && a.max_error == b.max_error && a.region == b.region;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string sql(reinterpret_cast<const char*>(data), size);

    const bool unload_like = dialect::looks_like_unload(sql);
    auto unload = dialect::parse_unload(sql);
    if (const auto* u = std::get_if<dialect::unload_command>(&unload)) {
        check(unload_like);
        const std::string again = print(*u);
        auto reparsed = dialect::parse_unload(again);
        const auto* r = std::get_if<dialect::unload_command>(&reparsed);
        check(r != nullptr && same(*u, *r));
    } else {
        check(!std::get<dialect::parse_error>(unload).message.empty());
    }

    const bool copy_like = dialect::looks_like_s3_copy(sql);
    auto copy = dialect::parse_copy(sql);
    if (const auto* c = std::get_if<dialect::copy_command>(&copy)) {
        check(copy_like);
        const std::string again = print(*c);
        auto reparsed = dialect::parse_copy(again);
        const auto* r = std::get_if<dialect::copy_command>(&reparsed);
        check(r != nullptr && same(*c, *r));
    } else {
        check(!std::get<dialect::parse_error>(copy).message.empty());
    }

    // What every other statement goes through: no property beyond "no crash" (the rewrites are
    // checked statement by statement in the unit tests), but the same scanner reads literals.
    (void)dialect::rewrite_for_postgres(sql);
    (void)localaws::redshift::split_statements(sql);
    return 0;
}

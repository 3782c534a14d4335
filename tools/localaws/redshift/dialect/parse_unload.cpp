#include <cctype>
#include <charconv>

#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/dialect/parse_common.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {
namespace {

std::string first_word(const std::string& sql) {
    std::string error;
    auto tokens = lex(sql, error);
    return tokens.empty() || tokens[0].kind != token_kind::word ? "" : tokens[0].text;
}

// MAXFILESIZE [AS] n [MB | GB]: Redshift accepts 5 MB to 6.2 GB.
bool parse_max_file_size(token_cursor& c, std::uint64_t& bytes, std::string& error) {
    c.accept_as();
    std::string number;
    if (!c.take_number(number)) {
        error = c.syntax_error();
        return false;
    }
    // from_chars, not std::stod: a number past a double's range throws there. The range is checked
    // on the double: converting one beyond 2^64 to an integer is undefined.
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    double unit = 1000.0 * 1000.0;  // MB is the default unit
    if (c.accept_word("GB")) unit = 1000.0 * 1000.0 * 1000.0;
    else c.accept_word("MB");
    const double size = value * unit;
    if (ec != std::errc{} || end != number.data() + number.size() || !(size >= 5e6 && size <= 6.2e9)) {
        error = "MAXFILESIZE must be between 5 MB and 6.2 GB";
        return false;
    }
    bytes = static_cast<std::uint64_t>(size);
    return true;
}

std::optional<std::string> check_combinations(const unload_command& u) {
    if (u.format == unload_format::csv && (u.add_quotes || u.escape))
        return std::string(u.add_quotes ? "ADDQUOTES" : "ESCAPE") + " cannot be used with CSV";
    if (u.format == unload_format::json && (u.header || u.delimiter || u.add_quotes || u.escape || u.null_as))
        return "HEADER, DELIMITER, ADDQUOTES, ESCAPE and NULL AS cannot be used with JSON";
    if (u.allow_overwrite && u.clean_path) return "ALLOWOVERWRITE and CLEANPATH cannot be used together";
    if (u.manifest_verbose && !u.manifest) return "VERBOSE needs MANIFEST";
    if (u.delimiter && u.delimiter->size() != 1) return "DELIMITER must be a single character";
    return std::nullopt;
}

}  // namespace

bool looks_like_unload(const std::string& sql) { return iequals(first_word(sql), "UNLOAD"); }

std::variant<unload_command, parse_error> parse_unload(const std::string& sql) {
    std::string error;
    token_cursor c(lex(sql, error));
    if (!error.empty()) return parse_error{error};
    unload_command u;
    auto fail = [&](std::string message) { return parse_error{std::move(message)}; };
    if (!c.accept_word("UNLOAD") || !c.accept_symbol("(") || !c.take_string(u.query) || !c.accept_symbol(")"))
        return fail(c.syntax_error());
    if (!c.accept_word("TO")) return fail(c.syntax_error());
    std::string url;
    if (!c.take_string(url)) return fail(c.syntax_error());
    auto location = parse_s3_url(url);
    if (!location) return fail("invalid S3 path '" + url + "': UNLOAD needs s3://bucket/prefix");
    u.to = *location;
    bool authorized = false;
    while (!c.at_end()) {
        if (parse_authorization(c, u.iam_role, error)) {
            if (!error.empty()) return fail(error);
            authorized = true;
        } else if (parse_compression(c, u.compress, error)) {
            if (!error.empty()) return fail(error);
        } else if (c.accept_word("FORMAT")) {
            c.accept_as();
            if (c.accept_word("CSV")) u.format = unload_format::csv;
            else if (c.accept_word("JSON")) u.format = unload_format::json;
            else if (c.accept_word("PARQUET")) u.format = unload_format::parquet;
            else return fail(c.syntax_error());
        } else if (c.accept_word("CSV")) {
            u.format = unload_format::csv;
        } else if (c.accept_word("JSON")) {
            u.format = unload_format::json;
        } else if (c.accept_word("PARQUET")) {
            u.format = unload_format::parquet;
        } else if (c.accept_word("HEADER")) {
            u.header = true;
        } else if (c.accept_word("DELIMITER")) {
            c.accept_as();
            std::string d;
            if (!c.take_string(d)) return fail(c.syntax_error());
            auto ch = single_char(d);
            u.delimiter = ch ? std::string(1, *ch) : d;
        } else if (c.accept_word("NULL")) {
            c.accept_as();
            std::string n;
            if (!c.take_string(n)) return fail(c.syntax_error());
            u.null_as = n;
        } else if (c.accept_word("ADDQUOTES")) {
            u.add_quotes = true;
        } else if (c.accept_word("ESCAPE")) {
            u.escape = true;
        } else if (c.accept_word("PARALLEL")) {
            if (c.accept_word("OFF") || c.accept_word("FALSE")) u.parallel = false;
            else if (c.accept_word("ON") || c.accept_word("TRUE")) u.parallel = true;
            else u.parallel = true;
        } else if (c.accept_word("MAXFILESIZE")) {
            if (!parse_max_file_size(c, u.max_file_size, error)) return fail(error);
        } else if (c.accept_word("MANIFEST")) {
            u.manifest = true;
            if (c.accept_word("VERBOSE")) u.manifest_verbose = true;
        } else if (c.accept_word("ALLOWOVERWRITE")) {
            u.allow_overwrite = true;
        } else if (c.accept_word("CLEANPATH")) {
            u.clean_path = true;
        } else if (c.accept_word("EXTENSION")) {
            std::string e;
            if (!c.take_string(e)) return fail(c.syntax_error());
            u.extension = e;
        } else if (c.accept_word("REGION")) {
            c.accept_as();
            std::string r;
            if (!c.take_string(r)) return fail(c.syntax_error());
            u.region = r;
        } else if (c.is_word("ENCRYPTED") || c.is_word("FIXEDWIDTH") || c.is_word("PARTITION") ||
                   c.is_word("ROWGROUPSIZE") || c.is_word("KMS_KEY_ID")) {
            return fail(c.peek().text + " is not supported by localaws");
        } else {
            return fail(c.syntax_error());
        }
    }
    if (!authorized) return fail("UNLOAD needs an authorization: IAM_ROLE 'arn:aws:iam::<account>:role/<name>' or IAM_ROLE default");
    if (u.format == unload_format::parquet) return fail("UNLOAD to PARQUET is not supported by localaws (use CSV or JSON)");
    if (auto e = check_combinations(u)) return fail(*e);
    return u;
}

}  // namespace localaws::redshift::dialect

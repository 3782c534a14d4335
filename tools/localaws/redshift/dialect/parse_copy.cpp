#include "tools/localaws/redshift/dialect/commands.hpp"
#include "tools/localaws/redshift/dialect/parse_common.hpp"
#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {
namespace {

std::string quoted(const token& t) {
    if (t.kind != token_kind::quoted_identifier) return t.text;
    std::string out = "\"";
    for (char ch : t.text) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

// table or schema.table; identifiers kept as written (quoted ones re-quoted).
bool parse_table_name(token_cursor& c, std::string& out) {
    auto is_name = [&] { return c.peek().kind == token_kind::word || c.peek().kind == token_kind::quoted_identifier; };
    if (!is_name()) return false;
    out = quoted(c.next());
    while (c.accept_symbol(".")) {
        if (!is_name()) return false;
        out += "." + quoted(c.next());
    }
    return true;
}

bool parse_on_off(token_cursor& c) {
    // COMPUPDATE / STATUPDATE [ON | OFF | TRUE | FALSE | PRESET]: accepted, nothing to do here.
    return c.accept_word("ON") || c.accept_word("OFF") || c.accept_word("TRUE") || c.accept_word("FALSE") ||
           c.accept_word("PRESET") || true;
}

bool parse_format(token_cursor& c, copy_command& cp, std::string& error) {
    if (c.accept_word("CSV")) {
        cp.format = copy_format::csv;
        if (c.accept_word("QUOTE")) {
            c.accept_as();
            std::string q;
            if (!c.take_string(q) || !single_char(q)) {
                error = "QUOTE must be a single character";
                return false;
            }
            cp.quote = *single_char(q);
        }
        return true;
    }
    if (c.accept_word("JSON")) {
        std::string mode;
        if (c.accept_symbol("(") ) {
            error = c.syntax_error();
            return false;
        }
        c.accept_as();
        if (!c.take_string(mode)) {
            error = "JSON needs 'auto' or 'auto ignorecase'";
            return false;
        }
        if (iequals(mode, "auto")) cp.format = copy_format::json_auto;
        else if (iequals(mode, "auto ignorecase")) cp.format = copy_format::json_auto_ignorecase;
        else if (mode.rfind("s3://", 0) == 0) error = "JSONPaths files are not supported by localaws (use JSON 'auto')";
        else error = "invalid JSON option '" + mode + "': use 'auto' or 'auto ignorecase'";
        return error.empty();
    }
    for (const char* unsupported : {"AVRO", "PARQUET", "ORC", "FIXEDWIDTH", "SHAPEFILE"}) {
        if (c.is_word(unsupported)) {
            error = std::string("COPY from ") + unsupported + " is not supported by localaws (use CSV, JSON or delimited text)";
            return false;
        }
    }
    error = c.syntax_error();
    return false;
}

}  // namespace

bool looks_like_s3_copy(const std::string& sql) {
    std::string error;
    auto tokens = lex(sql, error);
    if (tokens.size() < 3 || tokens[0].kind != token_kind::word || !iequals(tokens[0].text, "COPY")) return false;
    for (const auto& t : tokens) {
        if (t.kind == token_kind::word && iequals(t.text, "FROM")) continue;
        if (t.kind == token_kind::string && t.text.size() >= 5 && iequals(t.text.substr(0, 5), "s3://")) return true;
    }
    return false;
}

std::variant<copy_command, parse_error> parse_copy(const std::string& sql) {
    std::string error;
    token_cursor c(lex(sql, error));
    if (!error.empty()) return parse_error{error};
    auto fail = [](std::string message) { return parse_error{std::move(message)}; };
    copy_command cp;
    if (!c.accept_word("COPY") || !parse_table_name(c, cp.table)) return fail(c.syntax_error());
    if (c.accept_symbol("(")) {
        do {
            if (c.peek().kind != token_kind::word && c.peek().kind != token_kind::quoted_identifier)
                return fail(c.syntax_error());
            cp.columns.push_back(quoted(c.next()));
        } while (c.accept_symbol(","));
        if (!c.accept_symbol(")")) return fail(c.syntax_error());
    }
    if (!c.accept_word("FROM")) return fail(c.syntax_error());
    std::string url;
    if (!c.take_string(url)) return fail(c.syntax_error());
    auto location = parse_s3_url(url);
    if (!location) return fail("invalid S3 path '" + url + "': COPY needs s3://bucket/prefix");
    cp.from = *location;
    bool authorized = false;
    while (!c.at_end()) {
        std::string value;
        if (parse_authorization(c, cp.iam_role, error)) {
            if (!error.empty()) return fail(error);
            authorized = true;
        } else if (parse_compression(c, cp.compress, error)) {
            if (!error.empty()) return fail(error);
        } else if (c.accept_word("FORMAT")) {
            c.accept_as();
            if (!parse_format(c, cp, error)) return fail(error);
        } else if (c.is_word("CSV") || c.is_word("JSON") || c.is_word("AVRO") || c.is_word("PARQUET") ||
                   c.is_word("ORC") || c.is_word("FIXEDWIDTH")) {
            if (!parse_format(c, cp, error)) return fail(error);
        } else if (c.accept_word("DELIMITER")) {
            c.accept_as();
            if (!c.take_string(value) || !single_char(value)) return fail("DELIMITER must be a single character");
            cp.delimiter = *single_char(value);
        } else if (c.accept_word("IGNOREHEADER")) {
            c.accept_as();
            if (!c.take_number(value)) return fail(c.syntax_error());
            auto lines = whole_number(value);
            if (!lines) return fail("IGNOREHEADER must be a whole number of lines, not " + value);
            cp.ignore_header = *lines;
        } else if (c.accept_word("MANIFEST")) {
            cp.manifest = true;
        } else if (c.accept_word("NULL")) {
            c.accept_as();
            if (!c.take_string(value)) return fail(c.syntax_error());
            cp.null_as = value;
        } else if (c.accept_word("EMPTYASNULL")) {
            cp.empty_as_null = true;
        } else if (c.accept_word("BLANKSASNULL")) {
            cp.blanks_as_null = true;
        } else if (c.accept_word("TRIMBLANKS")) {
            cp.trim_blanks = true;
        } else if (c.accept_word("TRUNCATECOLUMNS")) {
            cp.truncate_columns = true;
        } else if (c.accept_word("DATEFORMAT")) {
            c.accept_as();
            if (!c.take_string(value)) return fail(c.syntax_error());
            cp.date_format = value;
        } else if (c.accept_word("TIMEFORMAT")) {
            c.accept_as();
            if (!c.take_string(value)) return fail(c.syntax_error());
            cp.time_format = value;
        } else if (c.accept_word("ACCEPTINVCHARS")) {
            c.accept_as();
            cp.accept_inv_chars = "?";
            if (c.take_string(value)) {
                if (value.size() != 1) return fail("ACCEPTINVCHARS replacement must be a single ASCII character");
                cp.accept_inv_chars = value;
            }
        } else if (c.accept_word("MAXERROR")) {
            c.accept_as();
            if (!c.take_number(value)) return fail(c.syntax_error());
            auto errors = whole_number(value);
            if (!errors || *errors > 100000) return fail("MAXERROR must be a whole number up to 100000, not " + value);
            cp.max_error = *errors;
        } else if (c.accept_word("COMPUPDATE") || c.accept_word("STATUPDATE")) {
            parse_on_off(c);
        } else if (c.accept_word("REGION")) {
            c.accept_as();
            if (!c.take_string(value)) return fail(c.syntax_error());
            cp.region = value;
        } else {
            return fail(c.syntax_error());
        }
    }
    if (!authorized) return fail("COPY needs an authorization: IAM_ROLE 'arn:aws:iam::<account>:role/<name>' or IAM_ROLE default");
    if (cp.format == copy_format::json_auto || cp.format == copy_format::json_auto_ignorecase) {
        if (cp.delimiter || cp.ignore_header) return fail("DELIMITER and IGNOREHEADER cannot be used with JSON");
    }
    return cp;
}

}  // namespace localaws::redshift::dialect

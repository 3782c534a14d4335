#include "tools/localaws/redshift/dialect/parse_common.hpp"

#include "tools/localaws/redshift/sql_scanner.hpp"

#include <charconv>

namespace localaws::redshift::dialect {

std::optional<s3_location> parse_s3_url(const std::string& url) {
    if (url.size() < 6 || !iequals(url.substr(0, 5), "s3://")) return std::nullopt;
    std::string rest = url.substr(5);
    auto slash = rest.find('/');
    s3_location loc;
    loc.bucket = rest.substr(0, slash);
    loc.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (loc.bucket.empty()) return std::nullopt;
    return loc;
}

namespace {

// Redshift chains roles written "arn1,arn2" in either form of the clause; localaws does not.
void refuse_chained_roles(const std::string& iam_role, std::string& error) {
    if (iam_role.find(',') != std::string::npos) error = "chained IAM roles are not supported by localaws";
}

}  // namespace

bool parse_authorization(token_cursor& c, std::string& iam_role, std::string& error) {
    if (c.accept_word("IAM_ROLE")) {
        if (c.accept_word("DEFAULT")) {
            iam_role = "default";
        } else if (!c.take_string(iam_role)) {
            error = c.syntax_error();
        } else {
            refuse_chained_roles(iam_role, error);
        }
        return true;
    }
    // [WITH] CREDENTIALS [AS] '…': WITH alone is not the clause (it used to be taken for it, and
    // "WITH CREDENTIALS" then failed on the second word).
    if (c.is_word("WITH") && c.is_word("CREDENTIALS", 1)) c.next();
    if (c.accept_word("CREDENTIALS")) {
        c.accept_as();
        std::string text;
        if (!c.take_string(text)) {
            error = c.syntax_error();
            return true;
        }
        const std::string key = "aws_iam_role=";
        if (text.rfind(key, 0) != 0 || text.find(';') != std::string::npos) {
            error = "only CREDENTIALS 'aws_iam_role=<arn>' is supported by localaws (use IAM_ROLE)";
            return true;
        }
        iam_role = text.substr(key.size());
        refuse_chained_roles(iam_role, error);
        return true;
    }
    if (c.is_word("ACCESS_KEY_ID") || c.is_word("SECRET_ACCESS_KEY") || c.is_word("SESSION_TOKEN")) {
        error = "key-based authorization is not supported by localaws; use IAM_ROLE";
        return true;
    }
    return false;
}

bool parse_compression(token_cursor& c, compression& out, std::string& error) {
    if (c.accept_word("GZIP")) out = compression::gzip;
    else if (c.accept_word("ZSTD")) out = compression::zstd;
    else if (c.accept_word("BZIP2")) out = compression::bzip2;
    else if (c.accept_word("LZOP")) error = "LZOP is not supported by localaws (use GZIP, ZSTD or BZIP2)";
    else return false;
    return true;
}

// The lexer has decoded '\t', '\\' and '\001' already (Redshift's literal escapes).
std::optional<char> single_char(const std::string& text) {
    if (text.size() == 1) return text[0];
    return std::nullopt;
}

std::optional<std::uint64_t> whole_number(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace localaws::redshift::dialect

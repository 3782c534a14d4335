#include "tools/localaws/redshift/dialect/rewrite.hpp"

#include <algorithm>
#include <cctype>

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::redshift::dialect {
namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

class rewriter {
public:
    explicit rewriter(const std::string& sql) : sql_(sql) {}

    std::string run() {
        while (i_ < sql_.size()) {
            std::size_t skip = skip_non_code(sql_, i_);
            if (skip != i_) {
                // A quoted identifier is a token (a column name, say); literals and comments are not names.
                if (sql_[i_] == '"') remember({token::name, sql_.substr(i_, skip - i_)});
                else if (sql_[i_] != '-' && sql_[i_] != '/') remember({token::other, {}});
                out_.append(sql_, i_, skip - i_);
                i_ = skip;
                continue;
            }
            char c = sql_[i_];
            bool word_start = (std::isalpha(static_cast<unsigned char>(c)) || c == '_') &&
                              (i_ == 0 || (!ident_char(sql_[i_ - 1]) && sql_[i_ - 1] != '.'));
            if (!word_start) {
                if (c == ';') first_word_pending_ = true, statement_verb_.clear();
                if (!std::isspace(static_cast<unsigned char>(c))) remember({token::punct, std::string(1, c)});
                out_ += c;
                // A schema-qualified or quoted table name keeps "a table name was just written".
                if (!std::isspace(static_cast<unsigned char>(c)) && !ident_char(c) && c != '.' && c != '"')
                    table_name_just_written_ = false;
                ++i_;
                continue;
            }
            std::size_t end = i_;
            while (end < sql_.size() && ident_char(sql_[end])) ++end;
            std::string word = sql_.substr(i_, end - i_);
            i_ = end;
            if (first_word_pending_) {
                statement_verb_ = word;
                first_word_pending_ = false;
            }
            handle_word(word);
            remember({token::name, word});
        }
        return out_;
    }

private:
    // The last two tokens seen (before the current word): enough to tell a column definition
    // ("( name TYPE", ", name TYPE", "ADD [COLUMN] name TYPE") from a cast or ALTER … TYPE.
    struct token {
        enum kind_t { name, punct, other } kind = other;
        std::string text;
    };
    void remember(token t) {
        before_last_ = std::move(last_);
        last_ = std::move(t);
    }
    bool in_column_definition() const {
        const bool table_ddl = iequals(statement_verb_, "CREATE") || iequals(statement_verb_, "ALTER");
        if (!table_ddl || last_.kind != token::name) return false;
        if (before_last_.kind == token::punct) return before_last_.text == "(" || before_last_.text == ",";
        return before_last_.kind == token::name && (iequals(before_last_.text, "COLUMN") || iequals(before_last_.text, "ADD"));
    }

    std::size_t after_space(std::size_t at) const {
        while (at < sql_.size() && std::isspace(static_cast<unsigned char>(sql_[at]))) ++at;
        return at;
    }
    // The next word (and where it ends), without consuming it.
    std::string peek_word(std::size_t& end) const {
        std::size_t at = after_space(i_);
        end = at;
        while (end < sql_.size() && ident_char(sql_[end])) ++end;
        return sql_.substr(at, end - at);
    }
    bool next_is(char c) const {
        std::size_t at = after_space(i_);
        return at < sql_.size() && sql_[at] == c;
    }
    // Consumes a balanced "( … )" group after optional spaces; returns its inside.
    std::string take_group() {
        std::size_t at = after_space(i_);
        if (at >= sql_.size() || sql_[at] != '(') return {};
        int depth = 0;
        std::size_t k = at;
        while (k < sql_.size()) {
            std::size_t skip = skip_non_code(sql_, k);
            if (skip != k) {
                k = skip;
                continue;
            }
            if (sql_[k] == '(') ++depth;
            if (sql_[k] == ')' && --depth == 0) break;
            ++k;
        }
        std::string inside = sql_.substr(at + 1, k > at ? k - at - 1 : 0);
        i_ = k < sql_.size() ? k + 1 : k;
        return inside;
    }
    void drop_next_word() {
        std::size_t end;
        peek_word(end);
        i_ = end;
    }

    void handle_word(const std::string& word) {
        std::size_t end;
        if (iequals(word, "GETDATE") && next_is('(')) {
            take_group();
            emit("date_trunc('second', LOCALTIMESTAMP)");
        } else if (iequals(word, "SYSDATE")) {
            emit("LOCALTIMESTAMP");
        } else if (iequals(word, "SUPER") && !next_is('(') && !next_is('.')) {
            emit("jsonb");
        } else if (iequals(word, "NVARCHAR")) {
            emit("varchar");
        } else if ((iequals(word, "VARCHAR") || iequals(word, "VARYING")) && next_is('(')) {
            std::size_t save = i_;
            std::string inside = take_group();
            std::string trimmed;
            for (char ch : inside)
                if (!std::isspace(static_cast<unsigned char>(ch))) trimmed += ch;
            emit(word);
            if (iequals(trimmed, "MAX")) {
                out_ += "(65535)";
            } else {
                i_ = save;
            }
        } else if (iequals(word, "VARBYTE") || iequals(word, "VARBINARY") ||
                   (iequals(word, "BINARY") && iequals(peek_word(end), "VARYING"))) {
            varbyte(word);
        } else if (iequals(word, "IDENTITY") && next_is('(')) {
            std::string inside = take_group();
            auto comma = inside.find(',');
            std::string seed = inside.substr(0, comma);
            std::string step = comma == std::string::npos ? "1" : inside.substr(comma + 1);
            emit("GENERATED BY DEFAULT AS IDENTITY (START WITH " + seed + " INCREMENT BY " + step + ")");
        } else if (iequals(word, "ENCODE") && !next_is('(')) {
            drop_next_word();
        } else if (iequals(word, "DISTSTYLE")) {
            drop_next_word();
        } else if (iequals(word, "DISTKEY") || iequals(word, "SORTKEY")) {
            if (next_is('(')) take_group();
            else if (iequals(peek_word(end), "AUTO")) i_ = end;
        } else if ((iequals(word, "COMPOUND") || iequals(word, "INTERLEAVED")) && iequals(peek_word(end), "SORTKEY")) {
            i_ = end;
            if (next_is('(')) take_group();
        } else if (iequals(word, "BACKUP") && (iequals(peek_word(end), "YES") || iequals(peek_word(end), "NO"))) {
            i_ = end;
        } else if (iequals(word, "LIKE") && table_name_just_written_) {
            std::size_t name_end;
            std::string name = peek_word(name_end);
            std::size_t k = name_end;
            while (k < sql_.size() && (ident_char(sql_[k]) || sql_[k] == '.' || sql_[k] == '"')) ++k;
            emit("(LIKE " + sql_.substr(after_space(i_), k - after_space(i_)) + ")");
            i_ = k;
        } else {
            emit(word);
        }
        // "CREATE [TEMP|TEMPORARY] TABLE <name> LIKE": remember when a table name was just written.
        table_name_just_written_ = saw_create_table_ && !iequals(word, "TABLE") && !iequals(word, "LIKE");
        if (iequals(word, "TABLE")) saw_create_table_ = create_seen_;
        else if (!iequals(word, "CREATE") && !iequals(word, "TEMP") && !iequals(word, "TEMPORARY") &&
                 !iequals(word, "LOCAL") && !iequals(word, "IF") && !iequals(word, "NOT") && !iequals(word, "EXISTS"))
            saw_create_table_ = false;
        if (iequals(word, "CREATE")) create_seen_ = true;
        else if (!iequals(word, "TEMP") && !iequals(word, "TEMPORARY") && !iequals(word, "LOCAL") && !iequals(word, "TABLE"))
            create_seen_ = false;
    }
    void emit(const std::string& text) { out_ += text; }

    // VARBYTE[(n)], VARBINARY[(n)], BINARY VARYING[(n)] -> bytea. In a column definition the
    // length (default 64000) is enforced by a CHECK whose function raises Redshift's "value too
    // long" (sql_functions.cpp); elsewhere (casts, ALTER … TYPE) the type alone. A length outside
    // 1..16,777,216 is left as written, so PostgreSQL refuses the unknown type and the statement fails.
    void varbyte(const std::string& word) {
        const std::size_t start = i_ - word.size();
        std::size_t end;
        if (iequals(word, "BINARY")) {  // BINARY VARYING
            peek_word(end);
            i_ = end;
        }
        long long length = 64000;
        if (next_is('(')) {
            std::string inside = take_group();
            std::string digits;
            for (char ch : inside)
                if (!std::isspace(static_cast<unsigned char>(ch))) digits += ch;
            length = !digits.empty() && digits.size() < 10 &&
                             std::all_of(digits.begin(), digits.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)); })
                         ? std::stoll(digits)
                         : -1;
        }
        if (length < 1 || length > max_varbyte_length) {
            out_.append(sql_, start, i_ - start);
            return;
        }
        emit("bytea");
        if (in_column_definition())
            emit(" CHECK (pg_catalog.localaws_varbyte_fits(" + last_.text + ", " + std::to_string(length) + "))");
    }
    static constexpr long long max_varbyte_length = 16777216;

    const std::string& sql_;
    std::size_t i_ = 0;
    std::string out_;
    bool create_seen_ = false;
    bool saw_create_table_ = false;
    bool table_name_just_written_ = false;
    bool first_word_pending_ = true;
    std::string statement_verb_;  // the statement's first word
    token last_, before_last_;
};

}  // namespace

std::string rewrite_for_postgres(const std::string& sql) { return rewriter(sql).run(); }

}  // namespace localaws::redshift::dialect

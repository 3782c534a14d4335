#include "tools/shiftsync/output/row_writer.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <algorithm>

namespace shiftsync::cli {
namespace {

using namespace aws::redshift_data;

class csv_writer final : public row_writer {
public:
    explicit csv_writer(std::FILE* out) : out_(out) {}
    void columns(const std::vector<column_metadata>& columns) override {
        std::string line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (i) line.push_back(',');
            append_quoted(line, columns[i].name, false);
        }
        line.push_back('\n');
        std::fputs(line.c_str(), out_);
    }
    void row(const aws::redshift_data::row& values) override {
        line_.clear();
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) line_.push_back(',');
            if (std::holds_alternative<null_value>(values[i])) continue;  // NULL: nothing at all
            bool is_string = std::holds_alternative<std::string>(values[i]);
            append_quoted(line_, field_text(values[i]), is_string);
        }
        line_.push_back('\n');
        std::fwrite(line_.data(), 1, line_.size(), out_);
    }
    void finish() override { std::fflush(out_); }

private:
    // Quotes when needed, and always for an empty string (so that it differs from NULL).
    static void append_quoted(std::string& line, const std::string& text, bool empty_needs_quotes) {
        bool quote = (empty_needs_quotes && text.empty()) || text.find_first_of(",\"\r\n") != std::string::npos;
        if (!quote) {
            line += text;
            return;
        }
        line.push_back('"');
        for (char c : text) {
            if (c == '"') line.push_back('"');
            line.push_back(c);
        }
        line.push_back('"');
    }
    std::FILE* out_;
    std::string line_;
};

class ndjson_writer final : public row_writer {
public:
    explicit ndjson_writer(std::FILE* out) : out_(out) {}
    void columns(const std::vector<column_metadata>& columns) override {
        names_.clear();
        for (const auto& c : columns) names_.push_back(c.name);
    }
    void row(const aws::redshift_data::row& values) override {
        boost::json::object o;
        for (std::size_t i = 0; i < values.size() && i < names_.size(); ++i) {
            std::visit([&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, null_value>) o[names_[i]] = nullptr;
                else if constexpr (std::is_same_v<T, blob_value>) o[names_[i]] = field_text(values[i]);
                else o[names_[i]] = v;
            }, values[i]);
        }
        std::string line = boost::json::serialize(o);
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), out_);
    }
    void finish() override { std::fflush(out_); }

private:
    std::FILE* out_;
    std::vector<std::string> names_;
};

class table_writer final : public row_writer {
public:
    explicit table_writer(std::FILE* out) : out_(out) {}
    void columns(const std::vector<column_metadata>& columns) override {
        header_.clear();
        for (const auto& c : columns) header_.push_back(c.name);
        widths_.assign(header_.size(), 0);
        for (std::size_t i = 0; i < header_.size(); ++i) widths_[i] = header_[i].size();
    }
    void row(const aws::redshift_data::row& values) override {
        std::vector<std::string> cells;
        for (const auto& v : values) cells.push_back(std::holds_alternative<null_value>(v) ? "NULL" : field_text(v));
        if (!started_) {
            for (std::size_t i = 0; i < cells.size() && i < widths_.size(); ++i)
                widths_[i] = std::max(widths_[i], cells[i].size());
            pending_.push_back(std::move(cells));
            if (pending_.size() >= sample_rows) flush_pending();
            return;
        }
        print(cells);
    }
    void finish() override {
        flush_pending();
        std::fflush(out_);
    }

private:
    static constexpr std::size_t sample_rows = 1000;
    void flush_pending() {
        if (started_) return;
        started_ = true;
        print(header_);
        std::string rule;
        for (std::size_t i = 0; i < widths_.size(); ++i) rule += (i ? "-+-" : "") + std::string(widths_[i], '-');
        fmt::print(out_, "{}\n", rule);
        for (const auto& cells : pending_) print(cells);
        pending_.clear();
    }
    void print(const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i) line += " | ";
            line += cells[i];
            if (i < widths_.size() && cells[i].size() < widths_[i] && i + 1 < cells.size())
                line.append(widths_[i] - cells[i].size(), ' ');
        }
        fmt::print(out_, "{}\n", line);
    }
    std::FILE* out_;
    std::vector<std::string> header_;
    std::vector<std::size_t> widths_;
    std::vector<std::vector<std::string>> pending_;
    bool started_ = false;
};

}  // namespace

std::string field_text(const aws::redshift_data::field& value) {
    return std::visit([](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, null_value>) return {};
        else if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>) return fmt::format("{}", v);
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else {
            std::string out = "\\x";
            for (unsigned char c : v.bytes) out += fmt::format("{:02x}", c);
            return out;
        }
    }, value);
}

std::unique_ptr<row_writer> make_row_writer(row_format format, std::FILE* out) {
    switch (format) {
        case row_format::csv: return std::make_unique<csv_writer>(out);
        case row_format::ndjson: return std::make_unique<ndjson_writer>(out);
        case row_format::table: return std::make_unique<table_writer>(out);
    }
    return nullptr;
}

}  // namespace shiftsync::cli

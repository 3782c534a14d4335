#pragma once
// A strict reader of Prometheus's text exposition format 0.0.4, for the tests: it parses the text
// back line by line and lists every rule broken (a family without # HELP or # TYPE, a sample
// before them, a family split in two, a bad name, an unknown escape, a duplicate series, a value
// that is not a number). Written from the format's description, not from any implementation.

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::testing {

struct exposition_sample {
    std::string name;
    std::map<std::string, std::string> labels;  // unescaped values
    double value = 0;
};

struct exposition_family {
    std::string help;  // unescaped
    std::string type;
    std::vector<exposition_sample> samples;
};

struct exposition {
    std::map<std::string, exposition_family> families;
    std::vector<std::string> errors;  // empty: the text follows the format

    // The value of the series `name` with exactly these labels; NaN when there is none.
    double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
        auto f = families.find(name);
        if (f == families.end()) return std::nan("");
        for (const auto& s : f->second.samples)
            if (s.labels == labels) return s.value;
        return std::nan("");
    }
};

namespace detail {

inline bool is_metric_name(std::string_view s) {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

inline bool is_label_name(std::string_view s) { return is_metric_name(s) && s.find(':') == std::string_view::npos; }

inline bool parse_value(std::string_view s, double& out) {
    if (s == "NaN") return out = std::nan(""), true;
    if (s == "+Inf") return out = INFINITY, true;
    if (s == "-Inf") return out = -INFINITY, true;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace detail

inline exposition parse_exposition(std::string_view text) {
    exposition out;
    auto fail = [&](std::size_t line_no, const std::string& why) {
        out.errors.push_back("line " + std::to_string(line_no) + ": " + why);
    };
    if (text.empty() || text.back() != '\n') out.errors.push_back("the text must end with a newline");
    std::set<std::string> closed;  // families whose samples have ended: must not come back
    std::string current;           // the family whose lines we are in
    std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
    std::size_t line_no = 0;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        ++line_no;
        if (line.empty()) continue;
        auto enter = [&](const std::string& name) {
            if (name == current) return;
            if (!current.empty()) closed.insert(current);
            if (closed.count(name)) fail(line_no, "family " + name + " is split in two");
            current = name;
        };
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
            const bool help = line[2] == 'H';
            std::string_view rest = line.substr(7);
            const auto space = rest.find(' ');
            const std::string name(rest.substr(0, space));
            const std::string_view arg = space == std::string_view::npos ? "" : rest.substr(space + 1);
            if (!detail::is_metric_name(name)) fail(line_no, "bad metric name '" + name + "'");
            enter(name);
            auto& family = out.families[name];
            if (!family.samples.empty()) fail(line_no, name + ": # HELP/# TYPE after its samples");
            if (help) {
                if (!family.help.empty()) fail(line_no, name + ": a second # HELP");
                for (std::size_t i = 0; i < arg.size(); ++i) {
                    if (arg[i] != '\\') {
                        family.help += arg[i];
                    } else if (i + 1 < arg.size() && (arg[i + 1] == '\\' || arg[i + 1] == 'n')) {
                        family.help += arg[++i] == 'n' ? '\n' : '\\';
                    } else {
                        fail(line_no, name + ": bad escape in # HELP");
                    }
                }
                if (family.help.empty()) fail(line_no, name + ": empty # HELP");
            } else {
                if (!family.type.empty()) fail(line_no, name + ": a second # TYPE");
                static const std::set<std::string_view> types{"counter", "gauge", "histogram", "summary", "untyped"};
                if (!types.count(arg)) fail(line_no, name + ": unknown type '" + std::string(arg) + "'");
                family.type = arg;
            }
            continue;
        }
        if (line.starts_with("#")) continue;  // a comment
        // name{label="value",...} value
        exposition_sample sample;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
        sample.name = line.substr(0, i);
        if (!detail::is_metric_name(sample.name)) fail(line_no, "bad metric name '" + sample.name + "'");
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                std::size_t eq = line.find('=', i);
                if (eq == std::string_view::npos) return fail(line_no, "label without '='"), out;
                const std::string label(line.substr(i, eq - i));
                if (!detail::is_label_name(label)) fail(line_no, "bad label name '" + label + "'");
                i = eq + 1;
                if (i >= line.size() || line[i] != '"') return fail(line_no, "label value not quoted"), out;
                std::string value;
                bool closed_quote = false;
                for (++i; i < line.size(); ++i) {
                    if (line[i] == '"') {
                        closed_quote = true;
                        ++i;
                        break;
                    }
                    if (line[i] != '\\') {
                        value += line[i];
                        continue;
                    }
                    if (++i >= line.size()) break;
                    if (line[i] == '\\' || line[i] == '"') value += line[i];
                    else if (line[i] == 'n') value += '\n';
                    else fail(line_no, "bad escape '\\" + std::string(1, line[i]) + "' in a label value");
                }
                if (!closed_quote) return fail(line_no, "unterminated label value"), out;
                if (sample.labels.count(label)) fail(line_no, "label " + label + " twice");
                sample.labels[label] = value;
                if (i < line.size() && line[i] == ',') ++i;
                else if (i < line.size() && line[i] != '}') return fail(line_no, "expected ',' or '}'"), out;
            }
            if (i >= line.size()) return fail(line_no, "unterminated label set"), out;
            ++i;
        }
        if (i >= line.size() || line[i] != ' ') {
            fail(line_no, "no value");
            continue;
        }
        std::string_view rest = line.substr(i + 1);
        const auto space = rest.find(' ');  // an optional timestamp follows
        if (!detail::parse_value(rest.substr(0, space), sample.value)) fail(line_no, "bad value");
        enter(sample.name);
        auto& family = out.families[sample.name];
        if (family.help.empty() || family.type.empty()) fail(line_no, sample.name + ": a sample before # HELP and # TYPE");
        if (family.type == "counter" && !(sample.value >= 0)) fail(line_no, sample.name + ": a negative counter");
        if (!seen.insert({sample.name, sample.labels}).second) fail(line_no, sample.name + ": a duplicate series");
        family.samples.push_back(std::move(sample));
    }
    return out;
}

}  // namespace shiftsync::testing

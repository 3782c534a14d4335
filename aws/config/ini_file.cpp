#include "aws/config/ini_file.hpp"

#include <cctype>

namespace shiftsync::aws::config {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<ini_file> parse_ini(std::string_view text, std::string& error) {
    ini_file out;
    ini_section* section = nullptr;
    std::string nested_key;  // the key whose indented lines we are reading, if any
    int line_number = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_number;
        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        bool indented = std::isspace(static_cast<unsigned char>(raw.front()));

        if (line.front() == '[') {
            if (line.back() != ']') {
                error = "line " + std::to_string(line_number) + ": a section header must end with ']'";
                return std::nullopt;
            }
            std::string name;
            // "[profile   x]" and "[profile x]" are the same section.
            std::string_view inner = trim(line.substr(1, line.size() - 2));
            auto space = inner.find_first_of(" \t");
            if (space != std::string_view::npos)
                name = std::string(inner.substr(0, space)) + " " + std::string(trim(inner.substr(space)));
            else
                name = std::string(inner);
            section = &out.sections[name];
            nested_key.clear();
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            error = "line " + std::to_string(line_number) + ": expected 'key = value'";
            return std::nullopt;
        }
        if (!section) {
            error = "line " + std::to_string(line_number) + ": a setting before any [section]";
            return std::nullopt;
        }
        std::string key = lower(trim(line.substr(0, eq)));
        std::string value(trim(line.substr(eq + 1)));
        if (indented && !nested_key.empty()) {
            section->nested[nested_key][key] = value;
            continue;
        }
        if (value.empty()) {
            nested_key = key;  // "s3 =" opens a nested section
            section->nested[key];
        } else {
            nested_key.clear();
        }
        section->values[key] = value;
    }
    return out;
}

}  // namespace shiftsync::aws::config

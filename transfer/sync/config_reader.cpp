#include "transfer/sync/config_reader.hpp"

#include "transfer/sync/config_values.hpp"

#include <charconv>

namespace shiftsync::transfer::sync {

std::string child_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

position config_index::locate(std::string path) const {
    while (!path.empty()) {
        if (auto v = values.find(path); v != values.end()) return v->second.at;
        if (auto n = nodes.find(path); n != nodes.end()) return n->second;
        auto cut = path.find_last_of(".[");
        if (cut == std::string::npos) break;
        path.resize(cut);
    }
    return {};
}

std::string config_index::quote(const std::string& path) const {
    auto v = values.find(path);
    return v == values.end() ? std::string("''") : "'" + v->second.shown + "'";
}

void config_reader::error(position at, std::string key_path, std::string message) {
    errors_.push_back({file_, at.line, at.column, std::move(key_path), std::move(message)});
}

void config_reader::error(const std::string& key_path, std::string message) {
    error(index_.locate(key_path), key_path, std::move(message));
}

position config_reader::where(const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) return {};
    return {mark.line + 1, mark.column + 1};
}

namespace {

std::string_view type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: return "a map";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Null: return "nothing";
        default: return "a value";
    }
}

std::string one_of(std::span<const std::string_view> names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    return out;
}

}  // namespace

void config_reader::wrong_type(const YAML::Node& value, const std::string& path, std::string_view expected) {
    error(where(value), path, "expected " + std::string(expected) + ", found " + std::string(type_name(value)));
}

std::vector<map_entry> config_reader::entries(const YAML::Node& map, const std::string& path,
                                              std::span<const std::string_view> known, std::string_view what) {
    std::vector<map_entry> out;
    if (!map.IsMap()) {
        wrong_type(map, path, what);
        return out;
    }
    note_node(map, path);
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        // Copies: `it->first` lives in a proxy that dies with the expression (handles, cheap).
        YAML::Node key = it->first;
        YAML::Node value = it->second;
        if (!key.IsScalar()) {
            error(where(key), path, "a key must be a plain name, found " + std::string(type_name(key)));
            continue;
        }
        std::string name = key.Scalar();
        std::string here = child_path(path, name);
        if (!seen.insert(name).second) {
            error(where(key), here, "'" + name + "' is given twice in this map; keep one");
            continue;
        }
        if (name == "<<") {
            error(where(key), here, "YAML merge keys (<<) are not supported; put shared stream settings under defaults:");
            continue;
        }
        if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end()) {
            std::string hint = closest_match(name, known);
            error(where(key), here,
                  "unknown key '" + name + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                      "; known here: " + one_of(known));
            continue;
        }
        out.push_back({name, key, value, here});
    }
    return out;
}

std::optional<std::string> config_reader::scalar(const YAML::Node& value, const std::string& path,
                                                 std::string_view expected) {
    if (!value.IsScalar()) {
        wrong_type(value, path, expected);
        return std::nullopt;
    }
    const std::string& raw = value.Scalar();
    interpolated result = interpolate(raw, getenv_);
    for (auto& secret : result.from_env) secrets_.push_back(secret);
    located& at = index_.values[path];
    at.at = where(value);
    at.shown = result.from_env.empty() ? result.value : raw;
    if (!result.error.empty()) {
        error(at.at, path, result.error);
        return std::nullopt;
    }
    return std::move(result.value);
}

std::optional<std::string> config_reader::string(const YAML::Node& value, const std::string& path) {
    return scalar(value, path, "a string");
}

std::optional<std::int64_t> config_reader::integer(const YAML::Node& value, const std::string& path, std::int64_t min,
                                                   std::int64_t max) {
    auto text = scalar(value, path, "a whole number");
    if (!text) return std::nullopt;
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (ec != std::errc{} || end != text->data() + text->size() || text->empty()) {
        error(where(value), path, "expected a whole number, found " + index_.quote(path));
        return std::nullopt;
    }
    if (number < min) {
        error(where(value), path, "must be at least " + std::to_string(min) + ", found " + index_.quote(path));
        return std::nullopt;
    }
    if (number > max) {
        error(where(value), path, "must be at most " + std::to_string(max) + ", found " + index_.quote(path));
        return std::nullopt;
    }
    return number;
}

std::optional<bool> config_reader::boolean(const YAML::Node& value, const std::string& path) {
    auto text = scalar(value, path, "true or false");
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "True" || *text == "TRUE") return true;
    if (*text == "false" || *text == "False" || *text == "FALSE") return false;
    error(where(value), path, "expected true or false, found " + index_.quote(path));
    return std::nullopt;
}

std::optional<std::vector<std::string>> config_reader::string_list(const YAML::Node& value, const std::string& path,
                                                                   bool single_ok) {
    std::vector<std::string> out;
    if (single_ok && value.IsScalar()) {
        auto one = string(value, path);
        if (!one) return std::nullopt;
        out.push_back(std::move(*one));
        return out;
    }
    if (!value.IsSequence()) {
        wrong_type(value, path, single_ok ? "a list of names (or one name)" : "a list of names ([a, b])");
        return std::nullopt;
    }
    note_node(value, path);
    bool ok = true;
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto item = string(value[i], item_path(path, i));
        if (item) out.push_back(std::move(*item));
        else ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::size_t> config_reader::choice(const YAML::Node& value, const std::string& path,
                                                 std::span<const std::string_view> names) {
    auto text = scalar(value, path, "one of " + one_of(names));
    if (!text) return std::nullopt;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (*text == names[i]) return i;
    std::string hint = closest_match(*text, names);
    error(where(value), path,
          index_.quote(path) + " is not one of " + one_of(names) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return std::nullopt;
}

}  // namespace shiftsync::transfer::sync

// parse_sync_config: the YAML tree, its top-level keys, then connections, streams and the checks
// across them (config_build.hpp); load_sync_config reads the file.

#include "transfer/sync/config.hpp"

#include "transfer/sync/config_build.hpp"
#include "transfer/sync/config_values.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace shiftsync::transfer::sync {
namespace {

constexpr std::array<std::string_view, 6> top_keys{"connections", "defaults", "streams", "max_parallel_streams",
                                                   "memory_limit", "state_schema"};

void read_top_level(config_reader& reader, const std::vector<map_entry>& entries, sync_config& out) {
    for (const auto& e : entries) {
        if (e.key == "max_parallel_streams") {
            if (auto n = reader.integer(e.value, e.path, 1, 1024)) out.max_parallel_streams = static_cast<int>(*n);
        } else if (e.key == "memory_limit") {
            auto text = reader.string(e.value, e.path);
            if (!text) continue;
            if (auto bytes = parse_memory_size(*text)) out.memory_limit = *bytes;
            else
                reader.error(e.path, reader.index().quote(e.path) +
                                         " is not a memory size (256MiB, 1GiB, 64MB or a number of bytes, above 0)");
        } else if (e.key == "state_schema") {
            auto text = reader.string(e.value, e.path);
            if (!text) continue;
            if (is_plain_identifier(*text)) out.state_schema = *text;
            else
                reader.error(e.path, reader.index().quote(e.path) +
                                         " is not a plain schema name (a letter or _, then letters, digits, _ or $)");
        }
    }
}

YAML::Node find(const std::vector<map_entry>& entries, std::string_view key) {
    for (const auto& e : entries)
        if (e.key == key) return e.value;
    return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace

std::string config_error::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!key_path.empty()) out += key_path + ": ";
    return out + message;
}

config_result parse_sync_config(std::string_view text, std::string file_name, const getenv_function& getenv) {
    config_result result;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        // yaml-cpp's words name the construct, never the values around it.
        int line = e.mark.is_null() ? 0 : e.mark.line + 1, column = e.mark.is_null() ? 0 : e.mark.column + 1;
        result.errors.push_back({file_name, line, column, "", "YAML syntax: " + e.msg});
        return result;
    }
    config_reader reader(file_name, getenv);
    sync_config config;
    config.file = file_name;
    if (!root || root.IsNull()) {
        reader.error(position{}, "", "the file is empty: it needs connections: and streams:");
    } else {
        auto top = reader.entries(root, "", top_keys, "a map (connections:, streams:, …) at the top");
        read_top_level(reader, top, config);
        if (auto connections = find(top, "connections"); connections) parse_connections(reader, connections, config);
        else if (root.IsMap()) reader.error(position{}, "connections", "missing connections: (name: {type: …, …})");
        if (root.IsMap()) {
            auto streams = parse_streams(reader, find(top, "streams"), find(top, "defaults"));
            validate_streams(reader, streams, config);
        }
    }
    result.errors = std::move(reader.errors());
    std::stable_sort(result.errors.begin(), result.errors.end(), [](const config_error& a, const config_error& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    if (!result.errors.empty()) return result;
    for (auto& secret : reader.secrets())
        if (std::find(config.secrets.begin(), config.secrets.end(), secret) == config.secrets.end())
            config.secrets.push_back(std::move(secret));
    // A note names its stream, and a name may come from ${VAR}: notes are safe to print as they are.
    for (auto& note : config.notes) note = redact(note, config);
    result.config = std::move(config);
    return result;
}

config_result load_sync_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        config_result result;
        result.errors.push_back({path, 0, 0, "", std::string("cannot read the config file: ") + std::strerror(errno)});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_sync_config(text.str(), path, [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    });
}

}  // namespace shiftsync::transfer::sync

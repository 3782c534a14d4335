#pragma once
// Reading the YAML tree of a config file with every mistake collected, not thrown: each accessor
// checks one node's type, interpolates ${VAR} (config_values.hpp), records where the value was and
// how to quote it (index), and on a mistake adds an error with file, line, column and key path,
// then returns nullopt so the caller moves on to the next key.
//
// Internal to transfer/sync/config*.cpp.

#include "transfer/sync/config.hpp"

#include <yaml-cpp/yaml.h>

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shiftsync::transfer::sync {

struct position {
    int line = 0;  // 1-based; 0: unknown
    int column = 0;
};

// Where each value read came from, by key path ("streams[1].write"), and how a message may quote
// it: as written when it came from ${VAR} (never the value), else the value. A stream's key taken
// from defaults: is recorded under the stream's path with the position in defaults:.
struct located {
    position at;
    std::string shown;
};

struct config_index {
    std::map<std::string, located> values;
    std::map<std::string, position> nodes;  // maps and lists by path, for errors about a missing key
    // The position of `path`, else of its closest recorded parent ("streams[1].source.table" ->
    // "streams[1].source" -> "streams[1]"), else line 0.
    position locate(std::string path) const;
    // How to quote the value at `path` in a message: 'value' or '${VAR}'.
    std::string quote(const std::string& path) const;
};

struct map_entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    std::string path;  // the parent's path + "." + key (no leading '.' at the top)
};

class config_reader {
public:
    config_reader(std::string file, const getenv_function& getenv) : file_(std::move(file)), getenv_(getenv) {}

    void error(position at, std::string key_path, std::string message);
    void error(const std::string& key_path, std::string message);  // at index().locate(key_path)

    static position where(const YAML::Node& node);

    // The entries of a map, in order. Not a map: an error (nothing returned). Keys not in `known`
    // are errors (with a suggestion); a key given twice is an error (yaml-cpp would keep the first).
    // `known` empty: any key (a map of names).
    std::vector<map_entry> entries(const YAML::Node& map, const std::string& path,
                                   std::span<const std::string_view> known, std::string_view what);

    std::optional<std::string> string(const YAML::Node& value, const std::string& path);
    // A whole number in min..max; else an error saying which bound it crossed.
    std::optional<std::int64_t> integer(const YAML::Node& value, const std::string& path, std::int64_t min,
                                        std::int64_t max = std::numeric_limits<std::int64_t>::max());
    std::optional<bool> boolean(const YAML::Node& value, const std::string& path);
    // A list of strings; `single_ok`: a lone string is a one-element list (primary_key: id).
    std::optional<std::vector<std::string>> string_list(const YAML::Node& value, const std::string& path,
                                                        bool single_ok);
    // One of `names` (index into it); else an error listing them, with a suggestion.
    std::optional<std::size_t> choice(const YAML::Node& value, const std::string& path,
                                      std::span<const std::string_view> names);

    void note_node(const YAML::Node& node, const std::string& path) { index_.nodes[path] = where(node); }

    config_index& index() { return index_; }
    std::vector<config_error>& errors() { return errors_; }
    std::vector<std::string>& secrets() { return secrets_; }
    const std::string& file() const { return file_; }

private:
    // A scalar's text, interpolated and recorded; nullopt (error given) for a map, list or null.
    std::optional<std::string> scalar(const YAML::Node& value, const std::string& path, std::string_view expected);
    void wrong_type(const YAML::Node& value, const std::string& path, std::string_view expected);

    std::string file_;
    const getenv_function& getenv_;
    config_index index_;
    std::vector<config_error> errors_;
    std::vector<std::string> secrets_;
};

std::string child_path(const std::string& parent, std::string_view key);
std::string item_path(const std::string& parent, std::size_t index);

}  // namespace shiftsync::transfer::sync

// defaults: and streams: -> stream_config. See config_build.hpp.
//
// One form for streams: a list whose items name themselves (`- name: orders`), as Sling's and
// Meltano's users write theirs. A name keys the stream's state (its cursor), so it is required and
// explicit: renaming a stream starts it afresh, and nothing renames one by accident.

#include "transfer/sync/config_build.hpp"

#include "transfer/sync/config_values.hpp"

#include <array>

namespace shiftsync::transfer::sync {
namespace {

constexpr std::array<std::string_view, 12> stream_keys{"name", "source", "destination", "mode", "cursor",
                                                       "lookback", "primary_key", "write", "columns", "exclude",
                                                       "where", "via"};
constexpr std::array<std::string_view, 5> source_keys{"connection", "table", "sql", "path", "format"};
constexpr std::array<std::string_view, 5> destination_keys{"connection", "table", "path", "format", "gzip"};
constexpr std::array<std::string_view, 2> mode_names{"full_refresh", "incremental"};
constexpr std::array<std::string_view, 3> write_names{"append", "replace", "upsert"};
constexpr std::array<std::string_view, 3> via_names{"auto", "data-api", "unload"};
constexpr std::array<std::string_view, 2> format_names{"ndjson", "csv"};

// Each key a stream may take from defaults:, and how to copy its value.
using copier = void (*)(stream_config&, const stream_config&);
struct field {
    std::string_view key;
    copier copy;
};
const std::array<field, 20> fields{{
    {"source.connection", [](stream_config& t, const stream_config& f) { t.source.connection = f.source.connection; }},
    {"source.table", [](stream_config& t, const stream_config& f) { t.source.table = f.source.table; }},
    {"source.sql", [](stream_config& t, const stream_config& f) { t.source.sql = f.source.sql; }},
    {"source.path", [](stream_config& t, const stream_config& f) { t.source.path = f.source.path; }},
    {"source.format", [](stream_config& t, const stream_config& f) { t.source.format = f.source.format; }},
    {"destination.connection",
     [](stream_config& t, const stream_config& f) { t.destination.connection = f.destination.connection; }},
    {"destination.table", [](stream_config& t, const stream_config& f) { t.destination.table = f.destination.table; }},
    {"destination.path", [](stream_config& t, const stream_config& f) { t.destination.path = f.destination.path; }},
    {"destination.format", [](stream_config& t, const stream_config& f) { t.destination.format = f.destination.format; }},
    {"destination.gzip", [](stream_config& t, const stream_config& f) { t.destination.gzip = f.destination.gzip; }},
    {"mode", [](stream_config& t, const stream_config& f) { t.mode = f.mode; }},
    {"cursor", [](stream_config& t, const stream_config& f) { t.cursor = f.cursor; }},
    {"lookback", [](stream_config& t, const stream_config& f) { t.lookback = f.lookback; }},
    {"primary_key", [](stream_config& t, const stream_config& f) { t.primary_key = f.primary_key; }},
    {"write", [](stream_config& t, const stream_config& f) { t.write = f.write; }},
    {"columns", [](stream_config& t, const stream_config& f) { t.columns = f.columns; }},
    {"exclude", [](stream_config& t, const stream_config& f) { t.exclude = f.exclude; }},
    {"where", [](stream_config& t, const stream_config& f) { t.where = f.where; }},
    {"via", [](stream_config& t, const stream_config& f) { t.via = f.via; }},
    {"name", [](stream_config&, const stream_config&) {}},  // never from defaults (not a defaults key)
}};

template <class E>
void read_choice(config_reader& reader, const map_entry& e, std::span<const std::string_view> names, E& into) {
    if (auto i = reader.choice(e.value, e.path, names)) into = static_cast<E>(*i);
}

void read_text(config_reader& reader, const map_entry& e, std::string& into) {
    auto text = reader.string(e.value, e.path);
    if (!text) return;
    if (text->empty()) reader.error(e.path, "is empty (give a value, or leave the key out)");
    into = std::move(*text);
}

// source: or destination: — their keys into `given` as "source.table" etc. Keys whose value is
// wrong still count as given, so no "missing" error follows the one already said.
void read_end(config_reader& reader, const map_entry& e, bool is_source, parsed_stream& out) {
    std::span<const std::string_view> known = is_source ? std::span<const std::string_view>(source_keys)
                                                        : std::span<const std::string_view>(destination_keys);
    auto& s = out.config.source;
    auto& d = out.config.destination;
    out.given.insert(e.key);
    for (const auto& k : reader.entries(e.value, e.path, known, "a map ({connection: NAME, table: …})")) {
        out.given.insert(e.key + "." + k.key);
        if (k.key == "format") read_choice(reader, k, format_names, is_source ? s.format : d.format);
        else if (k.key == "gzip") {
            if (auto b = reader.boolean(k.value, k.path)) d.gzip = *b;
        } else if (k.key == "connection") read_text(reader, k, is_source ? s.connection : d.connection);
        else if (k.key == "table") read_text(reader, k, is_source ? s.table : d.table);
        else if (k.key == "sql") read_text(reader, k, s.sql);
        else read_text(reader, k, is_source ? s.path : d.path);
    }
}

void read_stream(config_reader& reader, const YAML::Node& node, const std::string& path, bool is_defaults,
                 parsed_stream& out) {
    std::span<const std::string_view> known(stream_keys);
    if (is_defaults) known = known.subspan(1);  // every key but name
    auto& c = out.config;
    c.line = config_reader::where(node).line;
    out.path = path;
    for (const auto& e : reader.entries(node, path, known, is_defaults ? "a map of stream keys" : "a map (- name: …)")) {
        const std::string& k = e.key;
        if (k != "source" && k != "destination") out.given.insert(k);
        if (k == "source" || k == "destination") read_end(reader, e, k == "source", out);
        else if (k == "mode") read_choice(reader, e, mode_names, c.mode);
        else if (k == "write") read_choice(reader, e, write_names, c.write);
        else if (k == "via") read_choice(reader, e, via_names, c.via);
        else if (k == "primary_key" || k == "columns" || k == "exclude") {
            auto list = reader.string_list(e.value, e.path, k == "primary_key");
            if (list && list->empty() && k == "primary_key")
                reader.error(e.path, "is empty (give the columns that identify a row, or leave it out)");
            if (list) (k == "primary_key" ? c.primary_key : k == "columns" ? c.columns : c.exclude) = std::move(*list);
        } else if (k == "lookback") {
            auto text = reader.string(e.value, e.path);
            if (!text) continue;
            auto parsed = parse_lookback(*text);
            if (!parsed)
                reader.error(e.path, reader.index().quote(e.path) +
                                         " is not a lookback: a duration (5m, 1h30m, 2d; units s m h d) or a number "
                                         "of cursor values (100)");
            else c.lookback = std::move(*parsed);
        } else read_text(reader, e, k == "name" ? c.name : k == "cursor" ? c.cursor : c.where);
    }
}

void apply_defaults(config_reader& reader, const parsed_stream& defaults, parsed_stream& stream) {
    auto& index = reader.index();
    for (const auto& f : fields) {
        std::string key(f.key);
        if (stream.given.count(key) || !defaults.given.count(key)) continue;
        f.copy(stream.config, defaults.config);
        stream.given.insert(key);
        stream.inherited.insert(key);
        std::string from = child_path("defaults", key), to = child_path(stream.path, key);
        if (auto v = index.values.find(from); v != index.values.end()) index.values[to] = v->second;
        if (auto n = index.nodes.find(from); n != index.nodes.end()) index.nodes[to] = n->second;
    }
}

}  // namespace

std::vector<parsed_stream> parse_streams(config_reader& reader, const YAML::Node& streams, const YAML::Node& defaults) {
    parsed_stream shared;
    if (defaults && !defaults.IsNull()) read_stream(reader, defaults, "defaults", true, shared);
    std::vector<parsed_stream> out;
    if (!streams) {
        reader.error(position{}, "streams", "missing streams: (a list, - name: … source: … destination: …)");
        return out;
    }
    if (streams.IsMap()) {
        reader.error(config_reader::where(streams), "streams",
                     "streams is a list whose items name themselves: '- name: orders' (found a map)");
        return out;
    }
    if (!streams.IsSequence() || streams.size() == 0) {
        reader.error(config_reader::where(streams), "streams",
                     "expected a list of streams (- name: … source: … destination: …), found " +
                         std::string(streams.IsSequence() ? "an empty list" : streams.IsNull() ? "nothing" : "a value"));
        return out;
    }
    reader.note_node(streams, "streams");
    for (std::size_t i = 0; i < streams.size(); ++i) {
        parsed_stream stream;
        std::string path = item_path("streams", i);
        if (!streams[i].IsMap()) {
            reader.error(config_reader::where(streams[i]), path, "expected a stream (- name: … source: … destination: …)");
            continue;
        }
        read_stream(reader, streams[i], path, false, stream);
        apply_defaults(reader, shared, stream);
        out.push_back(std::move(stream));
    }
    return out;
}

}  // namespace shiftsync::transfer::sync

// What needs more than one key: see config_build.hpp.
//
// A key that does not apply to its stream's source or destination (where: on a file source,
// format: on a table destination) is an error when the stream sets it, and ignored when it comes
// from defaults:, which many streams of different kinds share.

#include "transfer/sync/config_build.hpp"

#include "transfer/sync/config_values.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace shiftsync::transfer::sync {
namespace {

bool is_database(connection_kind kind) { return kind == connection_kind::redshift || kind == connection_kind::postgres; }

std::string_view described(connection_kind kind) {
    switch (kind) {
        case connection_kind::redshift: return "a Redshift connection";
        case connection_kind::postgres: return "a PostgreSQL connection";
        case connection_kind::s3: return "an S3 prefix";
        case connection_kind::local: return "a local directory";
    }
    return "";
}

// The directions the sync worker moves data in (issue #13): Redshift to anything, into Redshift
// from PostgreSQL and local files.
bool supported(connection_kind from, connection_kind to) {
    if (from == connection_kind::redshift) return true;
    return to == connection_kind::redshift && (from == connection_kind::postgres || from == connection_kind::local);
}

constexpr std::string_view supported_text =
    "supported: redshift -> redshift, postgres, local or s3; postgres -> redshift; local -> redshift";

bool same_name(std::string_view a, std::string_view b) {  // Redshift folds unquoted names to lower case
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool valid_stream_name(std::string_view name) {
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    });
}

class stream_checker {
public:
    stream_checker(config_reader& reader, const parsed_stream& s, sync_config& out,
                   std::set<std::string>& staging_said)
        : reader_(reader), s_(s), c_(s.config), out_(out), staging_said_(staging_said) {}

    void run() {
        const connection_config* from = connection("source", c_.source.connection);
        const connection_config* to = connection("destination", c_.destination.connection);
        if (from) check_source(*from);
        if (to) check_destination(*to);
        // An s3 source was said to be one already.
        if (from && to && from->kind != connection_kind::s3 && !supported(from->kind, to->kind))
            error("destination.connection", std::string(to_string(from->kind)) + " -> " +
                                                std::string(to_string(to->kind)) + " is not a direction shiftsync syncs (" +
                                                std::string(supported_text) + ")");
        check_mode();
        check_columns();
        notes();
    }

private:
    std::string at(std::string_view key) const { return child_path(s_.path, key); }
    bool own(std::string_view key) const {
        std::string k(key);
        return s_.given.count(k) && !s_.inherited.count(k);
    }
    void error(std::string_view key, std::string message) { reader_.error(at(key), std::move(message)); }
    std::string quote(std::string_view key) const { return reader_.index().quote(at(key)); }
    std::string label() const { return c_.name.empty() ? s_.path : "stream " + c_.name; }

    const connection_config* connection(std::string_view end, const std::string& name) {
        std::string key = std::string(end) + ".connection";
        if (!s_.given.count(std::string(end))) {
            error(end, "missing " + std::string(end) + ": ({connection: NAME, " +
                           (end == "source" ? "table: SCHEMA.TABLE | sql: SELECT … | path: FILES}" : "table: SCHEMA.TABLE | path: FILES}"));
            return nullptr;
        }
        if (!s_.given.count(key)) {
            error(key, "missing connection: (one of the names under connections:)");
            return nullptr;
        }
        if (name.empty()) return nullptr;  // an error was said about the value
        if (const auto* found = out_.find_connection(name)) return found;
        std::vector<std::string_view> names;
        for (const auto& c : out_.connections) names.push_back(c.name);
        std::string hint = closest_match(name, names);
        std::string known;
        for (auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
        error(key, "no connection named " + quote(key) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                       (known.empty() ? "; connections: defines none" : "; defined: " + known));
        return nullptr;
    }

    // A key that does not apply here: an error when the stream set it, silence from defaults.
    void not_here(std::string_view key, const std::string& why) {
        if (own(key)) error(key, why);
    }

    void check_source(const connection_config& from) {
        std::string conn = "connection '" + from.name + "' is " + std::string(described(from.kind));
        if (from.kind == connection_kind::s3) {
            error("source.connection", conn + ", a destination only (" + std::string(supported_text) + ")");
            return;
        }
        if (is_database(from.kind)) {
            not_here("source.path", conn + ": read it with table: or sql:, not path:");
            not_here("source.format", conn + ": format: applies to files only");
            bool table = s_.given.count("source.table"), sql = s_.given.count("source.sql");
            if (table && sql) error("source.sql", "give table: or sql:, not both");
            else if (!table && !sql) error("source", "give table: SCHEMA.TABLE or sql: SELECT … (" + conn + ")");
            if (sql && own("where")) error("where", "where: applies to a table source; put the condition in sql:");
        } else {
            for (auto key : {"source.table", "source.sql"})
                if (s_.given.count(key))
                    error(key, conn + " of files: read them with path: (relative to its directory " +
                                   reader_.index().quote("connections." + from.name + ".directory") + "), not " + std::string(std::string_view(key).substr(7)) + ":");
            not_here("where", "where: applies to a table source, not files");
        }
        if (from.kind != connection_kind::redshift) {
            not_here("via", "via: applies to Redshift sources only (" + conn + ")");
        } else if (c_.via == read_via::unload && from.redshift.staging.empty()) {
            error("via", "via: unload stages its files in S3: set staging: s3://BUCKET/PREFIX/ on connection '" +
                             from.name + "'");
        }
    }

    void check_destination(const connection_config& to) {
        std::string conn = "connection '" + to.name + "' is " + std::string(described(to.kind));
        if (is_database(to.kind)) {
            if (s_.given.count("destination.path")) error("destination.path", conn + ": write to it with table:, not path:");
            else if (!s_.given.count("destination.table")) error("destination", "missing table: SCHEMA.TABLE (" + conn + ")");
            not_here("destination.format", conn + ": format: applies to files only");
            not_here("destination.gzip", conn + ": gzip: applies to files only");
            if (to.kind == connection_kind::redshift && to.redshift.staging.empty() &&
                staging_said_.insert(to.name).second)
                reader_.error(reader_.index().locate("connections." + to.name), "connections." + to.name + ".staging",
                              "loading into Redshift stages files in S3 (" + s_.path +
                                  " writes here): set staging: s3://BUCKET/PREFIX/");
        } else {
            if (s_.given.count("destination.table"))
                error("destination.table", conn + ": write files with path: (relative to its " +
                                               (to.kind == connection_kind::s3 ? "prefix" : "directory") + "), not table:");
            else if (!s_.given.count("destination.path"))
                error("destination", std::string("missing path: (where the files go, relative to the ") +
                                         (to.kind == connection_kind::s3 ? "prefix" : "directory") + " of connection '" +
                                         to.name + "')");
            if (c_.write == write_disposition::upsert)
                error("write", "files can't be upserted (" + conn +
                                   "): use write: append (each run adds new files) or write: replace (each run "
                                   "replaces the files under path:)");
        }
    }

    void check_mode() {
        if (c_.mode == sync_mode::incremental && c_.cursor.empty() && !s_.given.count("cursor"))
            error("mode", "incremental needs cursor: COLUMN (a column that grows with every new or changed row, "
                          "e.g. updated_at)");
        if (c_.write == write_disposition::upsert && c_.primary_key.empty() && !s_.given.count("primary_key"))
            error("write", "upsert needs primary_key: [COLUMNS] (the columns that identify a row)");
    }

    // The cursor and the key must be read: columns: must keep them, exclude: must not drop them.
    void check_columns() {
        std::vector<std::pair<std::string, std::string>> needed;  // column, why
        if (c_.mode == sync_mode::incremental && !c_.cursor.empty()) needed.emplace_back(c_.cursor, "cursor");
        for (const auto& k : c_.primary_key) needed.emplace_back(k, "primary_key");
        for (const auto& [column, role] : needed) {
            const std::string& wanted = column;  // lambdas capturing structured bindings: clang 15 lacks them
            if (!c_.columns.empty() &&
                std::none_of(c_.columns.begin(), c_.columns.end(), [&](const auto& x) { return same_name(x, wanted); }))
                error("columns", "columns: leaves out " + role + " column '" + column + "'; add it to columns:");
            for (std::size_t i = 0; i < c_.exclude.size(); ++i)
                if (same_name(c_.exclude[i], column))
                    reader_.error(item_path(at("exclude"), i),
                                  "exclude: drops " + role + " column '" + column + "'; the " + role + " must be read");
        }
    }

    void notes() {
        std::string who = label() + ": ";
        bool incremental = c_.mode == sync_mode::incremental;
        if (incremental && c_.write == write_disposition::append && c_.primary_key.empty())
            out_.notes.push_back(who + "append without primary_key is at-least-once: a run repeated after a crash, "
                                       "or the lookback's overlap, can add a row twice (give primary_key: and write: "
                                       "upsert for exactly once)");
        if (incremental && c_.write == write_disposition::replace)
            out_.notes.push_back(who + "replace with incremental keeps only the rows of the latest run (each run "
                                       "replaces the destination with the rows since the cursor)");
        if (!incremental && c_.write == write_disposition::append)
            out_.notes.push_back(who + "full_refresh with append adds every row again on each run (write: replace "
                                       "keeps one copy)");
        if (!incremental && own("cursor")) out_.notes.push_back(who + "cursor: is ignored in full_refresh mode");
        if (!incremental && own("lookback")) out_.notes.push_back(who + "lookback: is ignored in full_refresh mode");
    }

    config_reader& reader_;
    const parsed_stream& s_;
    const stream_config& c_;
    sync_config& out_;
    std::set<std::string>& staging_said_;
};

}  // namespace

void validate_streams(config_reader& reader, const std::vector<parsed_stream>& streams, sync_config& out) {
    std::map<std::string, const parsed_stream*> names;
    std::set<std::string> staging_said;
    for (const auto& s : streams) {
        std::string name_path = child_path(s.path, "name");
        if (!s.given.count("name")) {
            reader.error(reader.index().locate(s.path), name_path,
                         "missing name: (it keys the stream's state; letters, digits, _ - .)");
        } else if (!s.config.name.empty()) {
            if (!valid_stream_name(s.config.name))
                reader.error(name_path, reader.index().quote(name_path) +
                                            " is not a stream name (letters, digits, _ - . only: it names state rows "
                                            "and files)");
            auto [it, fresh] = names.emplace(s.config.name, &s);
            if (!fresh)
                reader.error(name_path, "stream name " + reader.index().quote(name_path) + " is also used by " +
                                            it->second->path + " (line " + std::to_string(it->second->config.line) +
                                            "); names key the state, so each must be unique");
        }
        stream_checker(reader, s, out, staging_said).run();
        out.streams.push_back(s.config);
    }
}

}  // namespace shiftsync::transfer::sync

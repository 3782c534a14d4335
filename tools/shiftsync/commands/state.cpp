// `shiftsync state show|reset`: the sync worker's local state file (transfer/sync/state_store.hpp),
// default $XDG_STATE_HOME/shiftsync/state.db. `show` lists each stream's status, cursor, rows and
// last run as a table or --json; `reset STREAM...` forgets streams' cursors and counts, so the next
// sync reads them from the start. Reset asks on a terminal unless --yes, refuses without --yes
// anywhere else, takes each stream's lock first (never under a sync that runs it), and keeps the
// in-flight staging prefixes and uploads for the next sync's housekeeping to clean. Both open the
// file as sync does, so `show` on a path with no file yet creates an empty one (and says it is
// empty), and a path that cannot be made fails the same way sync would.

#include "tools/shiftsync/commands/commands.hpp"
#include "tools/shiftsync/connection/s3_session.hpp"
#include "transfer/staging/run_marker.hpp"
#include "transfer/sync/state_store.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace shiftsync::cli {
namespace {

namespace sync = transfer::sync;

struct state_flags {
    std::string path;
    std::vector<std::string> streams;
    bool json = false;
    bool yes = false;
};

constexpr const char* reset_owner = "shiftsync state reset";

std::string when(std::int64_t unix_seconds) {
    if (unix_seconds == 0) return "-";
    return transfer::staging::format_utc(std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

// At most `width` characters, an ellipsis ("...") at the cut; "-" for nothing.
std::string cell(const std::string& text, std::size_t width) {
    if (text.empty()) return "-";
    std::string flat = text;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    if (flat.size() <= width) return flat;
    return flat.substr(0, width - 3) + "...";
}

std::unique_ptr<sync::state_store> open_state(const state_flags& flags) {
    std::string why;
    auto store = sync::state_store::open(flags.path, why);
    if (!store) {
        fmt::print(stderr, "shiftsync state: {}\n", why);
        return nullptr;
    }
    return std::move(*store);
}

// The rows named on the command line, in that order (all when none are); an unknown name is a
// usage error that lists the known ones.
bool pick(const std::vector<sync::stream_state>& all, const state_flags& flags, std::vector<sync::stream_state>& out) {
    if (flags.streams.empty()) {
        out = all;
        return true;
    }
    for (const auto& name : flags.streams) {
        auto found = std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.stream == name; });
        if (found != all.end()) {
            out.push_back(*found);
            continue;
        }
        std::string known;
        for (const auto& s : all) known += (known.empty() ? "" : ", ") + s.stream;
        fmt::print(stderr, "shiftsync state: no stream named '{}' in {}; {}\n", name, flags.path,
                   known.empty() ? "it holds no streams yet (no sync has run with it)" : "known streams: " + known);
        return false;
    }
    return true;
}

void print_table(const std::vector<sync::stream_state>& streams) {
    std::vector<std::vector<std::string>> rows{
        {"STREAM", "STATUS", "CURSOR", "ROWS LAST", "ROWS TOTAL", "LAST RUN", "FINISHED", "LAST ERROR"}};
    for (const auto& s : streams)
        rows.push_back({s.stream, s.status, s.cursor ? cell(*s.cursor, 32) : "-", std::to_string(s.rows_last),
                        std::to_string(s.rows_total), cell(s.last_run_id, 40), when(s.finished_at),
                        cell(s.last_error, 60)});
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
        fmt::print("{}\n", line);
    }
}

boost::json::object stream_json(const sync::stream_state& s, sync::state_store& store) {
    boost::json::value cursor = nullptr;
    if (s.cursor) cursor = *s.cursor;
    boost::json::value lock = nullptr;
    if (auto holder = store.lock_holder(s.stream))
        lock = boost::json::object{{"owner", holder->owner},
                                   {"host", holder->host},
                                   {"pid", holder->pid},
                                   {"acquired_at", holder->acquired_at}};
    return {{"stream", s.stream},
            {"status", s.status},
            {"cursor", cursor},
            {"cursor_column", s.cursor_column},
            {"last_run_id", s.last_run_id},
            {"pending_run_id", s.pending_run_id},
            {"last_error", s.last_error},
            {"rows_last", s.rows_last},
            {"rows_total", s.rows_total},
            {"bytes_last", s.bytes_last},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at},
            {"seconds_last", s.seconds_last},
            {"lock", lock}};
}

int run_show(const state_flags& flags) {
    auto store = open_state(flags);
    if (!store) return exit_failed;
    auto all = store->list();
    if (!store->failure().empty()) {
        fmt::print(stderr, "shiftsync state: {}\n", store->failure());
        return exit_failed;
    }
    std::vector<sync::stream_state> shown;
    if (!pick(all, flags, shown)) return exit_usage;
    auto inflight = store->inflight();
    if (flags.json) {
        boost::json::array streams, items;
        for (const auto& s : shown) streams.push_back(stream_json(s, *store));
        for (const auto& i : inflight)
            items.push_back(boost::json::object{{"stream", i.stream},
                                                {"run_id", i.run_id},
                                                {"kind", i.kind},
                                                {"bucket", i.bucket},
                                                {"key", i.key},
                                                {"upload_id", i.upload_id},
                                                {"created_at", i.created_at}});
        boost::json::object out{
            {"state_file", flags.path}, {"streams", std::move(streams)}, {"inflight", std::move(items)}};
        fmt::print("{}\n", boost::json::serialize(out));
        return exit_ok;
    }
    if (shown.empty()) {
        fmt::print("no streams in {} yet: no sync has run with this state file\n", flags.path);
        return exit_ok;
    }
    print_table(shown);
    if (!inflight.empty())
        fmt::print(
            "{} in-flight staging prefix(es) or upload(s) from runs that did not finish; the next sync cleans "
            "them up (--json lists them)\n",
            inflight.size());
    return exit_ok;
}

// On a terminal: asks, and only "y" or "yes" goes on.
bool confirmed(const state_flags& flags) {
    fmt::print(stderr,
               "Reset {} in {}? Their cursors and counts are forgotten: the next sync reads them from the "
               "start. [y/N] ",
               fmt::join(flags.streams, ", "), flags.path);
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    return answer == "y" || answer == "Y" || answer == "yes";
}

int run_reset(const state_flags& flags) {
    if (!flags.yes && !::isatty(STDIN_FILENO)) {
        fmt::print(stderr,
                   "shiftsync state reset: refusing to reset without --yes when no terminal can confirm it; "
                   "add --yes\n");
        return exit_usage;
    }
    auto store = open_state(flags);
    if (!store) return exit_failed;
    auto all = store->list();
    std::vector<sync::stream_state> chosen;
    if (!pick(all, flags, chosen)) return exit_usage;
    if (!flags.yes && !confirmed(flags)) {
        fmt::print(stderr, "shiftsync state reset: nothing was reset\n");
        return exit_failed;
    }
    // Every lock first: a sync running one of them keeps it, and then nothing is reset.
    std::vector<std::string> locked;
    auto unlock_all = [&] {
        for (const auto& name : locked) store->unlock_stream(name, reset_owner);
    };
    for (const auto& s : chosen) {
        if (!store->try_lock_stream(s.stream, reset_owner)) {
            fmt::print(stderr, "shiftsync state reset: {}; nothing was reset\n", store->failure());
            unlock_all();
            return exit_failed;
        }
        locked.push_back(s.stream);
    }
    auto inflight = store->inflight();
    int code = exit_ok;
    for (const auto& s : chosen) {
        if (!store->reset(s.stream)) {
            fmt::print(stderr, "shiftsync state reset: {}\n", store->failure());
            code = exit_failed;
            continue;
        }
        auto kept =
            std::count_if(inflight.begin(), inflight.end(), [&](const auto& i) { return i.stream == s.stream; });
        fmt::print("reset {}: removed cursor {}{}, last run {}, {} rows total, status {}{}\n", s.stream,
                   s.cursor ? "'" + cell(*s.cursor, 64) + "'" : "(none)",
                   s.cursor_column.empty() ? "" : " on " + s.cursor_column, cell(s.last_run_id, 64), s.rows_total,
                   s.status,
                   kept == 0 ? "" : fmt::format("; kept {} in-flight item(s) for the next sync to clean up", kept));
    }
    unlock_all();
    if (code == exit_ok)
        fmt::print(stderr,
                   "note: a database destination also keeps its cursor in its shiftsync_state table, and the "
                   "next sync adopts it from there; clear that row too for a full re-read\n");
    return code;
}

}  // namespace

command_runner add_state_command(CLI::App& app) {
    auto flags = std::make_shared<state_flags>();
    flags->path = sync::state_store::default_path();
    auto* cmd = app.add_subcommand("state", "Show or reset the sync worker's state (cursors, runs, counts)");
    cmd->require_subcommand(1);
    const std::string state_help = "The state file (default $XDG_STATE_HOME/shiftsync/state.db)";

    auto* show = cmd->add_subcommand("show", "Each stream's status, cursor, rows and last run");
    show->add_option("STREAM", flags->streams, "Only these streams (default: all)");
    show->add_flag("--json", flags->json, "One JSON object on stdout: streams and in-flight items");
    show->add_option("--state", flags->path, state_help);

    auto* reset = cmd->add_subcommand("reset", "Forget streams' cursors and counts: the next sync reads them in full");
    reset->add_option("STREAM", flags->streams, "The streams to reset")->required();
    reset->add_flag("--yes", flags->yes, "Do not ask (required when stdin is not a terminal)");
    reset->add_option("--state", flags->path, state_help);

    return [flags, show] { return show->parsed() ? run_show(*flags) : run_reset(*flags); };
}

}  // namespace shiftsync::cli

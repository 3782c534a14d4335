// sync_state_writer: drives a state store from its own process, for the tests that need another
// process on the same file (a writer killed mid-loop, two writers, a lock held by a live or dead
// pid) and for the `shiftsync state` CLI tests, which need state to show and reset.
//
//   sync_state_writer DB begin STREAM RUN NOW
//   sync_state_writer DB commit STREAM RUN CURSOR|--null COLUMN ROWS BYTES NOW SECONDS
//   sync_state_writer DB fail STREAM RUN STATUS ERROR NOW
//   sync_state_writer DB inflight STREAM RUN KIND BUCKET KEY UPLOAD_ID NOW
//   sync_state_writer DB runs STREAM N       N runs begun and committed, one row each
//   sync_state_writer DB loop STREAM         runs for ever from the stored cursor + 1: begin, record
//                                            the run's prefix, commit (cursor = run number, 1 row),
//                                            drop the prefix, then one byte on stdout
//   sync_state_writer DB lock STREAM OWNER   takes the lock, prints "locked", waits for stdin to
//                                            close, exits without unlocking
// Exit: 0 done, 1 a store call failed (its failure on stderr), 2 usage.

#include "transfer/sync/state_store.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using shiftsync::transfer::sync::state_store;

int failed(const state_store& store) {
    std::fprintf(stderr, "sync_state_writer: %s\n", store.failure().c_str());
    return 1;
}

std::int64_t number(const std::string& text) {
    return std::stoll(text);
}

int loop(state_store& store, const std::string& stream) {
    auto current = store.get(stream);
    std::int64_t next = current && current->cursor ? number(*current->cursor) + 1 : 1;
    for (;; ++next) {
        std::string run = "run-" + std::to_string(next);
        shiftsync::transfer::sync::inflight_item prefix{stream, run, "staging_prefix", "stage", "sync/" + run + "/",
                                                        "",     next};
        if (!store.begin_run(stream, run, next) || !store.add_inflight(prefix) ||
            !store.commit_run(stream, run, std::to_string(next), "id", 1, 10, next, 0.5) ||
            !store.remove_inflight(prefix))
            return failed(store);
        if (::write(STDOUT_FILENO, "+", 1) != 1) return 1;  // the parent is gone
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() < 3) {
        std::fprintf(stderr, "usage: sync_state_writer DB COMMAND STREAM ...\n");
        return 2;
    }
    std::string why;
    auto opened = state_store::open(a[0], why);
    if (!opened) {
        std::fprintf(stderr, "sync_state_writer: %s\n", why.c_str());
        return 1;
    }
    state_store& store = **opened;
    const std::string& command = a[1];
    const std::string& stream = a[2];
    auto need = [&](std::size_t n) {
        if (a.size() == n) return true;
        std::fprintf(stderr, "sync_state_writer: %s takes %zu arguments after DB\n", command.c_str(), n - 1);
        return false;
    };
    if (command == "begin") {
        if (!need(5)) return 2;
        return store.begin_run(stream, a[3], number(a[4])) ? 0 : failed(store);
    }
    if (command == "commit") {
        if (!need(10)) return 2;
        std::optional<std::string> cursor;
        if (a[4] != "--null") cursor = a[4];
        return store.commit_run(stream, a[3], cursor, a[5], std::stoull(a[6]), std::stoull(a[7]), number(a[8]),
                                std::stod(a[9]))
                   ? 0
                   : failed(store);
    }
    if (command == "fail") {
        if (!need(7)) return 2;
        return store.fail_run(stream, a[3], a[4], a[5], number(a[6])) ? 0 : failed(store);
    }
    if (command == "inflight") {
        if (!need(9)) return 2;
        return store.add_inflight({stream, a[3], a[4], a[5], a[6], a[7], number(a[8])}) ? 0 : failed(store);
    }
    if (command == "runs") {
        if (!need(4)) return 2;
        for (std::int64_t i = 0; i < number(a[3]); ++i) {
            std::string run = "run-" + std::to_string(::getpid()) + "-" + std::to_string(i);
            if (!store.begin_run(stream, run, i) || !store.commit_run(stream, run, std::to_string(i), "id", 1, 1, i, 0))
                return failed(store);
        }
        return 0;
    }
    if (command == "loop") {
        if (!need(3)) return 2;
        return loop(store, stream);
    }
    if (command == "lock") {
        if (!need(4)) return 2;
        if (!store.try_lock_stream(stream, a[3])) return failed(store);
        std::printf("locked\n");
        std::fflush(stdout);
        char byte;
        while (::read(STDIN_FILENO, &byte, 1) > 0) {
        }
        return 0;
    }
    std::fprintf(stderr, "sync_state_writer: unknown command %s\n", command.c_str());
    return 2;
}

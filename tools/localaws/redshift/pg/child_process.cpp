#include "tools/localaws/redshift/pg/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace localaws::redshift::pg {
namespace {

std::string tail_of(const std::filesystem::path& file, std::size_t max_bytes) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

child_outcome run_child(const std::vector<std::string>& argv, const std::filesystem::path& output_file) {
    child_outcome outcome;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    // Nothing but 0-2 crosses into the child. pg_ctl leaves a postmaster running for localaws's
    // whole life, and whatever it inherits it keeps: an inherited client connection is never
    // really closed when localaws closes its own descriptor (the client waits for an EOF that
    // never comes), an inherited listening socket outlives localaws. localaws marks its own
    // sockets and files close-on-exec, but a descriptor another thread opens without the flag (a
    // library's, or one accepted in the instant before the flag is set) would still leak; this
    // closes every descriptor above 2 in the child before exec (close_range, or a /proc/self/fd
    // walk where the kernel lacks it), whatever its flags.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    // localaws ignores SIGPIPE (a vanished client must not end it), and an ignored signal stays
    // ignored across exec: give pg_ctl and initdb the default disposition every program expects.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);

    pid_t pid = 0;
    int rc = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        outcome.error = "cannot start " + argv[0] + ": " + std::strerror(rc);
        return outcome;
    }
    outcome.started = true;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            outcome.error = std::string("waitpid: ") + std::strerror(errno);
            return outcome;
        }
    }
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (outcome.exit_code != 0) outcome.error = tail_of(output_file, 2000);
    return outcome;
}

}  // namespace localaws::redshift::pg

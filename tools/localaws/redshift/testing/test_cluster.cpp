#include "tools/localaws/redshift/testing/test_cluster.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

extern char** environ;

namespace localaws::redshift::testing {

test_cluster::test_cluster() {
    std::string pattern = "/tmp/localaws-pg-XXXXXX";
    if (::mkdtemp(pattern.data())) {
        dir_ = pattern;
        ::chmod(dir_.c_str(), 0711);  // the postgres OS user must traverse it
    }
    pg::cluster_options options;
    options.dir = dir_ / "pg";
    cluster_ = std::make_unique<pg::cluster>(options);
}

test_cluster::~test_cluster() {
    cluster_.reset();  // stops the server
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    if (watchdog_pipe_ >= 0) ::close(watchdog_pipe_);  // the watchdog finds nothing left to do
}

std::string test_cluster::start() {
    if (dir_.empty()) return "mkdtemp failed";
    if (watchdog_pipe_ < 0) start_watchdog();
    return cluster_->start();
}

void test_cluster::start_watchdog() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    const std::string data = (dir_ / "pg" / "data").string();
    // `read` returns at EOF, i.e. when no process holds the write end any more.
    const std::string script = "read _; if [ -f '" + data + "/postmaster.pid' ]; then runuser -u postgres -- "
                               "/usr/lib/postgresql/15/bin/pg_ctl stop -D '" + data + "' -m immediate >/dev/null 2>&1; fi; "
                               "rm -rf '" + dir_.string() + "'";
    const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);  // dup2 clears CLOEXEC on stdin only
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setpgroup(&attributes, 0);  // not in ctest's process group: survives its kill
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    pid_t pid = 0;
    if (posix_spawn(&pid, "/bin/sh", &actions, &attributes, const_cast<char**>(argv), environ) == 0) {
        watchdog_pipe_ = fds[1];
    } else {
        ::close(fds[1]);
    }
    ::close(fds[0]);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
}

}  // namespace localaws::redshift::testing

#include "tools/localaws/redshift/pg/os_user.hpp"

#include <pwd.h>
#include <sys/stat.h>

#include <cstdio>

#include "tools/localaws/redshift/pg/child_process.hpp"

namespace localaws::redshift::pg {
namespace fs = std::filesystem;
namespace {

bool reaches(const std::vector<std::string>& prefix, const fs::path& dir, const fs::path& log) {
    std::vector<std::string> argv = prefix;
    // stat("<dir>/.") needs search permission on every directory down to and including `dir`.
    argv.insert(argv.end(), {"/usr/bin/test", "-d", (dir / ".").string()});
    child_outcome outcome = run_child(argv, log);
    return outcome.started && outcome.exit_code == 0;
}

std::string describe(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return dir.string();
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const passwd* owner = ::getpwuid(st.st_uid);
    return dir.string() + " (mode " + mode + ", owner " + (owner ? owner->pw_name : std::to_string(st.st_uid)) + ")";
}

}  // namespace

std::string choose_os_user_runner(const std::string& user, const fs::path& dir, const fs::path& log,
                                  os_user_runner& out) {
    const passwd* pw = ::getpwnam(user.c_str());
    if (!pw) return "running as root needs an unprivileged OS user '" + user + "' to run PostgreSQL";
    out.uid = pw->pw_uid;
    out.gid = pw->pw_gid;
    const std::vector<std::string> plain{"/usr/sbin/runuser", "-u", user, "--"};
    if (reaches(plain, dir, log)) {
        out.prefix = plain;
        out.with_capability = false;
        return {};
    }
    const std::vector<std::string> capable{"/usr/bin/setpriv",
                                           "--reuid=" + std::to_string(out.uid),
                                           "--regid=" + std::to_string(out.gid),
                                           "--init-groups",
                                           "--inh-caps=+dac_read_search",
                                           "--ambient-caps=+dac_read_search",
                                           "--"};
    if (reaches(capable, dir, log)) {
        out.prefix = capable;
        out.with_capability = true;
        return {};
    }
    // Name the first directory on the way that the user cannot search.
    fs::path blocking = dir;
    fs::path walked;
    for (const auto& part : dir) {
        walked /= part;
        if (!reaches(plain, walked, log)) {
            blocking = walked;
            break;
        }
    }
    return "OS user '" + user + "' (PostgreSQL runs as it: localaws runs as root) cannot reach " + dir.string() +
           ": it may not search " + describe(blocking) +
           ", and localaws cannot give it CAP_DAC_READ_SEARCH here. Let it search that directory (chmod o+x " +
           blocking.string() + ", or setfacl -m u:" + user + ":x " + blocking.string() +
           "), or choose a --data-dir it can reach (e.g. under /tmp)";
}

}  // namespace localaws::redshift::pg

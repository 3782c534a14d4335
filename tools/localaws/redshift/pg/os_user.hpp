#pragma once
// How localaws, running as root, runs PostgreSQL's programs (initdb, pg_ctl, and through pg_ctl the
// server) as an unprivileged OS user: PostgreSQL refuses to run as root.
//
// That user must reach the cluster's directory, i.e. search every directory above it. A data dir
// inside a `mktemp -d` directory (0700, root's) or a home directory (/root is 0700) is out of its
// reach, and initdb failed there ("could not access directory … Permission denied"). So:
//   1. `runuser -u <user> --` when the user reaches the directory as it is (the common case);
//   2. else `setpriv` to the same user with CAP_DAC_READ_SEARCH as an ambient capability, which
//      the server inherits: it may search (and read) past directories closed to it, and nothing
//      outside the data dir changes — no chmod or ACL on a parent localaws does not own;
//   3. else (the capability is not to be had: a container without it) an error that names the
//      first directory the user cannot search and the fix.
// Each step is checked by running `test -d <dir>/.` as the user, exactly as the server would see it.

#include <filesystem>
#include <string>
#include <vector>

namespace localaws::redshift::pg {

struct os_user_runner {
    std::vector<std::string> prefix;  // prepended to a program's argv
    unsigned uid = 0;
    unsigned gid = 0;
    bool with_capability = false;  // step 2 above
};

// Fills `out` for running programs as `user` that must reach `dir`; `log` receives the checks'
// output. Returns an empty string on success, else a message for the operator.
std::string choose_os_user_runner(const std::string& user, const std::filesystem::path& dir,
                                  const std::filesystem::path& log, os_user_runner& out);

}  // namespace localaws::redshift::pg

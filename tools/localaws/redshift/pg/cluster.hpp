#pragma once
// The PostgreSQL server behind localaws's Redshift: either a private cluster that localaws creates
// and runs inside its data dir, or an existing server reached through a conninfo from config.
//
// Private cluster layout under `dir`:
//   data/        the cluster (initdb on first start, reused afterwards: data survives restarts)
//   socket/      the Unix socket directory, mode 0700: only localaws (and root) can reach it
//   tls/         the endpoint's CA and server certificate (tls_files.hpp), when `tls` is set
//   server.log   PostgreSQL's log;  ctl.log  the output of the last initdb / pg_ctl run
//
// Who may connect (pg_hba.conf, rewritten at every start):
//   - the Unix socket: anyone, `trust`. localaws connects as each database user (IAMR:<role>)
//     without knowing its password, because the Data API never sees one. The socket directory is
//     private, so that trust extends to localaws alone.
//   - the loopback TCP port (tcp_port, the workgroup endpoint): only members of
//     `endpoint_login_role` — the users GetCredentials issued a password to — with
//     scram-sha-256; with `tls`, only over TLS (hostssl), and every connection without TLS is
//     rejected (hostnossl … reject). The password's VALID UNTIL is PostgreSQL's own check.
//   The socket is named for tcp_port (.s.PGSQL.<port>); a link .s.PGSQL.5432 to it keeps
//   `psql -h <dir>/socket` (the default port) working for admin tools and tests.
//
// Settings chosen for a local emulator, not for durability: fsync, synchronous_commit and
// full_page_writes are off (a machine crash may lose the cluster; a localaws crash does not), and
// wal_level is minimal (nothing replicates from it; bulk loads into new tables skip the WAL).
//
// When the process runs as root, initdb, pg_ctl and the server run as `os_user` (PostgreSQL
// refuses to run as root), through os_user.hpp's runner: `dir` is created and chowned to that
// user, and a `dir` it cannot reach is reached with a capability or refused by prepare().
//
// Thread safety: prepare(), start() and stop() are not concurrent-safe; conninfo() is const and safe.

#include <filesystem>
#include <string>
#include <vector>

#include "tools/localaws/redshift/pg/os_user.hpp"

namespace localaws::redshift::pg {

struct cluster_options {
    std::filesystem::path dir;                               // private cluster: everything lives here
    std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";
    std::string os_user = "postgres";                        // only used when running as root
    int tcp_port = 0;                                        // 0: no TCP listener at all
    bool tls = false;                                        // TLS on tcp_port (certificates in dir/tls)
    int max_connections = 300;
    std::string external_conninfo;                           // non-empty: use that server, manage nothing
};

// The NOLOGIN role whose members may log in over TCP (pg_hba.conf: +localaws_endpoint_login).
inline constexpr const char* endpoint_login_role = "localaws_endpoint_login";

class cluster {
public:
    explicit cluster(cluster_options options);
    ~cluster();  // stops a cluster this object started
    cluster(const cluster&) = delete;
    cluster& operator=(const cluster&) = delete;

    // What can be done before the server is needed, cheaply, at localaws's start: the directories,
    // the TLS files, and (as root) how to run PostgreSQL as os_user so it reaches `dir` — the
    // error when it cannot is for the operator, before anything was promised. start() calls it.
    std::string prepare();
    // Creates the cluster when absent and starts it (waits until it accepts connections). A server
    // still running from a previous, killed process is stopped and started again.
    // Returns an empty string on success, else a message fit for an operator.
    std::string start();
    // Fast shutdown (open transactions roll back); waits until the server is gone.
    std::string stop();
    bool running() const { return running_; }
    // A private cluster was created here before (initdb ran): start() will reuse it.
    bool exists() const;

    // A libpq conninfo for `database` as `user` (the superuser when user is empty).
    std::string conninfo(const std::string& database, const std::string& user = {}) const;
    const std::string& superuser() const { return superuser_; }
    const std::filesystem::path& socket_dir() const { return socket_dir_; }
    int tcp_port() const { return options_.tcp_port; }
    // The CA certificate clients verify the TLS listener with (valid after prepare(), with `tls`).
    const std::filesystem::path& ca_file() const { return ca_file_; }
    // After prepare() as root: PostgreSQL needs CAP_DAC_READ_SEARCH to reach `dir` (os_user.hpp).
    bool needs_capability() const { return runner_.with_capability; }

private:
    std::string initdb();
    bool server_running();
    std::string write_settings();
    std::string write_hba();
    void link_default_socket();
    std::string server_log_tail() const;
    std::string run_as_owner(std::vector<std::string> argv);
    std::string prepare_tls();

    cluster_options options_;
    std::filesystem::path data_dir_;
    std::filesystem::path socket_dir_;
    std::string superuser_ = "postgres";
    std::filesystem::path ca_file_, cert_file_, key_file_;
    bool prepared_ = false;
    bool running_ = false;
    bool as_root_ = false;
    os_user_runner runner_;
};

// Quotes a value for a libpq conninfo string: 'it''s' style.
std::string conninfo_quote(const std::string& value);

}  // namespace localaws::redshift::pg

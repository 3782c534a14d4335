#pragma once
// The PostgreSQL server behind localaws's Redshift: either a private cluster that localaws creates
// and runs inside its data dir, or an existing server reached through a conninfo from config.
//
// Private cluster layout under `dir`:
//   data/        the cluster (initdb on first start, reused afterwards: data survives restarts)
//   socket/      the Unix socket directory, mode 0700: only localaws (and root) can reach it
//   server.log   PostgreSQL's log;  ctl.log  the output of the last initdb / pg_ctl run
//
// Why a private socket and `trust`: localaws connects as each database user (IAMR:<role>) without
// knowing its password, because the Data API never sees one. The socket directory is private, so
// that trust extends to localaws alone. Clients that want the password-checked "VPC endpoint" path
// get an optional loopback TCP port (tcp_port) where pg_hba demands scram-sha-256.
//
// Settings chosen for a local emulator, not for durability: fsync, synchronous_commit and
// full_page_writes are off (a machine crash may lose the cluster; a localaws crash does not).
//
// When the process runs as root, initdb, pg_ctl and the server run as `os_user` (PostgreSQL
// refuses to run as root); `dir` is created and chowned to that user, and every parent of `dir`
// must be traversable by it.
//
// Thread safety: start() and stop() are not concurrent-safe; conninfo() is const and safe.

#include <filesystem>
#include <string>
#include <vector>

namespace localaws::redshift::pg {

struct cluster_options {
    std::filesystem::path dir;                               // private cluster: everything lives here
    std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";
    std::string os_user = "postgres";                        // only used when running as root
    int tcp_port = 0;                                        // 0: no TCP listener at all
    int max_connections = 300;
    std::string external_conninfo;                           // non-empty: use that server, manage nothing
};

class cluster {
public:
    explicit cluster(cluster_options options);
    ~cluster();  // stops a cluster this object started
    cluster(const cluster&) = delete;
    cluster& operator=(const cluster&) = delete;

    // Creates the cluster when absent and starts it (waits until it accepts connections). A server
    // still running from a previous, killed process is stopped and started again.
    // Returns an empty string on success, else a message fit for an operator.
    std::string start();
    // Fast shutdown (open transactions roll back); waits until the server is gone.
    std::string stop();
    bool running() const { return running_; }

    // A libpq conninfo for `database` as `user` (the superuser when user is empty).
    std::string conninfo(const std::string& database, const std::string& user = {}) const;
    const std::string& superuser() const { return superuser_; }
    const std::filesystem::path& socket_dir() const { return socket_dir_; }

private:
    std::string initdb();
    bool server_running();
    std::string write_settings();
    std::string run_as_owner(std::vector<std::string> argv);
    std::string prepare_directories();

    cluster_options options_;
    std::filesystem::path data_dir_;
    std::filesystem::path socket_dir_;
    std::string superuser_ = "postgres";
    bool running_ = false;
    bool as_root_ = false;
    unsigned owner_uid_ = 0;
    unsigned owner_gid_ = 0;
};

// Quotes a value for a libpq conninfo string: 'it''s' style.
std::string conninfo_quote(const std::string& value);

}  // namespace localaws::redshift::pg

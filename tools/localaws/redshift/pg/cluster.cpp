#include "tools/localaws/redshift/pg/cluster.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <system_error>

#include "tools/localaws/redshift/pg/child_process.hpp"
#include "tools/localaws/redshift/pg/tls_files.hpp"

namespace localaws::redshift::pg {
namespace fs = std::filesystem;

namespace {

// A postgresql.conf string value: 'it''s'.
std::string setting_quote(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

// The last line PostgreSQL logged before it gave up: usually the reason ("FATAL: ...").
std::string last_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

}  // namespace

std::string conninfo_quote(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

cluster::cluster(cluster_options options) : options_(std::move(options)) {
    data_dir_ = options_.dir / "data";
    socket_dir_ = options_.dir / "socket";
}

cluster::~cluster() {
    if (running_) stop();
}

std::string cluster::prepare() {
    if (prepared_ || !options_.external_conninfo.empty()) return {};
    std::error_code ec;
    fs::create_directories(options_.dir, ec);
    if (ec) return "cannot create " + options_.dir.string() + ": " + ec.message();
    options_.dir = fs::canonical(options_.dir, ec);
    data_dir_ = options_.dir / "data";
    socket_dir_ = options_.dir / "socket";
    // Unix socket paths are limited to 107 bytes (sun_path); the socket file is ".s.PGSQL.5432".
    if (socket_dir_.string().size() > 90) return "data dir path too long for a Unix socket: " + socket_dir_.string();
    fs::create_directories(socket_dir_, ec);
    if (ec) return "cannot create " + socket_dir_.string() + ": " + ec.message();
    ::chmod(socket_dir_.c_str(), 0700);
    as_root_ = ::geteuid() == 0;
    if (as_root_) {
        const fs::path log = options_.dir / "ctl.log";
        if (auto e = choose_os_user_runner(options_.os_user, options_.dir, log, runner_); !e.empty()) return e;
        for (const fs::path& p : {options_.dir, socket_dir_}) {
            if (::chown(p.c_str(), runner_.uid, runner_.gid) != 0) return "cannot chown " + p.string();
        }
        if (fs::exists(data_dir_) && ::chown(data_dir_.c_str(), runner_.uid, runner_.gid) != 0)
            return "cannot chown " + data_dir_.string();
    }
    if (auto e = prepare_tls(); !e.empty()) return e;
    prepared_ = true;
    return {};
}

std::string cluster::prepare_tls() {
    if (!options_.tls) return {};
    const fs::path dir = options_.dir / "tls";
    tls_files files;
    bool created = false;
    if (auto e = ensure_tls_files(dir, files, created); !e.empty()) return "TLS certificates: " + e;
    ca_file_ = files.ca_cert;
    cert_file_ = files.server_cert;
    key_file_ = files.server_key;
    // The CA's key stays localaws's (0600, its owner); PostgreSQL reads its certificate and key,
    // and wants the key owned by the user it runs as with no access for others.
    ::chmod(dir.c_str(), 0755);
    if (as_root_ && ::chown(key_file_.c_str(), runner_.uid, runner_.gid) != 0)
        return "cannot chown " + key_file_.string();
    return {};
}

std::string cluster::run_as_owner(std::vector<std::string> argv) {
    const std::string program = fs::path(argv.front()).filename().string();
    if (as_root_) argv.insert(argv.begin(), runner_.prefix.begin(), runner_.prefix.end());
    child_outcome outcome = run_child(argv, options_.dir / "ctl.log");
    if (!outcome.started) return outcome.error;
    if (outcome.exit_code != 0)
        return program + " failed (exit " + std::to_string(outcome.exit_code) + "): " + outcome.error;
    return {};
}

std::string cluster::initdb() {
    // C locale and UTF-8: byte-order sorting like Redshift's, and any Unicode text.
    return run_as_owner({(options_.bin_dir / "initdb").string(), "-D", data_dir_.string(), "-U", superuser_,
                         "--encoding=UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256",
                         "--no-sync"});
}

std::string cluster::write_settings() {
    // postgresql.auto.conf-style include file, rewritten at every start so config changes apply.
    std::ofstream conf(data_dir_ / "localaws.conf", std::ios::trunc);
    conf << "# written by localaws at every start\n"
         << "listen_addresses = '" << (options_.tcp_port > 0 ? "127.0.0.1" : "") << "'\n"
         << "port = " << (options_.tcp_port > 0 ? options_.tcp_port : 5432) << "\n"
         << "unix_socket_directories = " << setting_quote(socket_dir_.string()) << "\n"
         << "unix_socket_permissions = 0700\n"
         << "max_connections = " << options_.max_connections << "\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         // Nothing replicates from it: a COPY into a table created in its own transaction (every
         // first load, every replace of a new table) writes no WAL, and concurrent COPYs stop
         // queueing on WALWriteLock to flush WAL before their ring buffers' pages can be written.
         << "wal_level = minimal\nmax_wal_senders = 0\n"
         << "password_encryption = 'scram-sha-256'\n"
         << "timezone = 'UTC'\nlog_timezone = 'UTC'\ndatestyle = 'ISO, MDY'\n"
         << "logging_collector = off\nlog_min_messages = warning\n";
    if (options_.tls && options_.tcp_port > 0)
        conf << "ssl = on\nssl_cert_file = " << setting_quote(cert_file_.string())
             << "\nssl_key_file = " << setting_quote(key_file_.string()) << "\nssl_min_protocol_version = 'TLSv1.2'\n";
    if (!conf) return "cannot write " + (data_dir_ / "localaws.conf").string();
    conf.close();
    const fs::path main_conf = data_dir_ / "postgresql.conf";
    std::ifstream in(main_conf);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.find("include_if_exists = 'localaws.conf'") == std::string::npos) {
        std::ofstream out(main_conf, std::ios::app);
        out << "\ninclude_if_exists = 'localaws.conf'\n";
    }
    if (as_root_) ::chown((data_dir_ / "localaws.conf").c_str(), runner_.uid, runner_.gid);
    return write_hba();
}

std::string cluster::write_hba() {
    const fs::path path = data_dir_ / "pg_hba.conf";
    std::ofstream hba(path, std::ios::trunc);
    const std::string members = std::string("+") + endpoint_login_role;
    hba << "# written by localaws at every start: who may connect (tools/localaws/redshift/pg/cluster.hpp)\n"
        << "local      all  all  trust\n";
    if (options_.tls) {
        hba << "hostnossl  all  all  0.0.0.0/0  reject\n"
            << "hostnossl  all  all  ::/0  reject\n"
            << "hostssl    all  " << members << "  127.0.0.1/32  scram-sha-256\n";
    } else {
        hba << "host       all  " << members << "  127.0.0.1/32  scram-sha-256\n";
    }
    if (!hba) return "cannot write " + path.string();
    hba.close();
    if (as_root_) ::chown(path.c_str(), runner_.uid, runner_.gid);
    return {};
}

void cluster::link_default_socket() {
    if (options_.tcp_port <= 0 || options_.tcp_port == 5432) return;
    const fs::path link = socket_dir_ / ".s.PGSQL.5432";
    std::error_code ec;
    fs::remove(link, ec);
    fs::create_symlink(".s.PGSQL." + std::to_string(options_.tcp_port), link, ec);
}

bool cluster::server_running() {
    std::vector<std::string> argv{(options_.bin_dir / "pg_ctl").string(), "status", "-D", data_dir_.string()};
    if (as_root_) argv.insert(argv.begin(), runner_.prefix.begin(), runner_.prefix.end());
    child_outcome outcome = run_child(argv, options_.dir / "ctl.log");
    return outcome.started && outcome.exit_code == 0;  // 3: not running; 4: no data directory
}

std::string cluster::start() {
    if (running_) return {};
    if (!options_.external_conninfo.empty()) {
        running_ = true;
        return {};
    }
    if (std::string e = prepare(); !e.empty()) return e;
    if (!fs::exists(data_dir_ / "PG_VERSION")) {
        if (std::string e = initdb(); !e.empty()) return e;
    }
    if (std::string e = write_settings(); !e.empty()) return e;
    // A server left running by a localaws that was killed: stop it, so this start applies the
    // current settings and this object owns the server it will stop.
    if (server_running()) {
        if (std::string e = run_as_owner({(options_.bin_dir / "pg_ctl").string(), "stop", "-w", "-t", "60", "-m",
                                          "fast", "-D", data_dir_.string()});
            !e.empty())
            return e;
    }
    if (std::string e = run_as_owner({(options_.bin_dir / "pg_ctl").string(), "start", "-w", "-t", "60", "-D",
                                      data_dir_.string(), "-l", (options_.dir / "server.log").string()});
        !e.empty())
        return e + " (" + server_log_tail() + "; see " + (options_.dir / "server.log").string() + ")";
    link_default_socket();
    running_ = true;
    return {};
}

std::string cluster::server_log_tail() const {
    std::string line = last_line(options_.dir / "server.log");
    return line.empty() ? "PostgreSQL logged nothing" : "PostgreSQL's last words: " + line;
}

bool cluster::exists() const {
    std::error_code ec;
    return options_.external_conninfo.empty() && fs::exists(data_dir_ / "PG_VERSION", ec);
}

std::string cluster::stop() {
    if (!running_) return {};
    running_ = false;
    if (!options_.external_conninfo.empty()) return {};
    return run_as_owner({(options_.bin_dir / "pg_ctl").string(), "stop", "-w", "-t", "60", "-m", "fast", "-D",
                         data_dir_.string()});
}

std::string cluster::conninfo(const std::string& database, const std::string& user) const {
    std::string info = options_.external_conninfo.empty() ? "host=" + conninfo_quote(socket_dir_.string())
                                                          : options_.external_conninfo;
    if (options_.external_conninfo.empty())
        info += " port=" + std::to_string(options_.tcp_port > 0 ? options_.tcp_port : 5432);
    info += " dbname=" + conninfo_quote(database);
    info += " user=" + conninfo_quote(user.empty() ? superuser_ : user);
    // UTC and ISO dates: the text forms the Data API returns are Redshift's (e.g. "...+00").
    // Backslashes in string literals are escapes, as in Redshift (its PostgreSQL 8.0 heritage):
    // 'a\\b' is a\b, 'it\'s' is it's. Without the warning each such literal would log one.
    info += " options='-c TimeZone=UTC -c DateStyle=ISO,MDY -c extra_float_digits=1"
            " -c standard_conforming_strings=off -c escape_string_warning=off'";
    info += " client_encoding=UTF8 application_name=localaws";
    return info;
}

}  // namespace localaws::redshift::pg

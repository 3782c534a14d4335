#include "nginx_fixture.hpp"

#include "tests/support/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace shiftsync::engine::testing {

namespace fs = std::filesystem;

namespace {

void run_or_throw(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

bool accepts_connections(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

nginx_fixture::nginx_fixture() {
    std::string pattern = (fs::temp_directory_path() / "shiftsync-nginx-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    try {
        for (const char* sub : {"www", "scratch", "logs", "temp"}) fs::create_directories(dir_ / sub);
        make_certificates();
        http_port_ = shiftsync::testing::free_loopback_port();
        https_port_ = shiftsync::testing::free_loopback_port();
        write_config();
        start();
    } catch (...) {
        stop_and_clean();
        throw;
    }
}

nginx_fixture::~nginx_fixture() {
    stop_and_clean();
}

void nginx_fixture::stop_and_clean() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
    dir_.clear();
}

void nginx_fixture::make_certificates() {
    const auto d = dir_.string();
    const std::string ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run_or_throw("openssl req -x509 " + ec_key + " -keyout " + d + "/ca.key -out " + d +
                 "/ca.crt -days 2 -subj /CN=shiftsync-test-ca");
    run_or_throw("openssl req -x509 " + ec_key + " -keyout " + d + "/other-ca.key -out " + d +
                 "/other-ca.crt -days 2 -subj /CN=shiftsync-unrelated-ca");
    run_or_throw("openssl req " + ec_key + " -keyout " + d + "/server.key -out " + d +
                 "/server.csr -subj /CN=localhost");
    // Only the DNS name: connecting by IP address must then fail host-name verification.
    std::ofstream(dir_ / "san.cnf") << "subjectAltName=DNS:localhost\n";
    run_or_throw("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.crt -CAkey " + d +
                 "/ca.key -CAcreateserial -out " + d + "/server.crt -days 2 -extfile " + d + "/san.cnf");
}

void nginx_fixture::write_config() {
    const auto d = dir_.string();
    std::ofstream conf(dir_ / "nginx.conf");
    conf << "daemon off;\nmaster_process off;\nworker_processes 1;\nuser root;\n"
         << "pid " << d << "/nginx.pid;\nerror_log " << d << "/logs/error.log warn;\n"
         << "events { worker_connections 4096; }\n"
         << "http {\n  access_log off;\n  default_type application/octet-stream;\n"
         << "  sendfile on;\n  tcp_nopush on;\n  keepalive_timeout 60s;\n  keepalive_requests 1000000;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        conf << "  " << temp << "_temp_path " << d << "/temp/" << temp << ";\n";
    conf << "  server { listen 127.0.0.1:" << http_port_ << "; root " << d << "/www; }\n"
         << "  server { listen 127.0.0.1:" << https_port_ << " ssl; root " << d << "/www;\n"
         << "    ssl_certificate " << d << "/server.crt; ssl_certificate_key " << d << "/server.key;\n"
         << "    ssl_protocols TLSv1.2 TLSv1.3; }\n}\n";
}

void nginx_fixture::start() {
    const auto d = dir_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
        // nginx dies with the test process, even if that one crashes before the destructor runs.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() == 1) ::_exit(127);  // the parent is already gone
        // -e: nginx opens its error log before reading the config; keep even that in our prefix.
        ::execlp("nginx", "nginx", "-p", d.c_str(), "-c", (d + "/nginx.conf").c_str(), "-e",
                 (d + "/logs/error.log").c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
    for (int i = 0; i < 500; ++i) {
        if (accepts_connections(http_port_) && accepts_connections(https_port_)) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            std::ifstream log(dir_ / "logs/error.log");
            throw std::runtime_error("nginx exited: " + std::string(std::istreambuf_iterator<char>(log), {}));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("nginx did not start listening");
}

void write_offset_pattern_file(const fs::path& path, std::uint64_t size) {
    std::ofstream out(path, std::ios::binary);
    std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
    for (std::uint64_t offset = 0; offset < size; offset += block.size() * 8) {
        for (std::size_t i = 0; i < block.size(); ++i) block[i] = offset + i * 8;
        const auto bytes = std::min<std::uint64_t>(block.size() * 8, size - offset);
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(bytes));
    }
}

long long check_offset_pattern_file(const fs::path& path, std::uint64_t first_offset) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint64_t> block(1 << 17);
    std::uint64_t offset = first_offset;
    for (;;) {
        in.read(reinterpret_cast<char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
        const auto words = static_cast<std::size_t>(in.gcount()) / 8;
        if (words == 0) return -1;
        for (std::size_t i = 0; i < words; ++i)
            if (block[i] != offset + i * 8) return static_cast<long long>(offset + i * 8);
        offset += words * 8;
    }
}

}  // namespace shiftsync::engine::testing

#pragma once
// A localaws child process for C++ integration tests (aws/ clients, transfer/):
//
//   localaws::testing::localaws_process aws(LOCALAWS_BIN);   // free port, fresh temp data dir
//   aws.endpoint();   // "http://127.0.0.1:41237"
//   aws.port();
//   aws.data_dir();
//
// The constructor returns once localaws printed its "ready" line (or throws). The destructor sends
// SIGTERM (SIGKILL after 5 s), reaps the child and removes the data dir, also when a test fails.
// kill() is kill -9, for crash tests. POSIX only; no Asio, no threads.
//
// The default config's names (operator keys, role ARN, ExternalId, bucket) are in the constants
// below so tests do not repeat them.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace localaws::testing {

inline constexpr const char* operator_access_key = "AKIAIOSFODNN7EXAMPLE";
inline constexpr const char* operator_secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr const char* connector_role_arn = "arn:aws:iam::111122223333:role/shiftsync-connector";
inline constexpr const char* connector_external_id = "a1efa791-4530-43a0-962d-74e2ccf18309";
inline constexpr const char* staging_bucket = "unload-example";
inline constexpr const char* workgroup = "default-workgroup";
inline constexpr const char* region = "us-east-1";

class localaws_process {
public:
    // `extra_args` are appended (e.g. {"--config", path}). `data_dir` empty: a fresh temp dir, owned.
    explicit localaws_process(const std::string& binary, std::vector<std::string> extra_args = {},
                              std::filesystem::path data_dir = {})
        : owns_dir_(data_dir.empty()) {
        if (owns_dir_) {
            data_dir = std::filesystem::temp_directory_path() /
                       ("localaws-cpp-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
        }
        data_dir_ = data_dir;
        std::filesystem::create_directories(data_dir_);
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        std::vector<std::string> args{binary, "--port", "0", "--data-dir", data_dir_.string()};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test process that died
            ::dup2(out[1], STDOUT_FILENO);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(out[1]);
        std::string line = read_line(out[0], std::chrono::seconds(30));
        // Right after it: "postgres HOST:PORT ca=PATH", the workgroup endpoint.
        std::string second = line.rfind("ready ", 0) == 0 ? read_line(out[0], std::chrono::seconds(5)) : "";
        ::close(out[0]);
        if (second.rfind("postgres ", 0) == 0) {
            auto ca = second.find(" ca=");
            auto address = second.substr(9, ca == std::string::npos ? std::string::npos : ca - 9);
            auto colon = address.rfind(':');
            pg_host_ = address.substr(0, colon);
            pg_port_ = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
            if (ca != std::string::npos) pg_ca_ = second.substr(ca + 4);
        }
        const std::string prefix = "ready http://127.0.0.1:";
        if (line.rfind(prefix, 0) != 0) {
            stop();
            throw std::runtime_error("localaws did not start: '" + line + "'");
        }
        endpoint_ = line.substr(6);
        port_ = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));
    }

    ~localaws_process() {
        stop();
        if (owns_dir_) {
            std::error_code ec;
            std::filesystem::remove_all(data_dir_, ec);
        }
    }
    localaws_process(const localaws_process&) = delete;
    localaws_process& operator=(const localaws_process&) = delete;

    const std::string& endpoint() const { return endpoint_; }
    unsigned short port() const { return port_; }
    // The workgroup endpoint (PostgreSQL over TLS) and the CA that signed its certificate.
    const std::string& pg_host() const { return pg_host_; }
    unsigned short pg_port() const { return pg_port_; }
    const std::string& pg_ca() const { return pg_ca_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }

    void kill() { signal_and_reap(SIGKILL, std::chrono::seconds(0)); }
    void stop() { signal_and_reap(SIGTERM, std::chrono::seconds(5)); }

private:
    static std::string read_line(int fd, std::chrono::seconds timeout) {
        std::string line;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char c;
            ssize_t n = ::read(fd, &c, 1);
            if (n <= 0 || c == '\n') break;
            line.push_back(c);
        }
        return line;
    }

    void signal_and_reap(int sig, std::chrono::seconds grace) {
        if (pid_ <= 0) return;
        ::kill(pid_, sig);
        auto deadline = std::chrono::steady_clock::now() + grace;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        pid_ = -1;
    }

    bool owns_dir_;
    std::filesystem::path data_dir_;
    pid_t pid_ = -1;
    std::string endpoint_;
    std::string pg_host_, pg_ca_;
    unsigned short pg_port_ = 0;
    unsigned short port_ = 0;
};

}  // namespace localaws::testing

#pragma once
// A real nginx for the engine's interop tests, owned by the test process: a temp prefix with its
// own config, pid, logs and temp paths, `daemon off; master_process off;`, free loopback ports for
// plain HTTP and TLS, and a throw-away CA (plus an unrelated second CA) made with `openssl` at
// start. Everything is removed, and nginx stopped, when the fixture goes away, also on failure.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace shiftsync::engine::testing {

class nginx_fixture {
public:
    nginx_fixture();
    ~nginx_fixture();
    nginx_fixture(const nginx_fixture&) = delete;
    nginx_fixture& operator=(const nginx_fixture&) = delete;

    std::uint16_t http_port() const { return http_port_; }
    std::uint16_t https_port() const { return https_port_; }
    // The CA that signed nginx's certificate (for DNS name "localhost" only), and one that did not.
    std::string ca_file() const { return (dir_ / "ca.crt").string(); }
    std::string other_ca_file() const { return (dir_ / "other-ca.crt").string(); }
    // Files placed here are served at "/<name>".
    std::filesystem::path docroot() const { return dir_ / "www"; }
    std::filesystem::path scratch() const { return dir_ / "scratch"; }

private:
    void make_certificates();
    void write_config();
    void start();
    void stop_and_clean();

    std::filesystem::path dir_;
    std::uint16_t http_port_ = 0;
    std::uint16_t https_port_ = 0;
    pid_t pid_ = -1;
};

// Writes `size` bytes where each 8-byte word holds its own offset: any misplaced or missing
// chunk in a download shows up as a mismatch.
void write_offset_pattern_file(const std::filesystem::path& path, std::uint64_t size);

// Checks a file written by write_offset_pattern_file (optionally a slice of it starting at
// `first_offset`). Returns the first bad offset, or -1 when all is well.
long long check_offset_pattern_file(const std::filesystem::path& path, std::uint64_t first_offset = 0);

}  // namespace shiftsync::engine::testing

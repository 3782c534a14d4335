// The workgroup endpoint's pieces that need no PostgreSQL: the CA and server certificate
// (redshift/pg/tls_files.hpp) and the port held for PostgreSQL (redshift/pg/port_reservation.hpp).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "tools/localaws/redshift/pg/port_reservation.hpp"
#include "tools/localaws/redshift/pg/tls_files.hpp"

namespace pg = localaws::redshift::pg;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("localaws-tls-" + std::to_string(std::random_device{}()));
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

cert_ptr load(const fs::path& p) {
    FILE* f = std::fopen(p.c_str(), "r");
    if (!f) return {nullptr, X509_free};
    cert_ptr c(PEM_read_X509(f, nullptr, nullptr, nullptr), X509_free);
    std::fclose(f);
    return c;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
}

// One TCP socket bound to 127.0.0.1:port, optionally with SO_REUSEADDR and listening; -1 if refused.
int bind_loopback(int port, bool reuse, bool listen) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (reuse) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || (listen && ::listen(fd, 4) != 0)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

TEST(TlsFiles, ACaAndAServerCertificateForLocalhostAnd127001) {
    temp_dir dir;
    pg::tls_files files;
    bool created = false;
    ASSERT_EQ(pg::ensure_tls_files(dir.path, files, created), "");
    EXPECT_TRUE(created);
    auto ca = load(files.ca_cert);
    auto server = load(files.server_cert);
    ASSERT_TRUE(ca && server);
    EXPECT_EQ(X509_verify(server.get(), X509_get0_pubkey(ca.get())), 1) << "signed by the CA";
    EXPECT_EQ(X509_check_ca(ca.get()), 1);
    EXPECT_EQ(X509_check_ca(server.get()), 0) << "the server certificate is no CA";
    EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
    EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
    EXPECT_EQ(mode_of(files.ca_key), 0600u);
    EXPECT_EQ(mode_of(files.server_key), 0600u);
    EXPECT_EQ(mode_of(files.ca_cert), 0644u);
}

TEST(TlsFiles, ReusedAcrossStartsAndReplacedWholeWhenBroken) {
    temp_dir dir;
    pg::tls_files files;
    bool created = false;
    ASSERT_EQ(pg::ensure_tls_files(dir.path, files, created), "");
    const std::string ca = read_all(files.ca_cert), cert = read_all(files.server_cert);
    ASSERT_EQ(pg::ensure_tls_files(dir.path, files, created), "");
    EXPECT_FALSE(created);
    EXPECT_EQ(read_all(files.ca_cert), ca) << "a client's saved CA keeps working";
    EXPECT_EQ(read_all(files.server_cert), cert);

    std::ofstream(files.server_key, std::ios::trunc) << "not a key\n";
    ASSERT_EQ(pg::ensure_tls_files(dir.path, files, created), "");
    EXPECT_TRUE(created);
    EXPECT_NE(read_all(files.ca_cert), ca) << "the whole set is new";
    auto new_ca = load(files.ca_cert);
    auto new_server = load(files.server_cert);
    ASSERT_TRUE(new_ca && new_server);
    EXPECT_EQ(X509_verify(new_server.get(), X509_get0_pubkey(new_ca.get())), 1);
}

TEST(PortReservation, HoldsThePortForAReuseAddrListenerOnly) {
    pg::port_reservation held(0);
    ASSERT_EQ(held.error(), "");
    ASSERT_GT(held.port(), 0);
    EXPECT_EQ(bind_loopback(held.port(), false, false), -1) << "a plain bind is refused";
    // PostgreSQL sets SO_REUSEADDR on its listeners: it binds and listens while the port is held.
    int server = bind_loopback(held.port(), true, true);
    EXPECT_GE(server, 0);
    if (server >= 0) ::close(server);
}

TEST(PortReservation, APortSomeoneListensOnIsRefusedWithAReason) {
    int listener = bind_loopback(0, true, true);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    socklen_t length = sizeof addr;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length);
    const int port = ntohs(addr.sin_port);
    pg::port_reservation refused(port);
    EXPECT_EQ(refused.port(), 0);
    EXPECT_NE(refused.error().find("cannot reserve 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << refused.error();
    ::close(listener);
}

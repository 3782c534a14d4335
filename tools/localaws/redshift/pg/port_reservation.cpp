#include "tools/localaws/redshift/pg/port_reservation.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace localaws::redshift::pg {

port_reservation::port_reservation(int port) {
    if (port < 0 || port > 65535) {
        error_ = "port " + std::to_string(port) + " is not a TCP port";
        return;
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return;
    }
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error_ = "cannot reserve 127.0.0.1:" + std::to_string(port) + " for PostgreSQL: " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
        return;
    }
    socklen_t length = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
}

port_reservation::~port_reservation() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace localaws::redshift::pg

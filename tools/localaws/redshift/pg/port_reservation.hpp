#pragma once
// Holds a loopback TCP port for PostgreSQL from localaws's start until PostgreSQL (started on
// first use, maybe much later) listens on it, so the port localaws announced stays free.
//
// How: a socket bound to 127.0.0.1:<port> with SO_REUSEADDR that never listens. Linux lets
// another SO_REUSEADDR socket bind and listen on the same address while no socket there listens —
// PostgreSQL sets SO_REUSEADDR on its listeners — but refuses the port to every other bind
// (ephemeral port 0 or explicit) and to outgoing connections picking a local port. The socket is
// close-on-exec and the cluster's spawner closes everything above stderr, so PostgreSQL does not
// inherit it.
//
// Thread safety: immutable after construction.

#include <string>

namespace localaws::redshift::pg {

class port_reservation {
public:
    // `port` 0 picks a free one. On failure port() is 0 and error() says why.
    explicit port_reservation(int port);
    ~port_reservation();
    port_reservation(const port_reservation&) = delete;
    port_reservation& operator=(const port_reservation&) = delete;

    int port() const { return port_; }
    const std::string& error() const { return error_; }

private:
    int fd_ = -1;
    int port_ = 0;
    std::string error_;
};

}  // namespace localaws::redshift::pg

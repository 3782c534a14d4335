#pragma once
// The workgroup endpoint's PostgreSQL front end: localaws itself listens on the endpoint port and
// speaks the PostgreSQL v3 protocol to clients, so every statement goes through the same Redshift
// dialect as the Data API (UNLOAD, COPY from S3, GETDATE(), SUPER, VARCHAR(MAX), …) on a backend
// libpq connection of the client's own, in the client's transaction.
//
//   pg_frontend::frontend fe(options);    // binds the port (SO_REUSEADDR: over port_reservation's socket)
//   fe.start();                           // its own threads: never the HTTP threads
//   ...
//   fe.stop();                            // (also by the destructor)
//
// Per connection (session.hpp): SSLRequest → TLS with localaws's certificate (a client without TLS
// is refused as pg_hba's "no encryption" would), cleartext password inside TLS, verified by
// PostgreSQL itself when the backend connection logs in with it; simple and extended protocol
// (pipelining included) mapped onto libpq's pipeline mode; CancelRequest with the session's own key.
//
// Thread safety: start()/stop() from one thread; sessions run on the front end's io_context.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "tools/localaws/data_api/statement_engine.hpp"

namespace localaws::pg_frontend {

struct frontend_options {
    int port = 0;                          // 127.0.0.1:port, already reserved (bound, not listening)
    std::filesystem::path cert_file, key_file;
    // Blocking, on the front end's pool: starts PostgreSQL if needed and returns the dialect, or
    // sets `error` (an operator's message) and returns nullptr.
    std::function<const data_api::dialect_hooks*(std::string& error)> dialect;
    // The libpq conninfo (without password) that reaches PostgreSQL's own listener as `user`.
    std::function<std::string(const std::string& database, const std::string& user)> backend_conninfo;
    unsigned threads = 2;           // network threads
    unsigned blocking_threads = 4;  // logins, cancels, UNLOAD and COPY
};

class frontend {
public:
    explicit frontend(frontend_options options);
    ~frontend();
    frontend(const frontend&) = delete;
    frontend& operator=(const frontend&) = delete;

    // Listens and starts the threads. Empty on success, else why.
    std::string start();
    void stop();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace localaws::pg_frontend

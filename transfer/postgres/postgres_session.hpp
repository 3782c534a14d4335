#pragma once
// One libpq connection (extract's table sink, load's query source), with blocking calls: every
// method but close_without_waiting() may wait on the network, so they run on a pool thread, one at
// a time (the sink and the source serialise them). Failures are kept as a sentence (failure()) with the password
// masked: libpq's and the server's words, where they point, and the SQLSTATE.

#include "transfer/postgres/postgres_conninfo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace shiftsync::transfer::postgres {

class postgres_session {
public:
    using row = std::vector<std::optional<std::string>>;

    postgres_session(std::string conninfo, conninfo_summary summary, int connect_timeout_seconds,
                     std::string application_name);
    ~postgres_session();  // closes without waiting: an open transaction ends on the server
    postgres_session(const postgres_session&) = delete;
    postgres_session& operator=(const postgres_session&) = delete;

    bool connect();
    // A statement without rows to read (BEGIN, CREATE TABLE, LOCK, COMMIT).
    bool exec(const std::string& sql, std::string_view what);
    // A query with text parameters ($1, $2, …); its rows as text (nullopt for NULL).
    std::optional<std::vector<row>> query(const std::string& sql, const std::vector<std::string>& params,
                                          std::string_view what);

    // The columns a query would return, without running it (PQprepare + PQdescribePrepared of
    // the unnamed statement): names, type oids and type modifiers.
    struct described_column {
        std::string name;
        unsigned int type_oid = 0;
        int typmod = -1;
    };
    std::optional<std::vector<described_column>> describe(const std::string& sql, std::string_view what);

    // COPY … TO STDOUT: copy_out_begin starts it; copy_out_read appends whole rows to `out` until
    // it holds at least `at_least` bytes or the COPY ends (then `ended` is set and the server's
    // final answer checked). False on a failure (the server's error, e.g. a division by zero in
    // row 1,000,000, is the failure).
    bool copy_out_begin(const std::string& sql);
    bool copy_out_read(std::string& out, std::size_t at_least, bool& ended);

    bool copy_begin(const std::string& sql);
    // Sends `data` (whole CSV lines) and flushes libpq's buffer, so nothing is left half-sent
    // between calls. False when the server already refused the COPY (its error is the failure).
    bool copy_put(std::string_view data);
    // Ends the COPY; the rows the server says it stored.
    std::optional<std::uint64_t> copy_end();
    // COMMIT, checked: PostgreSQL answers COMMIT of a failed transaction with ROLLBACK.
    bool commit();
    // Ends an unfinished COPY (CopyFail) and the transaction (ROLLBACK), waiting for the answers,
    // then closes the connection.
    void rollback_and_close() noexcept;
    // For the destructor (whatever thread it runs on): switches the socket to non-blocking, queues
    // CopyFail or ROLLBACK and closes. The server ends the transaction (a session that ends never
    // commits).
    void close_without_waiting() noexcept;

    bool connected() const { return conn_ != nullptr; }
    bool in_copy() const { return in_copy_; }
    const std::string& failure() const { return failure_; }
    std::string where() const;  // "user@host:port/db" of the connection (never the password)

private:
    bool fail(std::string text);
    std::string server_error(const void* result) const;

    std::string conninfo_;
    conninfo_summary summary_;
    int connect_timeout_;
    std::string application_name_;
    pg_conn* conn_ = nullptr;
    bool in_copy_ = false;
    std::string failure_;
};

}  // namespace shiftsync::transfer::postgres

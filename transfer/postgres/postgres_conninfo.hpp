#pragma once
// A libpq connection string (postgresql://user:pass@host:port/db?… or "host=… dbname=…") as the
// PostgreSQL sink and the load source show it: where it points, never its password. Parsing uses libpq's own
// PQconninfoParse (no connection), so every form libpq takes is understood alike.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::transfer::postgres {

struct conninfo_summary {
    std::string host;    // as given (empty: libpq's default, a local socket)
    std::string port;    // as given (empty: 5432 or PGPORT)
    std::string dbname;  // as given
    std::string user;    // as given
    // What must never be printed: the password as libpq reads it and, for a URI, as written
    // (percent-encoded). Empty when the string carries no password (PGPASSWORD, .pgpass).
    std::vector<std::string> secrets;
    std::string label() const;  // "user@host:port/dbname", the parts given
};

// nullopt when libpq cannot parse it; `why` then says so without quoting the string (which may
// hold the password).
std::optional<conninfo_summary> parse_conninfo(const std::string& conninfo, std::string& why);

// True for "postgresql://…" and "postgres://…", libpq's URI prefixes.
bool is_postgres_uri(std::string_view text);

// `text` with every secret replaced by "***".
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace shiftsync::transfer::postgres

#pragma once
// Where `shiftsync discover` reads the catalog: the Data API (ListDatabases, ListSchemas,
// ListTables, DescribeTable) or, with --connection-method endpoint, the catalog on connections to
// the workgroup's endpoint (transfer/endpoint/catalog). Both give the Data API client's models, so
// discover prints the same on either.
//
// On the endpoint a connection sees its own database's schemas only: another database is read on
// a connection to it (endpoint_session::pool_for), with credentials for that database.
//
// Every call runs to completion on the connection's io_context (the CLI is the sync edge). On
// failure it prints why to stderr ("shiftsync discover: <what>: …", as for the other commands) and
// returns nullopt.

#include "aws/redshift_data/types.hpp"
#include "tools/shiftsync/connection/connection.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shiftsync::cli {

class catalog_source {
public:
    virtual ~catalog_source() = default;

    // The databases of the workgroup, as seen from --database.
    virtual std::optional<std::vector<std::string>> databases() = 0;
    virtual std::optional<std::vector<std::string>> schemas(const std::string& database,
                                                            const std::string& schema_pattern) = 0;
    virtual std::optional<std::vector<aws::redshift_data::table_entry>> tables(const std::string& database,
                                                                               const std::string& schema_pattern,
                                                                               const std::string& table_pattern) = 0;
    virtual std::optional<std::vector<aws::redshift_data::column_metadata>> columns(const std::string& database,
                                                                                    const std::string& schema,
                                                                                    const std::string& table) = 0;
};

// The source the flags choose. Nullptr (having printed why) when it cannot be opened; `exit_code`
// then says 2 (usage or configuration) or 1 (a failed AWS call).
std::unique_ptr<catalog_source> open_catalog_source(const connection_flags& flags, int& exit_code);

}  // namespace shiftsync::cli

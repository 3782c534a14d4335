// `shiftsync discover`: databases -> schemas -> tables -> columns, as a tree or as JSON, through
// the Data API or (--connection-method endpoint) the catalog on the workgroup's endpoint: the same
// output either way (catalog_source).

#include "tools/shiftsync/commands/catalog_source.hpp"
#include "tools/shiftsync/commands/commands.hpp"
#include "transfer/endpoint/catalog_shape.hpp"

#include <boost/json.hpp>
#include <fmt/core.h>

#include <memory>

namespace shiftsync::cli {
namespace {

struct discover_flags {
    connection_flags connection;
    bool json = false;
    bool all_databases = false;
    std::string schema_pattern;
    std::string table_pattern;
};

int run_discover(const discover_flags& flags) {
    int exit_code = 2;
    auto source = open_catalog_source(flags.connection, exit_code);
    if (!source) return exit_code;

    std::vector<std::string> databases{flags.connection.database};
    if (flags.all_databases) {
        auto listed = source->databases();
        if (!listed) return 1;
        databases = std::move(*listed);
    }
    boost::json::array tree;
    for (const auto& db : databases) {
        auto schemas = source->schemas(db, flags.schema_pattern);
        if (!schemas) return 1;
        if (!flags.json) fmt::print("{}\n", db);
        boost::json::array schema_nodes;
        for (const auto& schema : *schemas) {
            // ListTables takes a schema pattern only: this schema's name, matching it alone.
            auto tables = source->tables(db, transfer::endpoint::like_exactly(schema),
                                         flags.table_pattern.empty() ? "%" : flags.table_pattern);
            if (!tables) return 1;
            if (!flags.json) fmt::print("  {}\n", schema);
            boost::json::array table_nodes;
            for (const auto& table : *tables) {
                auto columns = source->columns(db, table.schema, table.name);
                if (!columns) return 1;
                if (!flags.json) fmt::print("    {} ({})\n", table.name, table.type);
                boost::json::array column_nodes;
                for (const auto& c : *columns) {
                    if (!flags.json) fmt::print("      {} {}{}\n", c.name, c.type_name, c.nullable ? "" : " not null");
                    column_nodes.push_back(boost::json::object{
                        {"name", c.name}, {"type", c.type_name}, {"nullable", c.nullable},
                        {"precision", c.precision}, {"scale", c.scale}, {"length", c.length}});
                }
                table_nodes.push_back(boost::json::object{
                    {"name", table.name}, {"type", table.type}, {"columns", std::move(column_nodes)}});
            }
            schema_nodes.push_back(boost::json::object{{"name", schema}, {"tables", std::move(table_nodes)}});
        }
        tree.push_back(boost::json::object{{"database", db}, {"schemas", std::move(schema_nodes)}});
    }
    if (flags.json) fmt::print("{}\n", boost::json::serialize(tree));
    return 0;
}

}  // namespace

command_runner add_discover_command(CLI::App& app) {
    auto flags = std::make_shared<discover_flags>();
    auto* cmd = app.add_subcommand("discover", "List databases, schemas, tables and columns (through the Data API or the endpoint)");
    cmd->add_flag("--json", flags->json, "Print JSON instead of a tree");
    cmd->add_flag("--all-databases", flags->all_databases, "Every database of the workgroup, not only --database");
    cmd->add_option("--schema-pattern", flags->schema_pattern, "LIKE pattern for schemas");
    cmd->add_option("--table-pattern", flags->table_pattern, "LIKE pattern for tables");
    flags->connection.add_to(*cmd);
    return [flags] { return run_discover(*flags); };
}

}  // namespace shiftsync::cli

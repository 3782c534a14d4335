// shiftsync: the command line. Subcommands live in commands/, one file each.

#include "tools/shiftsync/commands/commands.hpp"

#include <fmt/core.h>

#include <vector>

int main(int argc, char** argv) {
    CLI::App app{"shiftsync — moves data in and out of Amazon Redshift Serverless"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "shiftsync 0.1.0");

    std::vector<std::pair<CLI::App*, shiftsync::cli::command_runner>> commands;
    auto add = [&](shiftsync::cli::command_runner (*registrar)(CLI::App&)) {
        std::size_t before = app.get_subcommands({}).size();
        auto run = registrar(app);
        commands.emplace_back(app.get_subcommands({}).at(before), std::move(run));
    };
    add(shiftsync::cli::add_sign_command);
    add(shiftsync::cli::add_query_command);
    add(shiftsync::cli::add_discover_command);
    add(shiftsync::cli::add_cp_command);
    add(shiftsync::cli::add_ls_command);
    add(shiftsync::cli::add_rm_command);
    add(shiftsync::cli::add_presign_command);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    for (auto& [sub, run] : commands)
        if (sub->parsed()) return run();
    return 2;
}

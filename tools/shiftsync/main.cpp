// shiftsync: the command line. Subcommands live in commands/, one file each.
//
// Exit codes, the same for every subcommand: 0 done, 1 failed (an AWS call, a transfer), 2 usage or
// configuration error (a bad flag, a missing argument, no region), 130 interrupted (cp, ls, rm,
// presign and sweep cancel and clean up first; the others end by SIGINT's default action, which the shell
// reports as 128 + 2).

#include "tools/shiftsync/commands/commands.hpp"

#include <fmt/core.h>

#include <exception>
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
    add(shiftsync::cli::add_extract_command);
    add(shiftsync::cli::add_load_command);
    add(shiftsync::cli::add_sweep_command);
    add(shiftsync::cli::add_sync_command);
    add(shiftsync::cli::add_state_command);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints help and the version (its exit code 0), or the error and a pointer to --help;
        // its own error codes (106, 109, 114, ...) all mean "usage error" here.
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        for (auto& [sub, run] : commands)
            if (sub->parsed()) return run();
    } catch (const std::exception& e) {
        // Commands report their own failures; this is the last resort (out of memory, an Asio
        // exception): still "failed", not an abort.
        fmt::print(stderr, "shiftsync: {}\n", e.what());
        return 1;
    }
    return 2;
}

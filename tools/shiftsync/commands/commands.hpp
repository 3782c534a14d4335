#pragma once
// Each subcommand registers itself on the CLI11 app and runs when chosen.

#include <CLI/CLI.hpp>

#include <functional>

namespace shiftsync::cli {

// Registers the subcommand; the returned function runs it and gives the process's exit code.
using command_runner = std::function<int()>;

command_runner add_sign_command(CLI::App& app);
command_runner add_query_command(CLI::App& app);
command_runner add_discover_command(CLI::App& app);
command_runner add_cp_command(CLI::App& app);
command_runner add_ls_command(CLI::App& app);
command_runner add_rm_command(CLI::App& app);
command_runner add_presign_command(CLI::App& app);
command_runner add_extract_command(CLI::App& app);
command_runner add_load_command(CLI::App& app);
command_runner add_sweep_command(CLI::App& app);
command_runner add_sync_command(CLI::App& app);
command_runner add_state_command(CLI::App& app);

}  // namespace shiftsync::cli

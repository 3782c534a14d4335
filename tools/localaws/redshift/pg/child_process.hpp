#pragma once
// Runs a program to completion without a shell: argv is passed as is, so nothing in it is ever
// interpreted (paths with spaces, quotes, '$' stay literal). Output (stdout and stderr together)
// goes to a file, not a pipe: pg_ctl leaves a postmaster running that would otherwise keep a pipe
// open and make a reader wait forever. Only descriptors 0, 1 and 2 reach the child.

#include <filesystem>
#include <string>
#include <vector>

namespace localaws::redshift::pg {

struct child_outcome {
    bool started = false;   // false: the program could not be spawned (error says why)
    int exit_code = -1;     // the exit status, or 128 + signal number
    std::string error;      // spawn error, or the last lines of output when exit_code != 0
};

child_outcome run_child(const std::vector<std::string>& argv, const std::filesystem::path& output_file);

}  // namespace localaws::redshift::pg

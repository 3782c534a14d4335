#pragma once
// A private PostgreSQL cluster in a fresh temporary directory, for tests and benchmarks: created
// traversable by the `postgres` OS user (tests run as root), stopped and deleted on destruction.
// A watchdog process does the same if this process dies without destructors (a crash, a ctest
// timeout's kill): it waits on a pipe that only this process holds open.

#include <filesystem>
#include <memory>
#include <string>

#include "tools/localaws/redshift/pg/cluster.hpp"

namespace localaws::redshift::testing {

class test_cluster {
public:
    test_cluster();   // creates the directory; call start()
    ~test_cluster();  // stops the server and removes the directory
    std::string start();
    pg::cluster& get() { return *cluster_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    void start_watchdog();

    std::filesystem::path dir_;
    std::unique_ptr<pg::cluster> cluster_;
    int watchdog_pipe_ = -1;  // write end; closing it (or dying) wakes the watchdog
};

}  // namespace localaws::redshift::testing

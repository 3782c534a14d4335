#include "tools/localaws/redshift/testing/test_cluster.hpp"

#include <sys/stat.h>

#include <cstdlib>

namespace localaws::redshift::testing {

test_cluster::test_cluster() {
    std::string pattern = "/tmp/localaws-pg-XXXXXX";
    if (::mkdtemp(pattern.data())) {
        dir_ = pattern;
        ::chmod(dir_.c_str(), 0711);  // the postgres OS user must traverse it
    }
    pg::cluster_options options;
    options.dir = dir_ / "pg";
    cluster_ = std::make_unique<pg::cluster>(options);
}

test_cluster::~test_cluster() {
    cluster_.reset();  // stops the server
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string test_cluster::start() {
    if (dir_.empty()) return "mkdtemp failed";
    return cluster_->start();
}

}  // namespace localaws::redshift::testing

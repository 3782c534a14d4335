#pragma once
// The shipped default config, parsed, for tests that need the documented accounts.
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace localaws::testing {

inline boost::json::value default_config() {
    std::ifstream in(LOCALAWS_DEFAULT_CONFIG);
    if (!in) throw std::runtime_error("cannot read " LOCALAWS_DEFAULT_CONFIG);
    std::stringstream text;
    text << in.rdbuf();
    return boost::json::parse(text.str());
}

}  // namespace localaws::testing

#pragma once
// TLS settings of a client. Verification is on by default and there is deliberately no switch
// to turn it off: tests use a throw-away CA through `ca_file` instead.

#include <string>

namespace shiftsync::engine::http {

struct tls_options {
    std::string ca_file;           // PEM bundle to trust; empty: the system store
    bool use_system_store = true;  // also trust the system store when ca_file is given
};

}  // namespace shiftsync::engine::http

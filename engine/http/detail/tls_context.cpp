#include "engine/http/detail/tls_context.hpp"

#include <openssl/ssl.h>

namespace shiftsync::engine::http::detail {

namespace ssl = boost::asio::ssl;

boost::system::result<ssl::context> make_tls_context(const tls_options& options) {
    ssl::context ctx(ssl::context::tls_client);
    boost::system::error_code ec;
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression, ec);
    if (ec) return ec;
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (ec) return ec;
    if (options.ca_file.empty() || options.use_system_store) {
        ctx.set_default_verify_paths(ec);
        if (ec) return ec;
    }
    if (!options.ca_file.empty()) {
        ctx.load_verify_file(options.ca_file, ec);
        if (ec) return ec;
    }
    return ctx;
}

}  // namespace shiftsync::engine::http::detail

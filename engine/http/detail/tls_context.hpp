#pragma once
// Builds the OpenSSL context a client's TLS connections share: TLS 1.2 or newer, peer
// verification on, the system CA store and/or a CA bundle file. Host-name verification and SNI are
// per connection (connection.cpp), because they depend on the endpoint.

#include "engine/http/tls_options.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

namespace shiftsync::engine::http::detail {

boost::system::result<boost::asio::ssl::context> make_tls_context(const tls_options& options);

}  // namespace shiftsync::engine::http::detail

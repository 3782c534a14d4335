#pragma once
// Percent-encoding as SigV4 defines it (RFC 3986): only A-Z a-z 0-9 - _ . ~ stay as they are,
// everything else becomes %XX with upper-case hex, byte by byte (so UTF-8 is encoded per byte).

#include <string>
#include <string_view>

namespace shiftsync::sigv4 {

enum class slash { encode, keep };

void append_uri_encoded(std::string& out, std::string_view text, slash slashes = slash::encode);
std::string uri_encode(std::string_view text, slash slashes = slash::encode);

// Decodes %XX sequences; '+' stays '+' (SigV4 does not treat it as a space). A malformed sequence
// such as "%zz" or a trailing "%" is kept literally.
void append_percent_decoded(std::string& out, std::string_view text);
std::string percent_decode(std::string_view text);

// RFC 3986 dot-segment removal as AWS services apply it before signing: "." and ".." segments are
// resolved and empty segments ("//") dropped; a leading and a trailing slash are kept.
// "/a/./b/../c//" -> "/a/c/". An empty path becomes "/".
std::string normalize_path(std::string_view path);

}  // namespace shiftsync::sigv4

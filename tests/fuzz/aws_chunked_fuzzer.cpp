// localaws's aws-chunked body decoder (tools/localaws/auth/chunked_decoder.hpp) on any body, the
// chunks signed (a fixed key and seed, so most signatures fail: the failure paths) or plain with
// trailers. Checked beyond "no crash": it never says it decoded more bytes than it was given, and
// a body handed over in two pieces decodes to the same bytes, trailers and outcome as in one.
//
// Input: byte 0 = signed or not, byte 1 = the cut, then the body.

#include "tests/fuzz/fuzz_input.hpp"
#include "tools/localaws/auth/chunked_decoder.hpp"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

struct outcome {
    std::string decoded;
    bool failed = false;
    bool done = false;
    std::map<std::string, std::string> trailers;
};

std::optional<shiftsync::sigv4::chunked_signer> verifier(bool is_signed) {
    if (!is_signed) return std::nullopt;
    static const std::uint8_t key[32] = {1, 2, 3};
    return shiftsync::sigv4::chunked_signer(shiftsync::sigv4::hmac_key(key), "20150830T123600Z",
                                            "20150830/us-east-1/s3/aws4_request", std::string(64, 'a'));
}

outcome decode(bool is_signed, std::string_view body, std::size_t cut) {
    localaws::auth::chunked_decoder decoder(verifier(is_signed));
    outcome out;
    const std::string_view pieces[] = {body.substr(0, cut), body.substr(cut)};
    for (auto piece : pieces) {
        if (decoder.failed()) break;
        // An exactly sized buffer: ASan sees any byte read or written past it.
        std::vector<std::byte> buffer(piece.size());
        if (!piece.empty()) std::memcpy(buffer.data(), piece.data(), piece.size());
        const std::size_t n = decoder.decode_in_place(buffer, buffer.size());
        check(n <= piece.size());
        out.decoded.append(reinterpret_cast<const char*>(buffer.data()), n);
    }
    out.failed = decoder.failed();
    out.done = decoder.done();
    out.trailers = decoder.trailers();
    check(!out.failed || !decoder.error().empty());
    check(decoder.decoded_bytes() == out.decoded.size() || out.failed);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const bool is_signed = (in.byte() & 1) != 0;
    const std::uint8_t cut = in.byte();
    const std::string_view body = in.rest();
    const outcome whole = decode(is_signed, body, body.size());
    const outcome split = decode(is_signed, body, cut * body.size() / 255);
    check(whole.failed == split.failed);
    check(whole.done == split.done);
    if (!whole.failed) {
        check(whole.decoded == split.decoded);
        check(whole.trailers == split.trailers);
    }
    return 0;
}

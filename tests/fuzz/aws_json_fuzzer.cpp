// AWS JSON 1.1 error bodies (aws/protocol/json_protocol.hpp): parse_error and bare_error_code on
// any body and X-Amzn-ErrorType header. Checked beyond "no crash": the bare code is a piece of
// its input, and never carries the namespace or the URL part it strips.

#include "aws/protocol/json_protocol.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <cstdlib>

namespace json = shiftsync::aws::json_protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::string_view header = in.until_nul();
    const std::string_view body = in.rest();
    shiftsync::aws::diagnostics diag;
    json::parse_error(body, header, diag);
    const std::string_view bare = json::bare_error_code(header);
    if (!bare.empty() && (bare.data() < header.data() || bare.data() + bare.size() > header.data() + header.size()))
        std::abort();
    if (bare.find(':') != std::string_view::npos) std::abort();
    (void)diag.to_string();
    return 0;
}

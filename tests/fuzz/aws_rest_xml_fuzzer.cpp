// REST-XML (S3) and Query (STS) error documents (aws/protocol/rest_xml_protocol.hpp, xml.hpp) on
// any body: parse_error, is_error_document and the find_text/child_text helpers the typed clients
// read answers with.

#include "aws/protocol/rest_xml_protocol.hpp"
#include "aws/protocol/xml.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const unsigned status = 200u + in.byte() * 2u;
    const std::string_view request_id = in.until_nul();
    const std::string_view body = in.rest();
    shiftsync::aws::diagnostics diag;
    shiftsync::aws::rest_xml_protocol::parse_error(status, body, request_id, diag);
    (void)shiftsync::aws::rest_xml_protocol::is_error_document(body);
    pugi::xml_document doc;
    if (shiftsync::aws::xml::parse(doc, body)) {
        (void)shiftsync::aws::xml::find_text(doc, "Code");
        (void)shiftsync::aws::xml::child_text(doc.first_child(), "Message");
    }
    (void)diag.to_string();
    return 0;
}

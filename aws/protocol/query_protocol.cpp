#include "aws/protocol/query_protocol.hpp"

#include "aws/protocol/xml.hpp"
#include "sigv4/uri_encoding.hpp"

namespace shiftsync::aws::query_protocol {

form::form(std::string_view action, std::string_view version) {
    add("Action", action);
    add("Version", version);
}

form& form::add(std::string_view name, std::string_view value) {
    if (!body_.empty()) body_.push_back('&');
    sigv4::append_uri_encoded(body_, name);
    body_.push_back('=');
    sigv4::append_uri_encoded(body_, value);
    return *this;
}

bool parse_error(std::string_view body, diagnostics& out) {
    pugi::xml_document doc;
    if (!xml::parse(doc, body)) return false;
    pugi::xml_node root = doc.child("ErrorResponse");
    if (!root) return false;
    // AWS puts <Error> directly under <ErrorResponse>; some servers (moto) wrap it in <Errors>.
    pugi::xml_node error = root.child("Error");
    if (!error) error = root.child("Errors").child("Error");
    out.code = xml::child_text(error, "Code");
    out.message = xml::child_text(error, "Message");
    out.request_id = xml::child_text(root, "RequestId");
    return !out.code.empty();
}

}  // namespace shiftsync::aws::query_protocol

#include "aws/protocol/rest_xml_protocol.hpp"

#include "aws/protocol/xml.hpp"

namespace shiftsync::aws::rest_xml_protocol {
namespace {

std::string code_for_status(unsigned status) {
    switch (status) {
        case 304: return "NotModified";
        case 400: return "BadRequest";
        case 403: return "Forbidden";
        case 404: return "NotFound";
        case 412: return "PreconditionFailed";
        case 416: return "InvalidRange";
        default: return status >= 500 ? "InternalError" : "UnknownError";
    }
}

}  // namespace

void parse_error(unsigned http_status, std::string_view body, std::string_view request_id_header, diagnostics& out) {
    out.http_status = http_status;
    out.request_id = std::string(request_id_header);
    pugi::xml_document doc;
    if (!body.empty() && xml::parse(doc, body)) {
        if (pugi::xml_node error = doc.child("Error")) {
            out.code = xml::child_text(error, "Code");
            out.message = xml::child_text(error, "Message");
            if (auto id = xml::child_text(error, "RequestId"); !id.empty()) out.request_id = id;
            // AuthorizationHeaderMalformed and PermanentRedirect name the bucket's region.
            if (auto region = xml::child_text(error, "Region"); !region.empty()) out.resource_region = region;
        }
    }
    if (out.code.empty()) out.code = code_for_status(http_status);
}

bool is_error_document(std::string_view body) {
    // Cheap pre-check before parsing: a real result starts with its own root element.
    auto at = body.find('<');
    while (at != std::string_view::npos && at + 1 < body.size() && (body[at + 1] == '?' || body[at + 1] == '!'))
        at = body.find('<', at + 1);
    if (at == std::string_view::npos || body.substr(at, 6) != "<Error") return false;
    pugi::xml_document doc;
    return xml::parse(doc, body) && doc.child("Error");
}

}  // namespace shiftsync::aws::rest_xml_protocol

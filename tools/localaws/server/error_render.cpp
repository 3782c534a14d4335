#include "tools/localaws/server/error_render.hpp"

#include "tools/localaws/server/xml_writer.hpp"

#include <boost/json.hpp>

namespace localaws {

rendered_error render_error(const aws_error& e, protocol p, std::string_view xml_namespace, std::string_view request_id) {
    rendered_error r;
    if (p == protocol::rest_xml_s3) {
        xml_writer x;
        x.open("Error").element("Code", e.code).element("Message", e.message);
        for (const auto& [k, v] : e.details) x.element(k, v);
        x.element("RequestId", request_id).element("HostId", "localaws").close("Error");
        r.content_type = "application/xml";
        r.body = x.take();
    } else if (p == protocol::query_xml) {
        xml_writer x;
        x.open("ErrorResponse", xml_namespace)
            .open("Error")
            .element("Type", e.sender_fault ? "Sender" : "Receiver")
            .element("Code", e.code)
            .element("Message", e.message)
            .close("Error")
            .element("RequestId", request_id)
            .close("ErrorResponse");
        r.content_type = "text/xml";
        r.body = x.take();
    } else {
        boost::json::object o{{"__type", e.code}, {"message", e.message}};
        r.content_type = p == protocol::json_1_0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
        r.body = boost::json::serialize(o);
        r.headers.emplace_back("x-amzn-ErrorType", e.code);
    }
    return r;
}

}  // namespace localaws

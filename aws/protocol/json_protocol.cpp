#include "aws/protocol/json_protocol.hpp"

#include <simdjson.h>

namespace shiftsync::aws::json_protocol {

std::string target(std::string_view target_prefix, std::string_view operation) {
    std::string out;
    out.reserve(target_prefix.size() + 1 + operation.size());
    out.append(target_prefix).append(".").append(operation);
    return out;
}

std::string_view bare_error_code(std::string_view type) {
    if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
    if (auto hash = type.rfind('#'); hash != std::string_view::npos) type = type.substr(hash + 1);
    return type;
}

void parse_error(std::string_view body, std::string_view error_type_header, diagnostics& out) {
    out.code = std::string(bare_error_code(error_type_header));
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(body);
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc) == simdjson::SUCCESS) {
        simdjson::ondemand::object object;
        if (doc.get_object().get(object) == simdjson::SUCCESS) {
            for (auto field : object) {
                std::string_view key;
                if (field.unescaped_key().get(key) != simdjson::SUCCESS) break;
                std::string_view value;
                if (field.value().get_string().get(value) != simdjson::SUCCESS) continue;
                if ((key == "__type" || key == "code" || key == "Code") && out.code.empty())
                    out.code = std::string(bare_error_code(value));
                else if (key == "message" || key == "Message")
                    out.message = std::string(value);
            }
        }
    }
    if (out.code.empty()) out.code = "UnknownError";
}

}  // namespace shiftsync::aws::json_protocol

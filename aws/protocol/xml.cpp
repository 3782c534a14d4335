#include "aws/protocol/xml.hpp"

namespace shiftsync::aws::xml {

bool parse(pugi::xml_document& doc, std::string_view text) {
    auto result = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    return static_cast<bool>(result);
}

std::optional<std::string> find_text(const pugi::xml_node& node, const char* name) {
    pugi::xml_node found = node.find_node([name](const pugi::xml_node& n) {
        return n.type() == pugi::node_element && std::string_view(n.name()) == name;
    });
    if (!found) return std::nullopt;
    return std::string(found.text().get());
}

std::string child_text(const pugi::xml_node& node, const char* name) { return node.child(name).text().get(); }

}  // namespace shiftsync::aws::xml

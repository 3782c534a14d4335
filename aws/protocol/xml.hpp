#pragma once
// XML reading for the Query (STS) and REST-XML (S3) protocols, on pugixml: a real parser, never
// string search. Only clients' .cpp files include this.

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace shiftsync::aws::xml {

// Parses `text` into `doc`; false when it is not well-formed XML.
bool parse(pugi::xml_document& doc, std::string_view text);

// The text of the first descendant element named `name` under `node` (any depth), or nullopt.
std::optional<std::string> find_text(const pugi::xml_node& node, const char* name);

// The text of a direct child, or "" when absent.
std::string child_text(const pugi::xml_node& node, const char* name);

}  // namespace shiftsync::aws::xml

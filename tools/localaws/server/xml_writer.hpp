#pragma once
// A tiny XML writer for responses: elements, escaped text, nothing else. Enough for S3 and Query.

#include <string>
#include <string_view>

namespace localaws {

inline void append_xml_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\r': out += "&#13;"; break;
        default: out.push_back(c);
        }
    }
}

class xml_writer {
public:
    xml_writer() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
    xml_writer& open(std::string_view name, std::string_view xmlns = {}) {
        out_ += '<';
        out_ += name;
        if (!xmlns.empty()) {
            out_ += " xmlns=\"";
            out_ += xmlns;
            out_ += '"';
        }
        out_ += '>';
        return *this;
    }
    xml_writer& close(std::string_view name) {
        out_ += "</";
        out_ += name;
        out_ += '>';
        return *this;
    }
    xml_writer& element(std::string_view name, std::string_view text) {
        out_ += '<';
        out_ += name;
        out_ += '>';
        append_xml_escaped(out_, text);
        return close(name);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

}  // namespace localaws

#pragma once
// Escaping for the little XML shiftsync writes (CompleteMultipartUpload, DeleteObjects bodies).

#include <string>
#include <string_view>

namespace shiftsync::aws::s3 {

inline void append_xml_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\r': out += "&#13;"; break;  // S3 keys may hold CR/LF; XML would normalise them away
            case '\n': out += "&#10;"; break;
            default: out.push_back(c);
        }
    }
}

}  // namespace shiftsync::aws::s3

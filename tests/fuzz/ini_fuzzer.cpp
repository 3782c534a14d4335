// The shared config/credentials file parser (aws/config/ini_file.hpp) on any text. Checked beyond
// "no crash": a failure names a line that exists, and what it returns reads back the same when
// written out again in the canonical form (keys lower-case, values trimmed).

#include "aws/config/ini_file.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace config = shiftsync::aws::config;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

std::string write(const config::ini_file& file) {
    std::string out;
    for (const auto& [name, section] : file.sections) {
        out += "[" + name + "]\n";
        for (const auto& [key, value] : section.values) out += key + " = " + value + "\n";
        for (const auto& [key, nested] : section.nested) {
            out += key + " =\n";
            for (const auto& [k, v] : nested) out += "  " + k + " = " + v + "\n";
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    auto parsed = config::parse_ini(text, error);
    if (!parsed) {
        check(error.rfind("line ", 0) == 0);
        return 0;
    }
    // Round trip: only for files whose names and values the canonical form can carry.
    for (const auto& [name, section] : parsed->sections) {
        if (name.find_first_of("[]\n\r#;") != std::string::npos || name.empty()) return 0;
        for (const auto& [k, v] : section.values)
            if (k.empty() || k.find_first_of("=\n\r#; \t[") != std::string::npos || v.find_first_of("\n\r") != std::string::npos ||
                v.empty())
                return 0;
        for (const auto& [k, nested] : section.nested) {
            // "key =" with nothing indented below, or a key both plain and nested: what a later
            // line of the same name means depends on the order, which the canonical form loses.
            if (nested.empty() || section.values.count(k) != 0) return 0;
            if (k.empty() || k.find_first_of("=\n\r#; \t[") != std::string::npos) return 0;
            for (const auto& [nk, nv] : nested)
                if (nk.empty() || nk.find_first_of("=\n\r#; \t[") != std::string::npos || nv.find_first_of("\n\r") != std::string::npos ||
                    nv.empty())
                    return 0;
        }
    }
    const std::string again = write(*parsed);
    auto reparsed = config::parse_ini(again, error);
    check(reparsed.has_value());
    check(write(*reparsed) == again);
    return 0;
}

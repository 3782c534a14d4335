#pragma once
// Shared by the config tests: parse a text named sync.yaml with a fake environment, and find errors
// by their "file:line:column: key_path" prefix.

#include "transfer/sync/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace shiftsync::transfer::sync::testing {

using environment = std::map<std::string, std::string, std::less<>>;

inline config_result parse(const std::string& text, const environment& env = {}) {
    return parse_sync_config(text, "sync.yaml", [&](std::string_view name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    });
}

inline std::string all_errors(const config_result& r) {
    std::string out;
    for (const auto& e : r.errors) out += e.to_string() + "\n";
    return out;
}

// The message of the one error at `where` ("sync.yaml:7:5: streams[0].write"); fails the test when
// there is none.
inline std::string error_at(const config_result& r, const std::string& where) {
    for (const auto& e : r.errors) {
        std::string text = e.to_string();
        if (text.rfind(where + ": ", 0) == 0) return text.substr(where.size() + 2);
    }
    ADD_FAILURE() << "no error at " << where << "; errors:\n" << all_errors(r);
    return "(none)";
}

// Four connections, one of each kind, on lines 1-5; streams follow from line 6.
inline const std::string connections = R"(connections:
  wh: {type: redshift, workgroup: wg, role_arn: "arn:aws:iam::111122223333:role/connector", staging: "s3://stage/sync"}
  app: {type: postgres, dsn: "host=db port=5432 dbname=app user=app password=pg-literal-pw"}
  lake: {type: s3, url: "s3://lake/exports/"}
  files: {type: local, directory: /data/files}
)";

}  // namespace shiftsync::transfer::sync::testing

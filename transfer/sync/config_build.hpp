#pragma once
// The steps of parse_sync_config (config.cpp), each in its own file:
//   config_connections.cpp  connections: -> connection_config (per type: its keys, required ones,
//                           staging and role checks, DSN passwords into the secrets)
//   config_streams.cpp      defaults: and streams: -> stream_config, each key's type and values;
//                           defaults merged into the streams that leave a key out
//   config_validate.cpp     what needs more than one key: connections named and fit for the role,
//                           modes against keys, duplicate names, columns against cursor and key;
//                           the notes
//
// Internal to transfer/sync/config*.cpp.

#include "transfer/sync/config_reader.hpp"

#include <set>
#include <string>
#include <vector>

namespace shiftsync::transfer::sync {

struct parsed_stream {
    stream_config config;
    std::set<std::string> given;      // keys set, own or from defaults: "write", "source.table", …
    std::set<std::string> inherited;  // the keys of `given` that came from defaults:
    std::string path;             // "streams[3]"
};

void parse_connections(config_reader& reader, const YAML::Node& node, sync_config& out);

// `defaults` may be an undefined node (no defaults: key).
std::vector<parsed_stream> parse_streams(config_reader& reader, const YAML::Node& streams, const YAML::Node& defaults);

void validate_streams(config_reader& reader, const std::vector<parsed_stream>& streams, sync_config& out);

}  // namespace shiftsync::transfer::sync

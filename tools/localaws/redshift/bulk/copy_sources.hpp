#pragma once
// Which objects a COPY reads: every key under the prefix (Redshift's prefix semantics: "data/part"
// also loads "data/part_2.csv" and anything else starting so), or the entries of a manifest
// (missing "mandatory": true entries fail the COPY; other missing entries are skipped). Each
// object read must be allowed to the role (s3:GetObject; s3:ListBucket for a prefix).

#include <optional>
#include <string>
#include <vector>

#include "tools/localaws/redshift/bulk/environment.hpp"
#include "tools/localaws/redshift/dialect/commands.hpp"

namespace localaws::redshift::bulk {

std::optional<outcome> resolve_copy_sources(const dialect::copy_command& cmd, const environment& env,
                                            const std::string& role_arn, std::vector<dialect::s3_location>& sources);

}  // namespace localaws::redshift::bulk

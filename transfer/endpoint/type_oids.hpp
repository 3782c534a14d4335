#pragma once
// The type OIDs the endpoint path recognises: PostgreSQL's (which Redshift shares) and Redshift's own
// (SUPER, VARBYTE). localaws stands SUPER and VARBYTE in with jsonb and bytea.

#include <cstdint>

namespace shiftsync::transfer::endpoint::oid {

constexpr std::uint32_t boolean = 16, bytea = 17, char_ = 18, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25,
                        oid_ = 26, json = 114, float4 = 700, float8 = 701, bpchar = 1042, varchar = 1043,
                        date = 1082, time = 1083, timestamp = 1114, timestamptz = 1184, interval = 1186,
                        timetz = 1266, numeric = 1700, jsonb = 3802, super = 4000, varbyte = 6551;

}  // namespace shiftsync::transfer::endpoint::oid

#pragma once
// PostgreSQL types of a query's columns to Redshift's, for load's PostgreSQL source: the kind a
// value is read as, the Redshift type a created (or added) column gets, or why Redshift cannot
// hold it. Sans-IO.
//
// The mapping (PostgreSQL as pg_type.typname spells it, a domain by its base type):
//
//   int2 / int4 / int8             SMALLINT / INTEGER / BIGINT
//   numeric(p, s), p <= 38         NUMERIC(p, s)
//   numeric(p, s), p > 38          refused: Redshift keeps 38 digits
//   numeric                        read as a decimal, but no column is created for it: Redshift has
//                                  no unconstrained NUMERIC (it would mean NUMERIC(18,0)); cast it
//                                  (x::numeric(38,6)) or give --column-type
//   float4 / float8                REAL / DOUBLE PRECISION
//   bool                           BOOLEAN
//   date, time, timetz,            the same (PostgreSQL and Redshift both keep microseconds)
//   timestamp, timestamptz
//   varchar(n), bpchar(n)          VARCHAR(min(4n, 65535)): PostgreSQL counts characters, Redshift
//                                  bytes, and a UTF-8 character takes up to 4 (char(n) as VARCHAR
//                                  too: Redshift's CHAR holds single-byte characters only; the blanks
//                                  PostgreSQL pads with are kept)
//   text, varchar, name, citext,   VARCHAR(65535), Redshift's longest (VARCHAR(36) for uuid)
//   uuid, inet, cidr, macaddr,
//   macaddr8, xml, an enum
//   json, jsonb                    SUPER
//   bytea                          VARBYTE(1024000), Redshift's longest
//   anything else (interval,       refused, naming the column and its type: cast it in the query
//   arrays, money, bit, geometric,  (x::text) to load its text
//   ranges, composites, ...)

#include "transfer/rows/column.hpp"

#include <string>

namespace shiftsync::transfer::postgres {

// A query column as the catalog describes it.
struct query_column {
    std::string name;
    std::string type;       // format_type(): "numeric(12,2)", "character varying(20)", "integer[]"
    std::string base_type;  // pg_type.typname of the type, or of a domain's base type
    char type_kind = 'b';   // pg_type.typtype ('b' base, 'e' enum, 'c' composite, 'r' range, …)
    char category = 'U';    // pg_type.typcategory of the (base) type ('A' array, 'S' string, …)
    int typmod = -1;        // of the (base) type
};

struct redshift_column {
    rows::column column;    // name, kind, type_name (Redshift's), precision and scale
    std::string ddl;        // the Redshift type a created column gets; empty: see no_ddl
    std::string no_ddl;     // why no Redshift column type holds every value (ddl empty)
    std::string refused;    // not empty: Redshift cannot hold these values at all (a sentence)
};

redshift_column redshift_column_for(const query_column& source);

}  // namespace shiftsync::transfer::postgres

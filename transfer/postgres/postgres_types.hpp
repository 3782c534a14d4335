#pragma once
// Redshift column types to PostgreSQL column types, for the PostgreSQL table sink: the type a
// created table's column gets, and whether an existing table's column can hold a source column's
// values. Sans-IO.
//
// The mapping (Redshift as ColumnMetadata's typeName spells it, precision/scale from the column):
//
//   int2 / int4 / int8          smallint / integer / bigint
//   numeric(p, s)               numeric(p, s)   (numeric when the precision is unknown)
//   float4 / float8             real / double precision
//   bool                        boolean
//   bpchar(n), char(n)          char(n)         (bpchar, unbounded, when n is unknown)
//   varchar(n)                  varchar(n)      (text when n is unknown; PostgreSQL counts
//                                                characters where Redshift counts bytes, so n
//                                                characters always hold n bytes)
//   date, time, timetz,         the same names; Redshift keeps microseconds, PostgreSQL's
//   timestamp, timestamptz      default precision (6)
//   super                       jsonb
//   varbyte(n)                  bytea
//   anything else (text, name,  text: their canonical text is the characters Redshift printed
//   geometry, interval, ...)
//
// Columns are created nullable whatever the source says: a query's result carries no constraint.

#include "transfer/rows/column.hpp"

#include <string>
#include <vector>

namespace shiftsync::transfer::postgres {

// The PostgreSQL type of a created table's column.
std::string postgres_type_for(const rows::column& source);

// The source type as a user writes it, for messages: "numeric(38,10)", "varchar(200)", "int4".
std::string redshift_type_text(const rows::column& source);

// A column of an existing table, as the catalog describes it.
struct postgres_column {
    std::string name;
    std::string type;       // format_type(): "numeric(12,2)", "character varying(20)", a domain's name
    std::string base_type;  // pg_type.typname of the type, or of a domain's base type: "numeric", "varchar"
    int typmod = -1;        // of that base type (-1: none)
    bool not_null = false;
    bool has_default = false;  // a default or an identity: COPY may leave it out
    bool generated = false;    // GENERATED ALWAYS AS (...) STORED: COPY cannot write it
};

// Whether `target` holds every value of `source` without loss: an empty string if so, else the
// reason in a few words. Accepted: the mapped type or a wider one of the same family (int2 into
// int4, numeric(10,2) into numeric(12,4) or numeric, varchar(20) into varchar(30) or text, float4
// into float8, super into json), text (or varchar long enough for the kind's longest text) for
// any kind but varbyte, and bytea only for varbyte.
std::string why_cannot_hold(const rows::column& source, const postgres_column& target);

// Checks an existing table against the source's columns: every source column must be there by
// its exact name, with a type that holds its values, and not generated; a target column the
// source lacks must be nullable or have a default (COPY leaves it so). Returns the first problem
// as a sentence naming the column and both types, or an empty string.
std::string check_existing_table(const rows::schema& source, const std::vector<postgres_column>& target,
                                 const std::string& table_label);

}  // namespace shiftsync::transfer::postgres

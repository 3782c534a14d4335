#pragma once
// Redshift counts VARCHAR(n) and CHAR(n) in bytes, PostgreSQL in characters: ten 3-byte characters
// fit PostgreSQL's varchar(12) but not Redshift's (30 bytes > 12). Columns keep PostgreSQL's own
// types, so ColumnMetadata, DescribeTable and ALTER … TYPE stay as they are; INSERT and UPDATE get
// a row trigger on every table with such a column:
//
//   CREATE TRIGGER localaws_byte_lengths BEFORE INSERT OR UPDATE ON t FOR EACH ROW
//   WHEN (octet_length(NEW::text) <> char_length(NEW::text))      -- only rows with a non-ASCII byte
//   EXECUTE FUNCTION pg_catalog.localaws_check_byte_lengths('v', '12', 'character varying', …)
//
// An event trigger rewrites it at every CREATE TABLE, CREATE TABLE AS, SELECT INTO and ALTER TABLE
// from the table's columns as they are then, so ALTER … ALTER COLUMN … TYPE VARCHAR(n) (widening),
// ADD, DROP and RENAME COLUMN all count at once. The WHEN clause references the whole row, never a
// column: a column reference would make PostgreSQL refuse DROP COLUMN and ALTER … TYPE. ASCII rows
// cost one row-to-text per write and no PL/pgSQL call. A violation fails the statement with
// Redshift's "value too long for type character varying(n)" (or "character(n)"), SQLSTATE 22001;
// for CHAR, PostgreSQL pads to n characters, so any multi-byte character overflows, as Redshift's
// CHAR takes single-byte characters only. Tables that exist when localaws installs this get the
// trigger then. COPY checks bytes itself first (bulk/copy_fields.cpp): a bad field is load error
// 1204 (or 1220 for a multi-byte character in CHAR) in sys_load_error_detail, as in Redshift.

namespace localaws::redshift {

// SQL for one database (superuser; idempotent): the functions, the event trigger, and the row
// trigger on tables that already exist. Run by install_sql_functions().
extern const char* const byte_length_checks_sql;

}  // namespace localaws::redshift

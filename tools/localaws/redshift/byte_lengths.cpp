#include "tools/localaws/redshift/byte_lengths.hpp"

namespace localaws::redshift {

// No backslash in here: these sessions read '…' with backslash escapes (standard_conforming_strings
// off, as Redshift), the superuser's as much as the users'.
const char* const byte_length_checks_sql = R"sql(
-- The row trigger's arguments name the columns to check, as triples (column, declared length,
-- type name for the message); localaws_refresh_byte_length_check rewrites them at every CREATE
-- and ALTER TABLE. Arguments rather than a catalog query per row, and to_jsonb once per row: a
-- quarter of the cost (250,000 rows with non-ASCII text: 2.9 s instead of 7.2 s; no check: 0.4 s).
CREATE OR REPLACE FUNCTION pg_catalog.localaws_check_byte_lengths() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  fields jsonb := pg_catalog.to_jsonb(NEW);
  i integer := 0;
BEGIN
  WHILE i + 2 < TG_NARGS LOOP
    IF pg_catalog.octet_length(fields ->> TG_ARGV[i]) > TG_ARGV[i + 1]::integer THEN
      RAISE EXCEPTION 'value too long for type %(%)', TG_ARGV[i + 2], TG_ARGV[i + 1]
        USING ERRCODE = 'string_data_right_truncation';
    END IF;
    i := i + 3;
  END LOOP;
  RETURN NEW;
END
$$;

-- (Re)creates the row trigger of one table from its current columns, or drops it when no column
-- has a declared VARCHAR/CHAR length. Runs as whoever creates or alters the table: its owner,
-- who may create triggers on it.
CREATE OR REPLACE FUNCTION pg_catalog.localaws_refresh_byte_length_check(t regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  arguments text;
BEGIN
  SELECT string_agg(format('%L, %L, %L', a.attname, a.atttypmod - 4,
                           CASE WHEN a.atttypid = 1042 THEN 'character' ELSE 'character varying' END),
                    ', ' ORDER BY a.attnum)
    INTO arguments
    FROM pg_attribute a
   WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped
     AND a.atttypid IN (1042, 1043) AND a.atttypmod > 4;
  IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t AND tgname = 'localaws_byte_lengths') THEN
    EXECUTE format('DROP TRIGGER localaws_byte_lengths ON %s', t);
  END IF;
  IF arguments IS NOT NULL THEN
    EXECUTE format('CREATE TRIGGER localaws_byte_lengths BEFORE INSERT OR UPDATE ON %s FOR EACH ROW '
                   'WHEN (pg_catalog.octet_length(NEW::text) <> pg_catalog.char_length(NEW::text)) '
                   'EXECUTE FUNCTION pg_catalog.localaws_check_byte_lengths(%s)', t, arguments);
  END IF;
END
$$;

-- ALTER TABLE … RENAME COLUMN reports a 'table column' (objid still the table).
CREATE OR REPLACE FUNCTION pg_catalog.localaws_byte_length_ddl() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT DISTINCT objid FROM pg_event_trigger_ddl_commands()
                 WHERE object_type IN ('table', 'table column') AND schema_name <> 'localaws_sys'
  LOOP
    PERFORM pg_catalog.localaws_refresh_byte_length_check(command.objid::regclass);
  END LOOP;
END
$$;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = 'localaws_byte_lengths') THEN
    CREATE EVENT TRIGGER localaws_byte_lengths ON ddl_command_end
      WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
      EXECUTE FUNCTION pg_catalog.localaws_byte_length_ddl();
  END IF;
END
$$;

-- Tables made before localaws installed this (an older data dir), or under an older version of it.
SELECT pg_catalog.localaws_refresh_byte_length_check(c.oid::regclass)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('information_schema', 'localaws_sys')
  AND left(n.nspname, 3) <> 'pg_';
)sql";

}  // namespace localaws::redshift

#include "tools/localaws/redshift/sql_functions.hpp"

#include <vector>

#include "tools/localaws/redshift/byte_lengths.hpp"
#include "tools/localaws/redshift/pg/connection.hpp"

namespace localaws::redshift {
namespace {

// PL/pgSQL rather than an inlined cast, to name the problem the way Redshift's error does ("JSON
// parsing error") and keep PostgreSQL's detail (which token), which the Data API's Error would
// otherwise drop. The exception block costs about 0.3 µs per call (a million calls: 1.4 s, the
// bare cast 1.1 s, measured here).
constexpr const char* functions_sql = R"sql(
CREATE OR REPLACE FUNCTION pg_catalog.json_parse(json_text text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  reason text;
BEGIN
  RETURN json_text::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  GET STACKED DIAGNOSTICS reason = PG_EXCEPTION_DETAIL;
  RAISE EXCEPTION 'JSON parsing error: %', reason USING ERRCODE = 'invalid_text_representation';
END
$$;

-- VARBYTE(n) columns are bytea with CHECK (localaws_varbyte_fits(col, n)) (dialect/rewrite.cpp):
-- the error is Redshift's kind of "value too long" (SQLSTATE 22001) instead of a check-constraint
-- name. Redshift's own name for the type is "binary varying".
CREATE OR REPLACE FUNCTION pg_catalog.localaws_varbyte_fits(value bytea, max_bytes integer) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF octet_length(value) > max_bytes THEN
    RAISE EXCEPTION 'value too long for type binary varying(%)', max_bytes USING ERRCODE = 'string_data_right_truncation';
  END IF;
  RETURN true;
END
$$;

-- Redshift's VARBYTE functions. Hex is lowercase and without PostgreSQL's "\x", as Redshift prints it;
-- an odd number of hex digits gets a leading 0 (TO_VARBYTE('4', 'hex') is 04).
CREATE OR REPLACE FUNCTION pg_catalog.from_hex(hex text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.decode(CASE WHEN length(hex) % 2 = 1 THEN '0' || hex ELSE hex END, 'hex');

CREATE OR REPLACE FUNCTION pg_catalog.to_hex(value bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.encode(value, 'hex');

CREATE OR REPLACE FUNCTION pg_catalog.to_varbyte(value text, format text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  bits text;
BEGIN
  CASE lower(format)
    WHEN 'hex' THEN RETURN pg_catalog.from_hex(value);
    WHEN 'utf8', 'utf-8' THEN RETURN convert_to(value, 'UTF8');
    WHEN 'binary' THEN
      bits := lpad(value, ((length(value) + 7) / 8) * 8, '0');
      RETURN decode(coalesce(string_agg(lpad(to_hex(substr(bits, i, 8)::bit(8)::integer), 2, '0'), '' ORDER BY i), ''), 'hex')
        FROM generate_series(1, length(bits), 8) AS i;
    ELSE RAISE EXCEPTION 'invalid format: %', format USING ERRCODE = 'invalid_parameter_value';
  END CASE;
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.from_varbyte(value bytea, format text) RETURNS varchar
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  CASE lower(format)
    WHEN 'hex' THEN RETURN encode(value, 'hex');
    WHEN 'utf8', 'utf-8' THEN RETURN convert_from(value, 'UTF8');
    WHEN 'binary' THEN
      RETURN coalesce(string_agg(get_byte(value, i)::bit(8)::text, '' ORDER BY i), '')
        FROM generate_series(0, octet_length(value) - 1) AS i;
    ELSE RAISE EXCEPTION 'invalid format: %', format USING ERRCODE = 'invalid_parameter_value';
  END CASE;
END
$$;
)sql";

}  // namespace

std::string install_sql_functions(const pg::cluster& cluster) {
    std::string error;
    auto root = pg::connection::open(cluster.conninfo("postgres"), error);
    if (!root) return error;
    pg::command_status status;
    auto databases = root->exec("SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname", status);
    if (!status) return status.message;
    for (int i = 0; i < PQntuples(databases.get()); ++i) {
        const std::string database = PQgetvalue(databases.get(), i, 0);
        auto conn = pg::connection::open(cluster.conninfo(database), error);
        if (!conn) return error;
        if (auto e = conn->run(functions_sql); !e.empty()) return "Redshift functions in " + database + ": " + e;
        if (auto e = conn->run(byte_length_checks_sql); !e.empty())
            return "VARCHAR/CHAR byte lengths in " + database + ": " + e;
    }
    return {};
}

}  // namespace localaws::redshift

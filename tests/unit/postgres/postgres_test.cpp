// The PostgreSQL table sink's sans-IO parts: the Redshift → PostgreSQL type mapping, which
// existing columns hold which values, the statements, COPY's CSV, --to-table names, and the
// connection string's password kept out of every label and message.

#include "transfer/postgres/postgres_conninfo.hpp"
#include "transfer/postgres/postgres_copy.hpp"
#include "transfer/postgres/postgres_types.hpp"
#include "transfer/postgres/redshift_types.hpp"

#include <gtest/gtest.h>

using namespace shiftsync::transfer;
using namespace shiftsync::transfer::postgres;
using rows::value_kind;

namespace {

rows::column col(std::string name, std::string type, int precision = 0, int scale = 0) {
    rows::column c;
    c.name = std::move(name);
    c.kind = rows::kind_of_type(type);
    c.type_name = std::move(type);
    c.precision = precision;
    c.scale = scale;
    return c;
}

postgres_column pg(std::string base, int typmod = -1, std::string type = {}) {
    postgres_column c;
    c.base_type = std::move(base);
    c.typmod = typmod;
    c.type = type.empty() ? c.base_type : std::move(type);
    return c;
}

int varchar_mod(int n) { return n + 4; }
int numeric_mod(int p, int s) { return ((p << 16) | s) + 4; }

}  // namespace

TEST(PostgresTypes, EveryRedshiftTypeMapsToItsPostgresType) {
    struct {
        rows::column source;
        const char* expected;
    } cases[] = {
        {col("a", "int2"), "smallint"},
        {col("a", "int4"), "integer"},
        {col("a", "int8"), "bigint"},
        {col("a", "numeric", 38, 10), "numeric(38,10)"},
        {col("a", "numeric", 12, 0), "numeric(12,0)"},
        {col("a", "numeric"), "numeric"},
        {col("a", "float4"), "real"},
        {col("a", "float8"), "double precision"},
        {col("a", "bool"), "boolean"},
        {col("a", "bpchar", 12), "char(12)"},
        {col("a", "bpchar"), "bpchar"},
        {col("a", "varchar", 200), "varchar(200)"},
        {col("a", "varchar", 65535), "varchar(65535)"},
        {col("a", "varchar"), "text"},
        {col("a", "date"), "date"},
        {col("a", "time"), "time"},
        {col("a", "timetz"), "timetz"},
        {col("a", "timestamp"), "timestamp"},
        {col("a", "timestamptz"), "timestamptz"},
        {col("a", "super"), "jsonb"},
        {col("a", "varbyte", 64), "bytea"},
        {col("a", "geometry"), "text"},
        {col("a", "intervald2s"), "text"},
    };
    for (const auto& c : cases) EXPECT_EQ(postgres_type_for(c.source), c.expected) << c.source.type_name;
}

TEST(PostgresTypes, SourceTypesAreSpelledAsUsersWriteThem) {
    EXPECT_EQ(redshift_type_text(col("a", "numeric", 38, 10)), "numeric(38,10)");
    EXPECT_EQ(redshift_type_text(col("a", "varchar", 20)), "varchar(20)");
    EXPECT_EQ(redshift_type_text(col("a", "bpchar", 3)), "bpchar(3)");
    EXPECT_EQ(redshift_type_text(col("a", "int4", 10)), "int4");
}

TEST(PostgresTypes, TheMappedTypeAlwaysHoldsItsSource) {
    const std::pair<rows::column, postgres_column> cases[] = {
        {col("a", "int2"), pg("int2")},
        {col("a", "int4"), pg("int4")},
        {col("a", "int8"), pg("int8")},
        {col("a", "numeric", 38, 10), pg("numeric", numeric_mod(38, 10))},
        {col("a", "float4"), pg("float4")},
        {col("a", "float8"), pg("float8")},
        {col("a", "bool"), pg("bool")},
        {col("a", "bpchar", 12), pg("bpchar", varchar_mod(12))},
        {col("a", "varchar", 200), pg("varchar", varchar_mod(200))},
        {col("a", "date"), pg("date")},
        {col("a", "time"), pg("time")},
        {col("a", "timetz"), pg("timetz")},
        {col("a", "timestamp"), pg("timestamp")},
        {col("a", "timestamptz"), pg("timestamptz")},
        {col("a", "super"), pg("jsonb")},
        {col("a", "varbyte"), pg("bytea")},
    };
    for (const auto& [source, target] : cases) EXPECT_EQ(why_cannot_hold(source, target), "") << source.type_name;
}

TEST(PostgresTypes, WiderTypesHoldNarrowerOnesAndNarrowerOnesDoNot) {
    EXPECT_EQ(why_cannot_hold(col("a", "int2"), pg("int8")), "");
    EXPECT_EQ(why_cannot_hold(col("a", "int4"), pg("numeric")), "");
    EXPECT_EQ(why_cannot_hold(col("a", "int4"), pg("numeric", numeric_mod(10, 0))), "");
    EXPECT_NE(why_cannot_hold(col("a", "int4"), pg("numeric", numeric_mod(12, 3))), "");  // 9 integer digits
    EXPECT_NE(why_cannot_hold(col("a", "int8"), pg("int4")), "");
    EXPECT_NE(why_cannot_hold(col("a", "int8"), pg("float8")), "");  // past 2^53 it would round

    EXPECT_EQ(why_cannot_hold(col("a", "numeric", 10, 2), pg("numeric", numeric_mod(12, 4))), "");
    EXPECT_EQ(why_cannot_hold(col("a", "numeric", 38, 10), pg("numeric")), "");
    EXPECT_NE(why_cannot_hold(col("a", "numeric", 38, 10), pg("numeric", numeric_mod(10, 2))), "");
    EXPECT_NE(why_cannot_hold(col("a", "numeric", 10, 4), pg("numeric", numeric_mod(20, 2))), "");  // scale lost
    EXPECT_NE(why_cannot_hold(col("a", "numeric"), pg("numeric", numeric_mod(38, 0))), "");       // digits unknown
    EXPECT_NE(why_cannot_hold(col("a", "numeric", 10, 2), pg("float8")), "");

    EXPECT_EQ(why_cannot_hold(col("a", "float4"), pg("float8")), "");
    EXPECT_NE(why_cannot_hold(col("a", "float8"), pg("float4")), "");

    EXPECT_EQ(why_cannot_hold(col("a", "varchar", 20), pg("varchar", varchar_mod(30))), "");
    EXPECT_EQ(why_cannot_hold(col("a", "varchar", 20), pg("varchar")), "");
    EXPECT_EQ(why_cannot_hold(col("a", "varchar", 20), pg("text")), "");
    EXPECT_NE(why_cannot_hold(col("a", "varchar", 200), pg("varchar", varchar_mod(100))), "");
    EXPECT_NE(why_cannot_hold(col("a", "varchar"), pg("varchar", varchar_mod(100))), "");  // length unknown
    EXPECT_NE(why_cannot_hold(col("a", "varchar", 5), pg("bpchar", varchar_mod(10))), "");  // would pad
    EXPECT_EQ(why_cannot_hold(col("a", "bpchar", 5), pg("bpchar", varchar_mod(10))), "");

    EXPECT_EQ(why_cannot_hold(col("a", "super"), pg("json")), "");
    EXPECT_EQ(why_cannot_hold(col("a", "super"), pg("text")), "");
    EXPECT_NE(why_cannot_hold(col("a", "super"), pg("varchar", varchar_mod(100))), "");
    EXPECT_NE(why_cannot_hold(col("a", "varbyte"), pg("text")), "");
    EXPECT_NE(why_cannot_hold(col("a", "text"), pg("bytea")), "");

    EXPECT_NE(why_cannot_hold(col("a", "timestamp"), pg("timestamptz")), "");  // would read it in a time zone
    EXPECT_NE(why_cannot_hold(col("a", "timestamp"), pg("timestamp", 0)), "");   // timestamp(0) rounds
    EXPECT_EQ(why_cannot_hold(col("a", "timestamp"), pg("timestamp", 6)), "");
    EXPECT_NE(why_cannot_hold(col("a", "date"), pg("timestamp")), "");
    EXPECT_NE(why_cannot_hold(col("a", "bool"), pg("int4")), "");
}

TEST(PostgresTypes, TextHoldsEveryKindButVarbyteWhenLongEnough) {
    EXPECT_EQ(why_cannot_hold(col("a", "int8"), pg("varchar", varchar_mod(20))), "");
    EXPECT_NE(why_cannot_hold(col("a", "int8"), pg("varchar", varchar_mod(19))), "");
    EXPECT_EQ(why_cannot_hold(col("a", "timestamptz"), pg("text")), "");
    EXPECT_EQ(why_cannot_hold(col("a", "numeric", 12, 2), pg("varchar", varchar_mod(14))), "");
    EXPECT_NE(why_cannot_hold(col("a", "numeric", 12, 2), pg("varchar", varchar_mod(13))), "");
    EXPECT_NE(why_cannot_hold(col("a", "varbyte"), pg("varchar")), "");
}

TEST(PostgresTypes, AnExistingTableIsCheckedColumnByColumnNamingBothTypes) {
    rows::schema source{col("id", "int4"), col("d", "numeric", 38, 10), col("v", "varchar", 200)};
    auto target = [](std::vector<postgres_column> cols) { return cols; };
    auto named = [](postgres_column c, std::string name) {
        c.name = std::move(name);
        return c;
    };
    // Same columns in another order, plus a nullable extra: fine.
    std::vector<postgres_column> ok = target({named(pg("varchar", varchar_mod(300), "character varying(300)"), "v"),
                                              named(pg("int8", -1, "bigint"), "id"),
                                              named(pg("numeric", -1, "numeric"), "d"),
                                              named(pg("text"), "note")});
    EXPECT_EQ(check_existing_table(source, ok, "\"public\".\"t\""), "");

    auto narrow = ok;
    narrow[2] = named(pg("numeric", numeric_mod(10, 2), "numeric(10,2)"), "d");
    std::string why = check_existing_table(source, narrow, "\"public\".\"t\"");
    EXPECT_NE(why.find("\"public\".\"t\""), std::string::npos) << why;
    EXPECT_NE(why.find("\"d\""), std::string::npos) << why;
    EXPECT_NE(why.find("numeric(10,2)"), std::string::npos) << why;
    EXPECT_NE(why.find("numeric(38,10)"), std::string::npos) << why;

    auto missing = ok;
    missing.erase(missing.begin());
    why = check_existing_table(source, missing, "t");
    EXPECT_NE(why.find("no column \"v\""), std::string::npos) << why;
    EXPECT_NE(why.find("varchar(200)"), std::string::npos) << why;

    // Names are exact: "ID" is another column than "id".
    auto upper = ok;
    upper[1].name = "ID";
    EXPECT_NE(check_existing_table(source, upper, "t").find("no column \"id\""), std::string::npos);

    auto required = ok;
    required[3].not_null = true;
    why = check_existing_table(source, required, "t");
    EXPECT_NE(why.find("\"note\""), std::string::npos) << why;
    EXPECT_NE(why.find("NOT NULL"), std::string::npos) << why;
    required[3].has_default = true;
    EXPECT_EQ(check_existing_table(source, required, "t"), "");

    auto generated = ok;
    generated[1].generated = true;
    EXPECT_NE(check_existing_table(source, generated, "t").find("generated"), std::string::npos);
}

TEST(PostgresCopy, IdentifiersAreAlwaysQuoted) {
    EXPECT_EQ(quote_identifier("plain"), "\"plain\"");
    EXPECT_EQ(quote_identifier("\"; drop table x; --"), "\"\"\"; drop table x; --\"");
    rows::schema cols{col("\"; drop table x; --", "int4"), col("Mixed Case", "varchar", 5)};
    qualified_name name{"my schema", "t\"x"};
    EXPECT_EQ(create_table_statement(name, cols),
              "CREATE TABLE \"my schema\".\"t\"\"x\" (\"\"\"; drop table x; --\" integer, \"Mixed Case\" varchar(5))");
    EXPECT_EQ(copy_statement(name, cols),
              "COPY \"my schema\".\"t\"\"x\" (\"\"\"; drop table x; --\", \"Mixed Case\") FROM STDIN WITH "
              "(FORMAT csv, DELIMITER ',', QUOTE '\"', NULL '')");
}

TEST(PostgresCopy, TableNamesAreReadAsPostgresReadsThem) {
    auto n = parse_qualified_name("Public.Orders");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->schema, "public");
    EXPECT_EQ(n->table, "orders");
    n = parse_qualified_name("\"My Schema\".\"a.b\"\"c\"");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->schema, "My Schema");
    EXPECT_EQ(n->table, "a.b\"c");
    n = parse_qualified_name("orders");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->schema, "");
    EXPECT_EQ(n->table, "orders");
    EXPECT_FALSE(parse_qualified_name("a.b.c"));
    EXPECT_FALSE(parse_qualified_name("a."));
    EXPECT_FALSE(parse_qualified_name("\"open"));
    EXPECT_FALSE(parse_qualified_name(""));
}

TEST(PostgresCopy, NullEmptyQuotesLineBreaksAndBackslashDot) {
    rows::schema cols{col("i", "int4"), col("s", "varchar", 50), col("b", "bool")};
    rows::row_batch batch(cols.size());
    for (auto v : {"1", "", "true"}) batch.add_value(v);  // an empty string
    batch.add_value("2");
    batch.end_null();  // NULL
    batch.add_value("false");
    for (auto v : {"3", "a,\"b\"\r\nc", "true"}) batch.add_value(v);
    for (auto v : {"4", "\\.", "false"}) batch.add_value(v);  // COPY's end-of-data line, as a value
    std::string out;
    encode_copy_rows(cols, batch, out);
    EXPECT_EQ(out,
              "\"1\",\"\",\"true\"\n"
              "\"2\",,\"false\"\n"
              "\"3\",\"a,\"\"b\"\"\r\nc\",\"true\"\n"
              "\"4\",\"\\.\",\"false\"\n");
}

TEST(PostgresCopy, VarbyteGetsByteasPrefixAndSuperStaysJson) {
    rows::schema cols{col("vb", "varbyte"), col("s", "super")};
    rows::row_batch batch(cols.size());
    batch.add_value("616263");
    batch.add_value("{\"k\":\"v, \\\"q\\\"\"}");
    batch.add_value("");  // an empty VARBYTE: zero bytes, not NULL
    batch.end_null();
    batch.end_null();
    batch.add_value("null");  // JSON null is a value
    std::string out;
    encode_copy_rows(cols, batch, out);
    EXPECT_EQ(out,
              "\"\\x616263\",\"{\"\"k\"\":\"\"v, \\\"\"q\\\"\"\"\"}\"\n"
              "\"\\x\",\n"
              ",\"null\"\n");
}

TEST(PostgresCopy, OneColumnNullIsAnEmptyLineAndEmptyStringIsQuoted) {
    rows::schema cols{col("s", "varchar", 5)};
    rows::row_batch batch(1);
    batch.end_null();
    batch.add_value("");
    std::string out;
    encode_copy_rows(cols, batch, out);
    EXPECT_EQ(out, "\n\"\"\n");
}

TEST(PostgresConninfo, ThePasswordIsNeverInTheLabel) {
    std::string why;
    auto uri = parse_conninfo("postgresql://loader:s3cr%40t-pw@db.example.com:6543/warehouse?sslmode=disable", why);
    ASSERT_TRUE(uri) << why;
    EXPECT_EQ(uri->label(), "loader@db.example.com:6543/warehouse");
    ASSERT_EQ(uri->secrets.size(), 2u);
    EXPECT_EQ(uri->secrets[0], "s3cr@t-pw");
    EXPECT_EQ(uri->secrets[1], "s3cr%40t-pw");
    EXPECT_EQ(mask_secrets("auth failed for s3cr@t-pw and s3cr%40t-pw", uri->secrets), "auth failed for *** and ***");

    auto keywords = parse_conninfo("host=127.0.0.1 port=5433 dbname=d user=u password='p w'", why);
    ASSERT_TRUE(keywords) << why;
    EXPECT_EQ(keywords->label(), "u@127.0.0.1:5433/d");
    ASSERT_EQ(keywords->secrets.size(), 1u);
    EXPECT_EQ(keywords->secrets[0], "p w");

    auto query_password = parse_conninfo("postgres://u@h/d?password=in-the-query", why);
    ASSERT_TRUE(query_password) << why;
    EXPECT_EQ(query_password->secrets.at(0), "in-the-query");

    auto none = parse_conninfo("postgresql://h/d", why);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->secrets.empty());
    EXPECT_EQ(none->label(), "h/d");
}

TEST(PostgresConninfo, AnUnparsableStringIsRefusedWithoutQuotingIt) {
    std::string why;
    EXPECT_FALSE(parse_conninfo("postgresql://u:hunter2@h:5432/d?nosuchoption=1", why));
    EXPECT_EQ(why.find("hunter2"), std::string::npos) << why;
    EXPECT_NE(why.find("connection string"), std::string::npos) << why;
    EXPECT_TRUE(is_postgres_uri("postgres://h/d"));
    EXPECT_TRUE(is_postgres_uri("postgresql://h/d"));
    EXPECT_FALSE(is_postgres_uri("/tmp/out.csv"));
}

// ---- load's PostgreSQL source: a query's PostgreSQL types to Redshift's

namespace {

query_column qc(std::string base, int typmod = -1, char type_kind = 'b', char category = 'U') {
    query_column c;
    c.name = "x";
    c.base_type = base;
    c.type = std::move(base);
    c.typmod = typmod;
    c.type_kind = type_kind;
    c.category = category;
    return c;
}

}  // namespace

TEST(RedshiftTypes, EachPostgresTypeGetsItsRedshiftColumn) {
    const std::pair<query_column, std::string> cases[] = {
        {qc("int2"), "SMALLINT"},           {qc("int4"), "INTEGER"},
        {qc("int8"), "BIGINT"},             {qc("numeric", numeric_mod(38, 10)), "NUMERIC(38,10)"},
        {qc("float4"), "REAL"},             {qc("float8"), "DOUBLE PRECISION"},
        {qc("bool"), "BOOLEAN"},            {qc("date"), "DATE"},
        {qc("timetz"), "TIMETZ"},           {qc("timestamptz"), "TIMESTAMPTZ"},
        {qc("jsonb"), "SUPER"},             {qc("bytea"), "VARBYTE(1024000)"},
        {qc("varchar", varchar_mod(20)), "VARCHAR(80)"},  // 20 characters, up to 4 bytes each
        {qc("varchar", varchar_mod(20000)), "VARCHAR(65535)"},
        {qc("bpchar", varchar_mod(3)), "VARCHAR(12)"},
        {qc("text"), "VARCHAR(65535)"},     {qc("uuid"), "VARCHAR(36)"},
        {qc("mood", -1, 'e', 'E'), "VARCHAR(65535)"},
    };
    for (const auto& [source, ddl] : cases) {
        auto mapped = redshift_column_for(source);
        EXPECT_EQ(mapped.ddl, ddl) << source.base_type;
        EXPECT_EQ(mapped.refused, "") << source.base_type;
    }
    EXPECT_EQ(redshift_column_for(qc("bytea")).column.kind, value_kind::varbyte);
    EXPECT_EQ(redshift_column_for(qc("json")).column.kind, value_kind::super);
    EXPECT_EQ(redshift_column_for(qc("timestamptz")).column.kind, value_kind::timestamptz);
}

TEST(RedshiftTypes, WhatRedshiftCannotHoldIsRefusedNamingColumnAndType) {
    auto interval = redshift_column_for(qc("interval"));
    EXPECT_NE(interval.refused.find("column \"x\" is interval"), std::string::npos) << interval.refused;
    EXPECT_NE(interval.refused.find("::text"), std::string::npos) << "says how to load it anyway";
    EXPECT_NE(redshift_column_for(qc("_int4", -1, 'b', 'A')).refused, "");      // an array
    EXPECT_NE(redshift_column_for(qc("int4range", -1, 'r', 'R')).refused, "");  // a range
    EXPECT_NE(redshift_column_for(qc("money")).refused, "");
    EXPECT_NE(redshift_column_for(qc("numeric", numeric_mod(39, 0))).refused, "");  // 39 digits
    // Unconstrained numeric reads fine but has no Redshift column type of its own.
    auto open = redshift_column_for(qc("numeric"));
    EXPECT_EQ(open.refused, "");
    EXPECT_EQ(open.ddl, "");
    EXPECT_NE(open.no_ddl.find("--column-type"), std::string::npos);
    EXPECT_EQ(open.column.kind, value_kind::decimal);
}

// transfer/endpoint/catalog_shape: the catalog statements (patterns as parameters, never pasted) and
// their rows as the Data API client's models (DescribeTable's type names, precision, scale, length).

#include "transfer/endpoint/catalog_shape.hpp"

#include <gtest/gtest.h>

namespace ep = shiftsync::transfer::endpoint;
namespace rd = shiftsync::aws::redshift_data;
namespace pg = shiftsync::engine::pg;

TEST(CatalogStatements, PatternsAreParametersAndEmptyMeansAll) {
    auto schemas = ep::list_schemas_statement("");
    ASSERT_EQ(schemas.parameters.size(), 1u);
    EXPECT_EQ(schemas.parameters[0], "%");
    auto tables = ep::list_tables_statement("o'; drop table x; --", "t%");
    ASSERT_EQ(tables.parameters.size(), 2u);
    EXPECT_EQ(tables.parameters[0], "o'; drop table x; --");
    EXPECT_EQ(tables.parameters[1], "t%");
    EXPECT_EQ(tables.sql.find("drop table"), std::string::npos);
    EXPECT_NE(tables.sql.find("LIKE $1"), std::string::npos);
    EXPECT_NE(tables.sql.find("LIKE $2"), std::string::npos);
    auto columns = ep::describe_table_statement("sales", "it's");
    EXPECT_EQ(columns.parameters, (std::vector<pg::parameter>{"sales", "it's"}));
    EXPECT_EQ(columns.sql.find("it's"), std::string::npos);
    EXPECT_TRUE(ep::list_databases_statement().parameters.empty());
    // The schemas the Data API never lists, in every statement that lists schemas.
    for (const auto& sql : {schemas.sql, tables.sql}) {
        EXPECT_NE(sql.find("pg!_toast%"), std::string::npos) << sql;
        EXPECT_NE(sql.find("pg!_temp!_%"), std::string::npos) << sql;
        EXPECT_NE(sql.find("'localaws_sys'"), std::string::npos) << sql;
    }
}

TEST(CatalogStatements, LikeExactlyEscapesWildcards) {
    EXPECT_EQ(ep::like_exactly("public"), "public");
    EXPECT_EQ(ep::like_exactly("s_x"), "s\\_x");
    EXPECT_EQ(ep::like_exactly("100%"), "100\\%");
    EXPECT_EQ(ep::like_exactly("a\\b"), "a\\\\b");
    EXPECT_EQ(ep::like_exactly(""), "");
}

TEST(CatalogRows, TablesAreTypedAsTheDataApiTypesThem) {
    std::vector<pg::row> rows{{"orders", "sales", "r"},       {"totals", "sales", "v"},
                              {"mv", "sales", "m"},           {"parted", "sales", "p"},
                              {"pg_class", "pg_catalog", "r"}, {"tables", "information_schema", "v"}};
    std::vector<rd::table_entry> out;
    std::string why;
    ASSERT_TRUE(ep::tables_of(rows, out, why)) << why;
    ASSERT_EQ(out.size(), rows.size());
    EXPECT_EQ(out[0].name, "orders");
    EXPECT_EQ(out[0].schema, "sales");
    std::vector<std::string> types;
    for (const auto& t : out) types.push_back(t.type);
    EXPECT_EQ(types, (std::vector<std::string>{"TABLE", "VIEW", "VIEW", "TABLE", "SYSTEM TABLE", "SYSTEM VIEW"}));
}

namespace {

rd::column_metadata described(const std::string& format_type, std::uint32_t oid, int modifier,
                              const char* notnull = "f") {
    std::vector<pg::row> rows{{"c", format_type, std::to_string(oid), std::to_string(modifier), notnull, "s", "t"}};
    std::vector<rd::column_metadata> out;
    std::string why;
    EXPECT_TRUE(ep::columns_of(rows, out, why)) << why;
    return out.empty() ? rd::column_metadata{} : out[0];
}

struct shape {
    std::string type;
    int precision, scale, length;
    bool nullable, is_signed;
    bool operator==(const shape&) const = default;
};

shape shape_of(const rd::column_metadata& c) {
    return {c.type_name, c.precision, c.scale, c.length, c.nullable, c.is_signed};
}

}  // namespace

TEST(CatalogRows, ColumnsHaveDescribeTablesShapes) {
    // atttypmod: varchar(n) and char(n) n + 4; numeric(p, s) (p << 16 | s) + 4; -1 without one.
    EXPECT_EQ(shape_of(described("integer", 23, -1, "t")), (shape{"integer", 10, 0, 0, false, true}));
    EXPECT_EQ(shape_of(described("smallint", 21, -1)), (shape{"smallint", 5, 0, 0, true, true}));
    EXPECT_EQ(shape_of(described("bigint", 20, -1)), (shape{"bigint", 19, 0, 0, true, true}));
    EXPECT_EQ(shape_of(described("boolean", 16, -1)), (shape{"boolean", 1, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("numeric", 1700, (12 << 16 | 2) + 4)), (shape{"numeric", 12, 2, 0, true, true}));
    EXPECT_EQ(shape_of(described("numeric", 1700, -1)), (shape{"numeric", 18, 0, 0, true, true}));
    EXPECT_EQ(shape_of(described("real", 700, -1)), (shape{"real", 8, 8, 0, true, true}));
    EXPECT_EQ(shape_of(described("double precision", 701, -1)), (shape{"double precision", 17, 17, 0, true, true}));
    EXPECT_EQ(shape_of(described("character varying", 1043, 44)), (shape{"character varying", 40, 0, 40, true, false}));
    EXPECT_EQ(shape_of(described("character varying", 1043, -1)),
              (shape{"character varying", 65535, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("character", 1042, 7)), (shape{"character", 3, 0, 3, true, false}));
    EXPECT_EQ(shape_of(described("text", 25, -1)), (shape{"character varying", 65535, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("date", 1082, -1)), (shape{"date", 13, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("time without time zone", 1083, -1)),
              (shape{"time without time zone", 15, 6, 0, true, false}));
    EXPECT_EQ(shape_of(described("time with time zone", 1266, -1)),
              (shape{"time with time zone", 21, 6, 0, true, false}));
    EXPECT_EQ(shape_of(described("timestamp without time zone", 1114, -1)),
              (shape{"timestamp without time zone", 29, 6, 0, true, false}));
    EXPECT_EQ(shape_of(described("timestamp with time zone", 1184, -1)),
              (shape{"timestamp with time zone", 35, 6, 0, true, false}));
    // SUPER and VARBYTE: Redshift's own types, and the PostgreSQL ones localaws keeps them in.
    EXPECT_EQ(shape_of(described("super", 4000, -1)), (shape{"super", 65535, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("jsonb", 3802, -1)), (shape{"super", 65535, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("bytea", 17, -1)), (shape{"varbyte", 0, 0, 0, true, false}));
    EXPECT_EQ(shape_of(described("varbyte", 6551, 68)), (shape{"varbyte", 0, 0, 0, true, false}));

    auto c = described("integer", 23, -1);
    EXPECT_EQ(c.name, "c");
    EXPECT_EQ(c.label, "c");
    EXPECT_EQ(c.schema_name, "s");
    EXPECT_EQ(c.table_name, "t");
}

TEST(CatalogRows, ARowThatIsNotWhatTheQuerySelectsIsAnError) {
    std::string why;
    std::vector<rd::column_metadata> columns;
    std::vector<pg::row> bad_oid{{"c", "integer", "int4", "-1", "f", "s", "t"}};
    EXPECT_FALSE(ep::columns_of(bad_oid, columns, why));
    EXPECT_NE(why.find("type oid"), std::string::npos) << why;
    why.clear();
    std::vector<pg::row> short_row{{"c", "integer"}};
    EXPECT_FALSE(ep::columns_of(short_row, columns, why));
    EXPECT_FALSE(why.empty());
    why.clear();
    std::vector<std::string> names;
    std::vector<pg::row> null_name{{std::nullopt}};
    EXPECT_FALSE(ep::names_of(null_name, names, why));
    EXPECT_NE(why.find("without"), std::string::npos) << why;
    std::vector<pg::row> good{{"dev"}, {"analytics"}};
    EXPECT_TRUE(ep::names_of(good, names, why));
    EXPECT_EQ(names, (std::vector<std::string>{"dev", "analytics"}));
}

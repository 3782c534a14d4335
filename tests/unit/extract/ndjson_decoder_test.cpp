#include "transfer/codec/compression.hpp"
#include "transfer/rows/ndjson_decoder.hpp"
#include "transfer/rows/row_encoder.hpp"
#include "transfer/rows/stream_decoder.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>

using namespace shiftsync::transfer::rows;

namespace {

schema six_columns() {
    return {{"id", "int8", value_kind::integer},      {"name", "varchar", value_kind::text},
            {"amount", "numeric", value_kind::decimal}, {"ok", "bool", value_kind::boolean},
            {"doc", "super", value_kind::super},       {"at", "timestamp", value_kind::timestamp}};
}

// Every value of a batch as text, NULL as "<null>", values separated by ';', rows by '|'.
std::string dump(const row_batch& b) {
    std::string out;
    for (std::size_t r = 0; r < b.rows(); ++r) {
        if (r) out += '|';
        for (std::size_t c = 0; c < b.columns(); ++c) {
            if (c) out += ';';
            out += b.is_null(r, c) ? std::string("<null>") : std::string(b.value(r, c));
        }
    }
    return out;
}

// The whole input at once; the error (prefixed "error: ") when it is refused.
std::string decode_all(const schema& cols, std::string_view input, ndjson_options options = {}) {
    ndjson_decoder d(cols, options);
    row_batch batch(cols.size());
    auto used = d.decode(input, true, batch);
    if (!used) return "error: " + d.error();
    EXPECT_EQ(*used, input.size());
    return dump(batch);
}

// Feeds `input` split at `cut`, the way chunks arrive, keeping the unused tail as a caller must.
std::string decode_in_two(const schema& cols, const std::string& input, std::size_t cut) {
    ndjson_decoder d(cols);
    row_batch batch(cols.size());
    std::string pending = input.substr(0, cut);
    auto used = d.decode(pending, false, batch);
    EXPECT_TRUE(used.has_value()) << d.error();
    pending = pending.substr(*used) + input.substr(cut);
    used = d.decode(pending, true, batch);
    EXPECT_TRUE(used.has_value()) << d.error();
    EXPECT_EQ(*used, pending.size());
    return dump(batch);
}

// The decoder's error for `input`, or "" when it was accepted.
std::string error_of(const schema& cols, std::string_view input, ndjson_options options = {}) {
    ndjson_decoder d(cols, options);
    row_batch batch(cols.size());
    return d.decode(input, true, batch) ? std::string() : d.error();
}

// One line with `text` as the value of the "doc" (super) column; its value, or "error: ...".
std::string super_of(const std::string& text) {
    schema cols{{"doc", "super", value_kind::super}};
    return decode_all(cols, "{\"doc\":" + text + "}\n");
}

const std::string e_acute = "\xc3\xa9";          // é
const std::string party = "\xf0\x9f\x8e\x89";    // 🎉, U+1F389

// Keys out of order and missing, escapes, CRLF, a blank line, nested super values, exact digits
// and a last line without a line break.
const std::string mixed_input =
    R"({"id":1,"name":"plain","amount":12345678901234567890.123456789,"ok":true,"doc":{"a": [1, 2.50, {"b": null}]},"at":"2026-12-02 13:45:00.500"})"
    "\n"
    " \t\r\n"
    R"(  {"name":"tab\tq\" \u00e9 \ud83c\udf89 \/","id":"42","ok":false,"doc":"s\"tr","amount":null} )"
    "\r\n"
    "{}\n"
    R"({"doc":[true,false,null,"x\n"],"id":-7,"ok":"f","amount":"-0.5","name":"","at":null})";
const std::string mixed_expected =
    "1;plain;12345678901234567890.123456789;true;{\"a\":[1,2.50,{\"b\":null}]};2026-12-02 13:45:00.5|"
    "42;tab\tq\" " + e_acute + " " + party + " /;<null>;false;\"s\\\"tr\";<null>|"
    "<null>;<null>;<null>;<null>;<null>;<null>|"
    "-7;;-0.5;false;[true,false,null,\"x\\n\"];<null>";

}  // namespace

TEST(NdjsonDecoder, DecodesAMixedInputWhole) {
    auto cols = six_columns();
    ndjson_decoder d(cols);
    row_batch batch(cols.size());
    auto used = d.decode(mixed_input, true, batch);
    ASSERT_TRUE(used) << d.error();
    EXPECT_EQ(*used, mixed_input.size());
    EXPECT_EQ(dump(batch), mixed_expected);
    EXPECT_EQ(d.records(), 4u);
    EXPECT_EQ(d.lines(), 5u);  // the blank line counts as a line, not as a record
}

TEST(NdjsonDecoder, ChunkSplitAtEveryByte) {
    auto cols = six_columns();
    for (std::size_t cut = 0; cut <= mixed_input.size(); ++cut)
        ASSERT_EQ(decode_in_two(cols, mixed_input, cut), mixed_expected) << "cut at " << cut;
}

TEST(NdjsonDecoder, OneByteAtATime) {
    auto cols = six_columns();
    ndjson_decoder d(cols);
    row_batch batch(cols.size());
    std::string pending;
    for (char c : mixed_input) {
        pending += c;
        auto used = d.decode(pending, false, batch);
        ASSERT_TRUE(used) << d.error();
        pending.erase(0, *used);
    }
    auto used = d.decode(pending, true, batch);
    ASSERT_TRUE(used) << d.error();
    EXPECT_EQ(*used, pending.size());
    EXPECT_EQ(dump(batch), mixed_expected);
}

TEST(NdjsonDecoder, ALastLineWithoutABreakWaitsForFinal) {
    schema cols{{"id", "int4", value_kind::integer}};
    ndjson_decoder d(cols);
    row_batch batch(1);
    std::string input = "{\"id\":1}\n{\"id\":2}";
    auto used = d.decode(input, false, batch);
    ASSERT_TRUE(used);
    EXPECT_EQ(*used, 9u);  // without a line break the second line may still be growing
    EXPECT_EQ(dump(batch), "1");
    used = d.decode(std::string_view(input).substr(*used), true, batch);
    ASSERT_TRUE(used);
    EXPECT_EQ(dump(batch), "1|2");
    EXPECT_EQ(d.lines(), 2u);
}

TEST(NdjsonDecoder, NumbersKeepTheirExactDigits) {
    schema cols{{"d", "numeric", value_kind::decimal}, {"i", "int8", value_kind::integer},
                {"t", "varchar", value_kind::text},    {"r", "float8", value_kind::real8},
                {"f", "float4", value_kind::real4}};
    EXPECT_EQ(decode_all(cols, R"({"d":12345678901234567890.123456789,"i":123456789012345678901234567890,)"
                               R"("t":1.50E+3,"r":0.1,"f":1.1})"),
              "12345678901234567890.123456789;123456789012345678901234567890;1.50E+3;0.1;1.1");
    // Trailing zeros of the scale stay; -0 stays; a real is brought to its shortest form.
    EXPECT_EQ(decode_all(cols, R"({"d":-0.000000000000000000001000,"i":-0,"t":-0.0,"r":1e20,"f":3.40282347e38})"),
              "-0.000000000000000000001000;-0;-0.0;1e+20;3.4028235e+38");
    // Exponents are not digits a decimal or an integer column can keep exactly.
    EXPECT_NE(error_of(cols, R"({"d":1e3})").find("the number 1e3 is not a valid decimal"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"i":1.0})").find("the number 1.0 is not a valid integer"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"r":1e999})").find("is not a valid real8"), std::string::npos);
}

TEST(NdjsonDecoder, StringsAreReadAsTheirColumnsKind) {
    schema cols{{"i", "int4", value_kind::integer}, {"b", "bool", value_kind::boolean},
                {"r", "float8", value_kind::real8}, {"v", "varbyte", value_kind::varbyte},
                {"t", "timestamptz", value_kind::timestamptz}};
    EXPECT_EQ(decode_all(cols, R"({"i":"123","b":"t","r":"NaN","v":"\\xAB01","t":"2026-12-02 13:45:00.120000+00"})"),
              "123;true;NaN;ab01;2026-12-02 13:45:00.12+00");
    std::string e = error_of(cols, "\n" R"({"i":"abc"})");
    EXPECT_NE(e.find("line 2"), std::string::npos) << e;
    EXPECT_NE(e.find("column \"i\" (int4): \"abc\" is not a valid integer"), std::string::npos) << e;
}

TEST(NdjsonDecoder, BooleansGoToBooleanTextAndSuper) {
    schema cols{{"b", "bool", value_kind::boolean}, {"t", "varchar", value_kind::text}, {"s", "super", value_kind::super},
                {"i", "int4", value_kind::integer}, {"d", "date", value_kind::date}};
    EXPECT_EQ(decode_all(cols, R"({"b":true,"t":false,"s":true})"), "true;false;true;<null>;<null>");
    EXPECT_EQ(decode_all(cols, R"({"b":0,"t":1})"), "false;1;<null>;<null>;<null>");
    EXPECT_NE(error_of(cols, R"({"i":true})").find("column \"i\" (int4): true is not a valid integer"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"d":false})").find("false is not a valid date"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"d":20261202})").find("the number 20261202 is not a valid date"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"b":2})").find("the number 2 is not a valid boolean"), std::string::npos);
}

TEST(NdjsonDecoder, MissingKeysAndNullAreNull) {
    auto cols = six_columns();
    EXPECT_EQ(decode_all(cols, R"({"name":null,"doc":null})" "\n" R"({ })" "\n" R"({"at":"2026-01-01"})"),
              "<null>;<null>;<null>;<null>;<null>;<null>|<null>;<null>;<null>;<null>;<null>;<null>|"
              "<null>;<null>;<null>;<null>;<null>;2026-01-01");
    // An empty string is a value, not NULL.
    EXPECT_EQ(decode_all(cols, R"({"name":""})"), "<null>;;<null>;<null>;<null>;<null>");
}

TEST(NdjsonDecoder, SuperValuesAreTheirJsonText) {
    EXPECT_EQ(super_of(R"( { "k" : [ 1 , -0.50 , 1E+400 , "a \"b\" \u00e9" , { } , [ ] ] , "n" : { "m" : null } } )"),
              R"({"k":[1,-0.50,1E+400,"a \"b\" \u00e9",{},[]],"n":{"m":null}})");
    EXPECT_EQ(super_of("12345678901234567890.123456789"), "12345678901234567890.123456789");
    EXPECT_EQ(super_of(R"("text\n")"), R"("text\n")");  // a JSON string stays a JSON string
    EXPECT_EQ(super_of("false"), "false");
    EXPECT_EQ(super_of("null"), "<null>");
    EXPECT_EQ(super_of(std::string(512, '[') + std::string(512, ']')), std::string(512, '[') + std::string(512, ']'));
    EXPECT_NE(super_of(std::string(600, '[') + std::string(600, ']')).find("deeper than 512"), std::string::npos);

    schema cols{{"t", "varchar", value_kind::text}, {"i", "int4", value_kind::integer}};
    EXPECT_NE(error_of(cols, R"({"t":{"a":1}})").find("column \"t\" (varchar): an object is not a valid text"),
              std::string::npos);
    EXPECT_NE(error_of(cols, R"({"i":[1]})").find("an array is not a valid integer"), std::string::npos);
}

// What the scanner accepts as a super value is exactly what simdjson accepts as a document, and
// what it keeps is simdjson's minified text of it.
TEST(NdjsonDecoder, SuperValidationAgreesWithSimdjson) {
    const char* candidates[] = {
        "{}", "[]", " [ 1 , -0 , 2.5e-3 , 1E+2 , 0.0 ] ", R"({"a":{"b":{"c":[null,true,false]}}})",
        R"(["\u00e9\ud83c\udf89\\\"\/\b\f\n\r\t"])", R"({"":""})", "[-1.5e-0]",
        "[1,]", R"({"a"})", R"({"a":1,})", "[01]", "[1.]", "[.5]", "[+1]", "[-]", "[1e]", "[1e+]",
        R"({"a":tru})", R"({"a":truex})", R"(["\x"])", R"(["\u12"])", R"(["\u12G4"])", "[1 2]", R"({"a" 1})",
        "[", "{", "[1]]", R"({"a":1}})", "{,}", "[,1]", R"({1:2})", "nul", "[NaN]", "[Infinity]", "['a']",
        "[\"a\tb\"]", "[\"a\x01\"]", R"({"a":"b",})", "[1,,2]", R"(["open)"};
    for (const char* text : candidates) {
        std::string ours = super_of(text);
        simdjson::dom::parser parser;
        simdjson::padded_string padded{std::string_view(text)};
        bool simdjson_ok = parser.parse(padded).error() == simdjson::SUCCESS;
        EXPECT_EQ(ours.rfind("error: ", 0) != 0, simdjson_ok) << text << " -> " << ours;
        if (!simdjson_ok) continue;
        std::string minified(std::strlen(text), '\0');
        std::size_t length = 0;
        ASSERT_EQ(simdjson::minify(text, std::strlen(text), minified.data(), length), simdjson::SUCCESS);
        minified.resize(length);
        EXPECT_EQ(ours, minified) << text;
    }
}

TEST(NdjsonDecoder, EscapesBecomeUtf8) {
    schema cols{{"s", "varchar", value_kind::text}};
    EXPECT_EQ(decode_all(cols, R"({"s":"a\nb\"c\\d\/e\bf\fg\rh\ti"})"), "a\nb\"c\\d/e\bf\fg\rh\ti");
    EXPECT_EQ(decode_all(cols, R"({"s":"caf\u00e9 \u00E9"})"), "caf" + e_acute + " " + e_acute);
    EXPECT_EQ(decode_all(cols, R"({"s":"\ud83c\udf89!"})"), party + "!");
    EXPECT_EQ(decode_all(cols, R"({"s":"\u20ac\u0041"})"), "\xe2\x82\xac" "A");
    EXPECT_EQ(decode_all(cols, R"({"s":"nul\u0000byte"})"), std::string("nul\0byte", 8));
    EXPECT_EQ(decode_all(cols, "{\"s\":\"" + e_acute + party + "\"}"), e_acute + party);  // raw UTF-8 as is
    EXPECT_EQ(decode_all(cols, R"({"\u0073":"escaped key"})"), "escaped key");

    EXPECT_NE(error_of(cols, R"({"s":"\ud83c"})").find("high surrogate"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"s":"\ud83cx"})").find("high surrogate"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"s":"\ud83c\u0041"})").find("high surrogate"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"s":"\udf89"})").find("low surrogate"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"s":"\q"})").find("invalid escape"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"s":"\u00e"})").find("4 hex digits"), std::string::npos);
    EXPECT_NE(error_of(cols, "{\"s\":\"a\tb\"}").find("control character"), std::string::npos);
}

TEST(NdjsonDecoder, InvalidUtf8IsAnError) {
    schema cols{{"s", "varchar", value_kind::text}};
    for (std::string bad : {"\xff", "\xc0\xaf", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
        std::string e = error_of(cols, "{\"s\":\"ok\"}\n{\"s\":\"" + bad + "\"}\n");
        EXPECT_NE(e.find("line 2: invalid UTF-8"), std::string::npos) << e;
    }
}

TEST(NdjsonDecoder, UnknownKeysAreErrorsUnlessIgnored) {
    schema cols{{"id", "int4", value_kind::integer}};
    std::string input = "{\"id\":1}\n\n{\"id\":2,\"extra\":{\"x\":[1]}}\n";
    std::string e = error_of(cols, input);
    EXPECT_NE(e.find("line 3: key \"extra\" is not a column"), std::string::npos) << e;
    EXPECT_EQ(decode_all(cols, input, {.ignore_unknown_keys = true}), "1|2");
    // Ignored values are still checked, and an ignored key given twice is still twice.
    e = error_of(cols, R"({"extra":[1,],"id":1})", {.ignore_unknown_keys = true});
    EXPECT_NE(e.find("line 1, byte 13: expected a value"), std::string::npos) << e;
    e = error_of(cols, R"({"x":1,"id":1,"x":2})", {.ignore_unknown_keys = true});
    EXPECT_NE(e.find("key \"x\" appears twice"), std::string::npos) << e;
}

TEST(NdjsonDecoder, DuplicateKeysAreErrors) {
    schema cols{{"id", "int4", value_kind::integer}, {"n", "varchar", value_kind::text}};
    EXPECT_NE(error_of(cols, R"({"id":1,"n":"a","id":2})").find("line 1: key \"id\" appears twice"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"id":null,"id":null})").find("appears twice"), std::string::npos);
    EXPECT_NE(error_of(cols, R"({"id":1,"\u0069d":1})").find("key \"id\" appears twice"), std::string::npos);
    EXPECT_EQ(error_of(cols, "{\"id\":1}\n{\"id\":2}\n"), "");  // the same key on two lines is fine
}

TEST(NdjsonDecoder, MalformedLinesNameLineAndByte) {
    schema cols{{"id", "int4", value_kind::integer}, {"n", "varchar", value_kind::text}};
    struct {
        const char* line;
        const char* error;
    } cases[] = {
        {"[1,2]", "line 3, byte 1: a record must be a JSON object"},
        {"  42", "line 3, byte 3: a record must be a JSON object"},
        {R"({"id":1} {"id":2})", "line 3, byte 10: more text after the object"},
        {R"({"id" 1})", "line 3, byte 7: expected ':' after a key"},
        {R"({"id":1,})", "line 3, byte 9: expected a key"},
        {R"({"id":1 "n":"a"})", "line 3, byte 9: expected ',' or '}' after a value"},
        {R"({id:1})", "line 3, byte 2: expected a key"},
        {R"({"id":1)", "line 3, byte 8: expected ',' or '}' after a value"},
        {R"({"n":"open})", "line 3, byte 12: a string is not closed"},
        {R"({"id":01})", "line 3, byte 8: a number with a leading zero"},
        {R"({"id":-})", "line 3, byte 8: a number without digits"},
        {R"({"id":1.})", "line 3, byte 9: a number without digits after its '.'"},
        {R"({"id":nul})", "line 3, byte 7: an unexpected word"},
        {R"({"id":})", "line 3, byte 7: expected a value"},
        {R"({"id":'1'})", "line 3, byte 7: expected a value"},
    };
    for (const auto& c : cases) {
        ndjson_decoder d(cols);
        row_batch batch(cols.size());
        std::string input = "{\"id\":1}\r\n   \r\n" + std::string(c.line) + "\r\n{\"id\":4}\n";
        EXPECT_FALSE(d.decode(input, true, batch)) << c.line;
        EXPECT_EQ(d.error().rfind(c.error, 0), 0u) << c.line << " -> " << d.error();
        EXPECT_EQ(dump(batch), "1;<null>") << c.line;  // nothing of the bad line reaches the batch
        EXPECT_EQ(d.records(), 1u);
        EXPECT_EQ(d.lines(), 2u);
    }
}

TEST(NdjsonDecoder, StopsWhenTheBatchIsFullAndResumes) {
    schema cols{{"v", "varchar", value_kind::text}, {"n", "int4", value_kind::integer}};
    std::string value(1000, 'x');
    std::string input;
    for (int i = 0; i < 3000; ++i) input += "{\"n\":" + std::to_string(i) + ",\"v\":\"" + value + "\"}\n";
    ndjson_decoder d(cols);
    std::size_t rows = 0, pos = 0, batches = 0;
    while (pos < input.size()) {
        row_batch batch(cols.size());
        auto used = d.decode(std::string_view(input).substr(pos), true, batch);
        ASSERT_TRUE(used) << d.error();
        ASSERT_GT(*used, 0u);
        ASSERT_TRUE(batch.full() || pos + *used == input.size());
        for (std::size_t r = 0; r < batch.rows(); ++r) ASSERT_EQ(batch.value(r, 1), std::to_string(rows + r));
        pos += *used;
        rows += batch.rows();
        ++batches;
    }
    EXPECT_EQ(rows, 3000u);
    EXPECT_EQ(d.records(), 3000u);
    EXPECT_GE(batches, 3u);
}

// What row_encoder writes as NDJSON reads back to the same values.
TEST(NdjsonDecoder, ReadsBackWhatTheEncoderWrites) {
    schema cols{{"i", "int8", value_kind::integer}, {"d", "numeric", value_kind::decimal},
                {"r", "float8", value_kind::real8}, {"b", "bool", value_kind::boolean},
                {"s", "varchar", value_kind::text}, {"j", "super", value_kind::super},
                {"v", "varbyte", value_kind::varbyte}, {"t", "timetz", value_kind::timetz}};
    row_batch batch(cols.size());
    for (auto v : {"9223372036854775807", "12345678901234567890.10", "NaN", "false", "tab\there \"q\" \x01 \xc3\xa9",
                   "{\"k\":[1,2.50,\"\\u00e9\"]}", "00ff", "13:45:00.5+00"})
        batch.add_value(v);
    for (auto v : {"-1", "0.5", "-Infinity", "true", "", "\"str\"", "", "00:00:00+00"}) batch.add_value(v);
    for (std::size_t c = 0; c < cols.size(); ++c) batch.end_null();
    std::string encoded;
    encode_rows(output_format::ndjson, cols, batch, encoded);
    EXPECT_EQ(decode_all(cols, encoded), dump(batch)) << encoded;
}

// Load's path: a gzip'd file through stream_decoder, in chunks that cut lines and UTF-8.
TEST(NdjsonDecoder, WorksAsTheRecordDecoderOfAStream) {
    schema cols{{"id", "int4", value_kind::integer}, {"s", "varchar", value_kind::text}};
    std::string text;
    for (int i = 0; i < 20000; ++i) text += R"({"s":"caf\u00e9 )" + e_acute + std::to_string(i) + R"(","id":)" + std::to_string(i) + "}\r\n";
    auto z = shiftsync::transfer::codec::make_compressor(shiftsync::transfer::codec::compression::gzip);
    std::string file;
    z->write(text, file);
    z->finish(file);
    stream_decoder d(cols.size(), std::make_unique<ndjson_decoder>(cols), shiftsync::transfer::codec::compression::gzip);
    stream_decoder::batches out;
    for (std::size_t at = 0; at < file.size(); at += 777) ASSERT_TRUE(d.feed(std::string_view(file).substr(at, 777), out)) << d.error();
    ASSERT_TRUE(d.finish(out)) << d.error();
    std::size_t rows = 0;
    for (auto& b : out) rows += b->rows();
    EXPECT_EQ(rows, 20000u);
    EXPECT_EQ(out.back()->value(out.back()->rows() - 1, 1), "caf" + e_acute + " " + e_acute + "19999");
    EXPECT_TRUE(d.verify(file.size(), 20000)) << d.error();

    // A bad line deep in the stream is reported with its line number.
    text += "{\"id\":\"x\"}\n";
    z = shiftsync::transfer::codec::make_compressor(shiftsync::transfer::codec::compression::gzip);
    file.clear();
    z->write(text, file);
    z->finish(file);
    stream_decoder bad(cols.size(), std::make_unique<ndjson_decoder>(cols), shiftsync::transfer::codec::compression::gzip);
    out.clear();
    bool ok = bad.feed(file, out) && bad.finish(out);
    EXPECT_FALSE(ok);
    EXPECT_NE(bad.error().find("line 20001"), std::string::npos) << bad.error();
}

// Not a pass/fail benchmark (shared CI cores would make it flaky): prints the rate, which should be
// at least 1 M rows/s of these 6-field lines on one core.
TEST(NdjsonDecoder, DecodeRate) {
    schema cols{{"id", "int8", value_kind::integer},   {"name", "varchar", value_kind::text},
                {"amount", "numeric", value_kind::decimal}, {"ok", "bool", value_kind::boolean},
                {"at", "timestamp", value_kind::timestamp}, {"city", "varchar", value_kind::text}};
    std::string input;
    const int lines = 200000;
    for (int i = 0; i < lines; ++i)
        input += R"({"id":)" + std::to_string(1000000 + i) + R"(,"name":"user )" + std::to_string(i % 977) +
                 R"(","amount":)" + std::to_string(i % 10000) + R"(.25,"ok":)" + (i % 3 ? "true" : "false") +
                 R"(,"at":"2026-12-02 13:45:)" + std::to_string(10 + i % 50) + R"(","city":"Lisboa"})" + "\n";
    const int rounds = 5;
    std::size_t rows = 0;
    row_batch batch(cols.size());
    auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < rounds; ++round) {
        ndjson_decoder d(cols);
        std::size_t pos = 0;
        while (pos < input.size()) {
            batch.clear();
            auto used = d.decode(std::string_view(input).substr(pos), true, batch);
            ASSERT_TRUE(used) << d.error();
            pos += *used;
            rows += batch.rows();
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(rows, static_cast<std::size_t>(lines) * rounds);
    std::printf("[   rate   ] %.2f M rows/s, %.0f MB/s (%zu-byte lines, 6 fields)\n", rows / seconds / 1e6,
                input.size() * rounds / seconds / 1e6, input.size() / lines);
}

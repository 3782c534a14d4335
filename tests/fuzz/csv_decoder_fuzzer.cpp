// The transfer layer's CSV decoder (transfer/rows/csv_decoder.hpp) on any bytes, fed as a stream:
// the input is cut where the fuzzer says and the decoder must keep what it did not use. Checked
// beyond "no crash": it never claims more bytes than it was given, every row has every column,
// and decoding in pieces gives exactly the rows (and the error) of decoding in one go.
//
// Input: byte 0 = delimiter choice and flags, byte 1 = column count and kinds seed, byte 2 = the
// cut, then the CSV text.

#include "tests/fuzz/fuzz_input.hpp"
#include "transfer/rows/csv_decoder.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace rows = shiftsync::transfer::rows;

namespace {

struct outcome {
    std::vector<std::optional<std::string>> values;  // row-major, nullopt for NULL
    bool failed = false;
    std::uint64_t records = 0;
};

void check(bool ok) {
    if (!ok) std::abort();
}

// Decodes `text` handed over in pieces that end at `cuts` (and at the end), as the stream decoder
// does: the unused tail is kept and fed again with the next piece.
outcome decode(const rows::schema& columns, const rows::csv_dialect& dialect, std::string_view text,
               std::size_t cut) {
    rows::csv_decoder decoder(columns, dialect);
    rows::row_batch batch(columns.size());
    outcome out;
    std::string pending;
    std::size_t fed = 0;
    const std::size_t pieces[] = {std::min(cut, text.size()), text.size()};
    for (std::size_t end : pieces) {
        pending.append(text.substr(fed, end - fed));
        fed = end;
        const bool final = end == text.size();
        for (;;) {
            // An exactly sized copy: ASan sees a read one byte past what the decoder was given
            // (a std::string's spare capacity and terminator would hide it).
            const std::vector<char> exact(pending.begin(), pending.end());
            auto used = decoder.decode(std::string_view(exact.data(), exact.size()), final, batch);
            if (!used) {
                check(!decoder.error().empty());
                out.failed = true;
                break;
            }
            check(*used <= pending.size());
            pending.erase(0, *used);
            if (!batch.full()) break;
            for (std::size_t r = 0; r < batch.rows(); ++r)
                for (std::size_t c = 0; c < batch.columns(); ++c)
                    out.values.push_back(batch.is_null(r, c) ? std::nullopt : std::optional<std::string>(batch.value(r, c)));
            batch.clear();
        }
        if (out.failed) break;
    }
    check(batch.columns() == columns.size());
    for (std::size_t r = 0; r < batch.rows(); ++r)
        for (std::size_t c = 0; c < batch.columns(); ++c)
            out.values.push_back(batch.is_null(r, c) ? std::nullopt : std::optional<std::string>(batch.value(r, c)));
    out.records = decoder.records();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::uint8_t flags = in.byte();
    const std::uint8_t kinds = in.byte();
    const std::uint8_t cut = in.byte();
    static constexpr char delimiters[] = {',', '|', '\t', ';'};
    static constexpr rows::value_kind kind_choices[] = {
        rows::value_kind::text, rows::value_kind::integer, rows::value_kind::decimal, rows::value_kind::real8,
        rows::value_kind::boolean, rows::value_kind::date, rows::value_kind::timestamptz, rows::value_kind::varbyte};

    rows::csv_dialect dialect;
    dialect.delimiter = delimiters[flags & 3];
    if (flags & 4) dialect.null_marker = "\\N";
    dialect.empty_is_null = (flags & 8) != 0;
    dialect.header = (flags & 16) != 0;

    rows::schema columns;
    const std::size_t count = 1 + (kinds & 3);
    for (std::size_t i = 0; i < count; ++i) {
        rows::column c;
        c.name = "c" + std::to_string(i);
        c.kind = kind_choices[(kinds >> (2 + i)) & 7];
        c.precision = 12;
        c.scale = 2;
        columns.push_back(c);
    }

    const std::string_view text = in.rest();
    const outcome whole = decode(columns, dialect, text, text.size());
    const outcome pieces = decode(columns, dialect, text, cut * text.size() / 255);
    check(whole.values.size() % columns.size() == 0);
    check(whole.failed == pieces.failed);
    check(whole.values == pieces.values);
    check(whole.records == pieces.records);
    return 0;
}

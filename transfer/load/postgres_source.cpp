// make_postgres_source (postgres_source.hpp): libpq calls in jobs on the blocking pool, each
// chunk of COPY's CSV decoded on the CPU pool (rows/stream_decoder), batches handed out in order.

#include "transfer/load/postgres_source.hpp"

#include "transfer/postgres/postgres_copy.hpp"
#include "transfer/postgres/postgres_session.hpp"
#include "transfer/postgres/redshift_types.hpp"
#include "transfer/rows/csv_decoder.hpp"
#include "transfer/rows/stream_decoder.hpp"
#include "transfer/s3/transfer_error.hpp"

#include <cctype>
#include <cstdlib>
#include <deque>

namespace shiftsync::transfer::load {

namespace asio = boost::asio;
namespace pg = transfer::postgres;
using boost::system::error_code;
using boost::system::result;

std::optional<std::string> postgres_table_query(std::string_view table) {
    auto name = pg::parse_qualified_name(table);
    if (!name) return std::nullopt;
    std::string from = name->schema.empty() ? pg::quote_identifier(name->table) : pg::quoted(*name);
    return "SELECT * FROM " + from;
}

namespace {

constexpr std::size_t chunk_size = 1 << 20;

// Values print in one form whatever the server's or the role's settings: ISO dates, UTC offsets,
// floats that read back to the same bits, bytea as hex.
const char* const session_settings =
    "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'; "
    "SET IntervalStyle = 'postgres'";

// Each described column's type by its base type (a domain's), with format_type for messages.
const char* const column_types_sql =
    "SELECT pg_catalog.format_type(u.o, u.m), coalesce(b.typname, t.typname), coalesce(b.typtype, t.typtype), "
    "coalesce(b.typcategory, t.typcategory), CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE u.m END "
    "FROM unnest($1::pg_catalog.oid[], $2::pg_catalog.int4[]) WITH ORDINALITY AS u(o, m, i) "
    "JOIN pg_catalog.pg_type t ON t.oid = u.o "
    "LEFT JOIN pg_catalog.pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype ORDER BY u.i";

// The query's text inside COPY ( … ): without the ';' and blanks a user may end it with.
std::string without_terminator(std::string sql) {
    while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
    return sql;
}

struct opened {
    error_code error;
    std::string failure;
    std::vector<pg::query_column> columns;
};

// Blocking: connect, settings, describe, the catalog's words for each type.
opened open_query(pg::postgres_session& s, const std::string& sql) {
    opened out;
    auto failed = [&] {
        out.error = make_error_code(errc::source_failed);
        out.failure = s.failure();
        s.rollback_and_close();
        return out;
    };
    if (!s.connect() || !s.exec(session_settings, "setting the session's DateStyle, TimeZone and float digits"))
        return failed();
    auto described = s.describe(sql, "the query");
    if (!described) return failed();
    if (described->empty()) {
        out.error = make_error_code(errc::does_not_fit);
        out.failure = "the PostgreSQL query returns no columns";
        return out;
    }
    std::string oids = "{", mods = "{";
    for (const auto& c : *described) {
        oids += (oids.size() > 1 ? "," : "") + std::to_string(c.type_oid);
        mods += (mods.size() > 1 ? "," : "") + std::to_string(c.typmod);
    }
    auto types = s.query(column_types_sql, {oids + "}", mods + "}"}, "reading the query's column types");
    if (!types) return failed();
    if (types->size() != described->size()) {
        out.error = make_error_code(errc::source_failed);
        out.failure = "the catalog does not know every type of the query's columns";
        return out;
    }
    for (std::size_t i = 0; i < described->size(); ++i) {
        const auto& row = (*types)[i];
        pg::query_column c;
        c.name = (*described)[i].name;
        c.type = row[0].value_or("");
        c.base_type = row[1].value_or("");
        c.type_kind = row[2].value_or("b").empty() ? 'b' : row[2]->front();
        c.category = row[3].value_or("U").empty() ? 'U' : row[3]->front();
        c.typmod = std::atoi(row[4].value_or("-1").c_str());
        out.columns.push_back(std::move(c));
    }
    return out;
}

struct chunk {
    error_code error;
    std::string failure;
    std::string bytes;
    bool ended = false;
};

class postgres_source final : public row_source {
public:
    postgres_source(engine::cpu_pool& blocking, engine::cpu_pool& cpu, std::string conninfo, std::string sql,
                    postgres_source_options options)
        : blocking_(blocking), cpu_(cpu), conninfo_(std::move(conninfo)), sql_(without_terminator(std::move(sql))),
          options_(std::move(options)) {}
    // The last job to let go of the session closes it without waiting; the server ends the query.
    ~postgres_source() override = default;

    asio::awaitable<result<std::vector<std::string>>> async_open(aws::diagnostics& diag) override {
        std::string why;
        auto summary = pg::parse_conninfo(conninfo_, why);
        if (!summary) co_return fail(diag, make_error_code(errc::does_not_fit), why);
        secrets_ = summary->secrets;
        session_ = std::make_shared<pg::postgres_session>(conninfo_, std::move(*summary), options_.connect_timeout_seconds,
                                                          options_.application_name);
        auto job = [session = session_, sql = sql_]() {
            opened out = open_query(*session, sql);
            return out;
        };
        opened got = co_await blocking_.async_run(std::move(job));
        if (got.error) co_return fail(diag, got.error, got.failure);
        std::vector<std::string> names;
        for (const auto& c : got.columns) {
            pg::redshift_column mapped = pg::redshift_column_for(c);
            if (!mapped.refused.empty())
                co_return fail(diag, make_error_code(errc::does_not_fit), "the PostgreSQL query's " + mapped.refused);
            types_.push_back({mapped.ddl, mapped.no_ddl});
            names.push_back(c.name);
        }
        co_return names;
    }

    void set_schema(rows::schema columns) override { schema_ = std::move(columns); }

    std::vector<column_type> column_types() const override { return types_; }

    asio::awaitable<result<std::shared_ptr<rows::row_batch>>> async_next(aws::diagnostics& diag) override {
        for (;;) {
            if (!ready_.empty()) {
                auto batch = std::move(ready_.front());
                ready_.pop_front();
                rows_ += batch->rows();
                co_return batch;
            }
            if (ended_ || !session_) co_return std::shared_ptr<rows::row_batch>();
            auto read = [session = session_, start = !started_, copy = copy_statement()]() {
                chunk out;
                if (start && !session->copy_out_begin(copy)) {
                    out.error = make_error_code(errc::source_failed);
                    out.failure = session->failure();
                    return out;
                }
                if (!session->copy_out_read(out.bytes, chunk_size, out.ended)) {
                    out.error = make_error_code(errc::source_failed);
                    out.failure = session->failure();
                }
                return out;
            };
            started_ = true;
            chunk got = co_await blocking_.async_run(std::move(read));
            if (got.error) co_return fail(diag, got.error, got.failure);
            auto decoded = co_await decode(std::move(got.bytes), got.ended);
            if (!decoded) {
                diag.client_note = "the PostgreSQL query's " + decoder_->error();
                co_return decoded.error();
            }
            ended_ = got.ended;
        }
    }

    std::uint64_t rows_read() const override { return rows_; }

private:
    std::string copy_statement() const { return "COPY (" + sql_ + ") TO STDOUT (FORMAT csv, FORCE_QUOTE *)"; }

    error_code fail(aws::diagnostics& diag, error_code code, const std::string& why) {
        diag.client_note = pg::mask_secrets(why, secrets_);
        return code;
    }

    // Feeds one chunk (and, at the end, finishes); the batches it filled join ready_.
    asio::awaitable<result<void>> decode(std::string bytes, bool last) {
        if (!decoder_) {
            rows::csv_dialect dialect{',', std::nullopt, true, false};  // an empty unquoted field is NULL
            auto csv = std::make_unique<rows::csv_decoder>(schema_, dialect);
            decoder_ = std::make_shared<rows::stream_decoder>(schema_.size(), std::move(csv), codec::compression::none);
        }
        struct step {
            bool ok = false;
            rows::stream_decoder::batches batches;
        };
        auto job = [decoder = decoder_, bytes = std::move(bytes), last]() {
            step out;
            out.ok = bytes.empty() || decoder->feed(bytes, out.batches);
            if (out.ok && last) out.ok = decoder->finish(out.batches);
            return out;
        };
        step done = co_await cpu_.async_run(std::move(job));
        for (auto& b : done.batches) ready_.push_back(std::move(b));
        if (!done.ok) co_return make_error_code(errc::malformed_data);
        co_return result<void>{};
    }

    engine::cpu_pool& blocking_;
    engine::cpu_pool& cpu_;
    std::string conninfo_;
    std::string sql_;
    postgres_source_options options_;
    std::vector<std::string> secrets_;
    std::shared_ptr<pg::postgres_session> session_;  // shared with the job running on the pool
    std::vector<column_type> types_;
    rows::schema schema_;
    std::shared_ptr<rows::stream_decoder> decoder_;
    std::deque<std::shared_ptr<rows::row_batch>> ready_;
    bool started_ = false;
    bool ended_ = false;
    std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<row_source> make_postgres_source(engine::cpu_pool& blocking_pool, engine::cpu_pool& cpu,
                                                 std::string conninfo, std::string sql,
                                                 postgres_source_options options) {
    return std::make_unique<postgres_source>(blocking_pool, cpu, std::move(conninfo), std::move(sql),
                                             std::move(options));
}

}  // namespace shiftsync::transfer::load

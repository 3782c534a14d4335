#include "engine/pg/pg_error.hpp"

namespace shiftsync::engine::pg {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "shiftsync.pg"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::connect_failed: return "could not connect to PostgreSQL";
            case errc::statement_failed: return "the statement failed";
            case errc::pipeline_aborted: return "skipped: an earlier statement in the pipeline failed";
            case errc::connection_lost: return "the connection to PostgreSQL was lost";
            case errc::cancelled: return "the statement was cancelled";
            case errc::closed: return "the connection is closed";
        }
        return "pg error " + std::to_string(value);
    }
};

}  // namespace

const boost::system::error_category& pg_category() noexcept {
    static const category instance;
    return instance;
}

std::string pg_diagnostics::to_string() const {
    std::string out = sqlstate.empty() ? message : sqlstate + ": " + message;
    if (!detail.empty()) out += " (detail: " + detail + ")";
    if (!hint.empty()) out += " (hint: " + hint + ")";
    if (!client_note.empty()) out += (out.empty() ? "" : ". ") + client_note;
    return out;
}

}  // namespace shiftsync::engine::pg

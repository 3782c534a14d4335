#include "transfer/staging/staging_error.hpp"

#include <string>

namespace shiftsync::transfer::staging {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "shiftsync.staging"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::ok: return "ok";
            case errc::invalid_url: return "not a staging location (s3://bucket/prefix/)";
            case errc::still_written: return "objects kept appearing under the run's prefix while it was emptied";
        }
        return "staging error " + std::to_string(value);
    }
};

}  // namespace

const boost::system::error_category& staging_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace shiftsync::transfer::staging

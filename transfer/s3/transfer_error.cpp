#include "transfer/s3/transfer_error.hpp"

#include <string>

namespace shiftsync::transfer {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "shiftsync.transfer"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::ok: return "ok";
            case errc::source_missing: return "the source does not exist or cannot be read";
            case errc::source_is_directory: return "the source is a directory (add --recursive)";
            case errc::source_changed: return "the source file changed while it was uploaded";
            case errc::object_changed: return "the object changed during the download";
            case errc::checksum_mismatch: return "the data does not match the checksum S3 stored";
            case errc::size_mismatch: return "S3 sent a different number of bytes than it announced";
            case errc::disk_full: return "no space left on the destination's file system";
            case errc::io_error: return "a local file operation failed";
            case errc::some_failed: return "some objects failed";
            case errc::unsafe_key: return "an object key would write outside the destination directory";
            case errc::malformed_data: return "the data does not decode";
            case errc::verification_failed: return "what arrived differs from what the manifest promised";
            case errc::destination_exists: return "the destination already exists";
            case errc::does_not_fit: return "the request does not fit the source or the table";
            case errc::destination_failed: return "the destination database refused or failed";
            case errc::source_failed: return "the source database refused or failed";
        }
        return "transfer error " + std::to_string(value);
    }
};

}  // namespace

const boost::system::error_category& transfer_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace shiftsync::transfer

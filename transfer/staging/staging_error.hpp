#pragma once
// The staging layer's own failures (AWS's, the engine's and transfer/s3's keep their categories).
// The words a user acts on go in aws::diagnostics::client_note beside the code.

#include <boost/system/error_code.hpp>

namespace shiftsync::transfer::staging {

enum class errc {
    ok = 0,
    invalid_url = 1,  // not s3://bucket[/prefix/]: the `why` text says what is wrong
    still_written,    // objects kept appearing under a run's prefix while it was being emptied
};

const boost::system::error_category& staging_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), staging_category()}; }

}  // namespace shiftsync::transfer::staging

template <>
struct boost::system::is_error_code_enum<shiftsync::transfer::staging::errc> : std::true_type {};

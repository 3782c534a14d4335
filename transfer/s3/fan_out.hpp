#pragma once
// The first failure of a fan-out (the parts of one transfer, the objects of a recursive copy):
// its error and diagnostics are kept and `on_first` runs once (it cancels the siblings); later
// failures are dropped, since they are mostly the cancellations the first one caused.

#include "aws/error/aws_error.hpp"

#include <boost/system/error_code.hpp>

#include <functional>

namespace shiftsync::transfer::s3 {

struct fan_out_failure {
    boost::system::error_code error;
    aws::diagnostics diag;
    std::function<void()> on_first;

    void record(boost::system::error_code ec, const aws::diagnostics& d) {
        if (error || !ec) return;
        error = ec;
        diag = d;
        if (on_first) on_first();
    }
    explicit operator bool() const { return static_cast<bool>(error); }
};

}  // namespace shiftsync::transfer::s3

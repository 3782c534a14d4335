#pragma once
// The transfer layer's own failures (AWS's and the engine's keep their categories). The words a
// user acts on go in aws::diagnostics::client_note beside the code.

#include <boost/system/error_code.hpp>

namespace shiftsync::transfer {

enum class errc {
    ok = 0,
    source_missing = 1,   // the local source does not exist or cannot be read
    source_is_directory,  // a directory given where a file was expected (use --recursive)
    source_changed,       // the file changed size while it was uploaded
    object_changed,       // the object's ETag changed during a download (412 PreconditionFailed)
    checksum_mismatch,    // the bytes received do not match the checksum S3 stored
    size_mismatch,        // S3 sent fewer or more bytes than it announced
    disk_full,            // no room for the download (the partial file is removed)
    io_error,             // a local read, write, fsync or rename failed
    some_failed,          // a recursive copy in which some objects failed (each was reported)
    unsafe_key,           // an object key that would write outside the destination directory
    malformed_data,       // staged or source data that does not decode (the note names file and record)
    verification_failed,  // what arrived differs from what the manifest promised (bytes, records, files)
    destination_exists,   // an output that is already there and would be overwritten (or, for a
                          // table, that cannot take the rows: the note names the column)
    does_not_fit,         // the request does not fit the source or the table (a missing column, key or table)
    destination_failed,   // the destination (a database) refused the connection, a statement or a
                          // row; the note has its words
    source_failed,        // the source (a database, an extract) refused the connection or failed
                          // a query; the note has its words
};

const boost::system::error_category& transfer_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), transfer_category()};
}

}  // namespace shiftsync::transfer

template <>
struct boost::system::is_error_code_enum<shiftsync::transfer::errc> : std::true_type {};

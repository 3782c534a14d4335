#pragma once
// One multipart upload from CreateMultipartUpload to CompleteMultipartUpload, or to its cleanup:
// parts are sent as they are handed in (each retried on its own by the engine, each with its
// CRC32C), and the upload id is in the journal from creation until it is completed or aborted.
//
// Cleanup never depends on s3:AbortMultipartUpload, which the connector guide does not grant:
// `async_abandon` tries the abort; when S3 refuses it, it warns once per run, naming the missing
// permission and the lifecycle rule that cleans up instead, and leaves the id in the journal.
//
// Executor: the transfer context's. Lifetimes: the context outlives this object.

#include "transfer/s3/part_buffer.hpp"
#include "transfer/s3/transfer_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace shiftsync::transfer::s3 {

struct object_location {
    std::string bucket;
    std::string key;
};

struct upload_options {
    std::string content_type;
    aws::s3::object_metadata metadata;
};

struct upload_result {
    std::string etag;
    std::uint64_t bytes = 0;
    std::uint64_t parts = 0;  // 0: a single PutObject
};

class multipart_upload {
public:
    multipart_upload(transfer_context& ctx, object_location where) : ctx_(ctx), where_(std::move(where)) {}

    boost::asio::awaitable<boost::system::result<void>> async_create(const upload_options& options,
                                                                     aws::diagnostics& diag);

    // Sends part `number` (from 1) once a request slot is free; the buffer is released after.
    boost::asio::awaitable<boost::system::result<void>> async_send_part(std::uint64_t number, part_buffer part,
                                                                        aws::diagnostics& diag);

    // Completes with every part sent so far (numbers 1..n, none missing). A 200 answer with an
    // <Error> body is a failure (aws/s3 reads it so).
    boost::asio::awaitable<boost::system::result<std::string>> async_complete(aws::diagnostics& diag);

    // After a failure or a cancellation: abort, or say why not and keep the id in the journal.
    // Runs even when the awaiting coroutine was cancelled (it resets the cancellation state).
    boost::asio::awaitable<void> async_abandon();

    const std::string& upload_id() const { return upload_id_; }
    std::uint64_t parts_sent() const { return parts_.size(); }

private:
    transfer_context& ctx_;
    object_location where_;
    std::string upload_id_;
    std::vector<aws::s3::completed_part> parts_;  // index = number - 1; etag empty until sent
};

}  // namespace shiftsync::transfer::s3

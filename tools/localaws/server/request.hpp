#pragma once
// What a service handler sees and returns. One request_context per HTTP request; the session fills it
// after routing and authentication, then calls the handler registered for (service, operation).
//
// Lifetimes: everything referenced by a request_context lives until the handler's awaitable completes.
// Handlers run on the network executor: blocking work (disk, PostgreSQL) goes through
// server/blocking.hpp's offload().

#include "tools/localaws/iam/principal.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace localaws {

class app;

// An AWS error as the client must see it; the session renders it in the service's protocol
// (S3 <Error>, Query <ErrorResponse>, JSON __type).
struct aws_error {
    int status = 400;
    std::string code;
    std::string message;
    // Extra elements some S3 errors carry (<Key>, <BucketName>, <StringToSign> ...), in order.
    std::vector<std::pair<std::string, std::string>> details;
    bool sender_fault = true;  // Query <Type>Sender</Type> vs Receiver
    // Why a 5xx happened, for localaws's stderr only (the session logs every 5xx a handler
    // returns); never sent to the client, never a secret.
    std::string cause;
};

// Header lookup over the request's headers (names compared case-insensitively).
struct header_list {
    std::vector<std::pair<std::string, std::string>> items;  // names lower-cased
    const std::string* find(std::string_view lower_name) const {
        for (const auto& [n, v] : items)
            if (n == lower_name) return &v;
        return nullptr;
    }
    std::string_view get(std::string_view lower_name) const {
        const auto* v = find(lower_name);
        return v ? std::string_view(*v) : std::string_view{};
    }
};

// A streaming request body (S3 uploads). Decodes aws-chunked and checks the payload hash and chunk
// signatures as it goes; read() returns 0 at the end. An error (SignatureDoesNotMatch,
// XAmzContentSHA256Mismatch, IncompleteBody) arrives as `error` and the body must be discarded.
class body_reader {
public:
    virtual ~body_reader() = default;
    virtual boost::asio::awaitable<std::size_t> read(std::span<std::byte> into, std::optional<aws_error>& error) = 0;
    // Decoded length announced by the client (Content-Length or x-amz-decoded-content-length).
    virtual std::optional<std::uint64_t> declared_length() const = 0;
    // aws-chunked trailers (x-amz-checksum-crc32 ...), available once read() returned 0.
    virtual std::string trailer(std::string_view lower_name) const = 0;
};

// A streaming response body (S3 GetObject). read() is blocking and called on the blocking pool.
class body_source {
public:
    virtual ~body_source() = default;
    virtual std::size_t read(std::span<std::byte> into, std::error_code& ec) = 0;

    // A source that is a region of an open file can be sent with sendfile(2): no copy through user
    // space and no trip to the blocking pool per chunk.
    struct file_region {
        int fd = -1;
        std::uint64_t offset = 0;
    };
    virtual std::optional<file_region> file() const { return std::nullopt; }
};

struct request_context {
    app& application;
    std::string request_id;
    std::string service;    // signing name: "s3", "sts", "redshift-serverless", "redshift-data"
    std::string operation;  // "GetObject", "AssumeRole", "ExecuteStatement"
    std::string method;
    std::string raw_path;   // as sent (percent-encoded)
    std::string raw_query;  // as sent, no '?'
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
    header_list headers;
    std::string host;
    iam::principal principal;           // who signed the request
    std::string signed_region;          // the region of the signature's credential scope
    std::string body;                   // buffered services only (JSON, Query)
    body_reader* body_stream = nullptr; // streaming services only (S3 writes)
    std::uint64_t bytes_in = 0;         // set by handlers that stream
    // Every IAM action authorize() was asked about, with "!" in front when denied (for the request
    // log: a test can collect exactly which permissions a client needed).
    mutable std::vector<std::string> actions_checked;

    const std::string* query_param(std::string_view name) const {
        for (const auto& [n, v] : query)
            if (n == name) return &v;
        return nullptr;
    }
    bool has_query(std::string_view name) const { return query_param(name) != nullptr; }

    // IAM: nullopt when allowed, else AccessDenied phrased as AWS phrases it for this service
    // ("User: <arn> is not authorized to perform: <action> on resource: <arn> because ...").
    std::optional<aws_error> authorize(std::string_view action, std::string_view resource_arn,
                                       const iam::condition_context& extra = {}) const;
};

struct service_response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::unique_ptr<body_source> stream;  // when set, `stream_length` bytes come from it instead of body
    std::uint64_t stream_length = 0;
    std::optional<aws_error> error;       // when set, the session renders it and ignores the rest
    // Fault injection hook: S3 CompleteMultipartUpload answering 200 with an error body.
    bool error_with_200 = false;

    static service_response from_error(aws_error e) {
        service_response r;
        r.error = std::move(e);
        return r;
    }
    void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

using handler = std::function<boost::asio::awaitable<service_response>(request_context&)>;

}  // namespace localaws

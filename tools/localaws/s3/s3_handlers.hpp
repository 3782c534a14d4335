#pragma once
// S3's operations, one function per operation, grouped by file: buckets and listings
// (s3_buckets.cpp), single objects (s3_objects.cpp), DeleteObjects and GetObjectAttributes
// (s3_batch.cpp), multipart uploads (s3_multipart.cpp). Each authorises itself as IAM would.

#include "tools/localaws/server/request.hpp"

namespace localaws {
class app;
}

namespace localaws::s3 {

using s3_handler = boost::asio::awaitable<service_response> (*)(request_context&);

boost::asio::awaitable<service_response> list_buckets(request_context& ctx);
boost::asio::awaitable<service_response> create_bucket(request_context& ctx);
boost::asio::awaitable<service_response> head_bucket(request_context& ctx);
boost::asio::awaitable<service_response> delete_bucket(request_context& ctx);
boost::asio::awaitable<service_response> get_bucket_location(request_context& ctx);
boost::asio::awaitable<service_response> list_objects(request_context& ctx);  // v1 and v2

boost::asio::awaitable<service_response> put_object(request_context& ctx);
boost::asio::awaitable<service_response> get_object(request_context& ctx);  // GET and HEAD
boost::asio::awaitable<service_response> delete_object(request_context& ctx);

boost::asio::awaitable<service_response> delete_objects(request_context& ctx);
boost::asio::awaitable<service_response> get_object_attributes(request_context& ctx);

boost::asio::awaitable<service_response> create_multipart_upload(request_context& ctx);
boost::asio::awaitable<service_response> upload_part(request_context& ctx);
boost::asio::awaitable<service_response> complete_multipart_upload(request_context& ctx);
boost::asio::awaitable<service_response> abort_multipart_upload(request_context& ctx);
boost::asio::awaitable<service_response> list_parts(request_context& ctx);
boost::asio::awaitable<service_response> list_multipart_uploads(request_context& ctx);

void register_s3(app& a);

}  // namespace localaws::s3

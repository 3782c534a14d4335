#include "tools/localaws/s3/s3_common.hpp"
#include "tools/localaws/s3/s3_handlers.hpp"
#include "tools/localaws/server/app.hpp"

namespace localaws::s3 {

void register_s3(app& a) {
    auto& r = a.services();
    r.add_service({.signing_name = "s3",
                   .protocol = protocol::rest_xml_s3,
                   .target_prefix = {},
                   .xml_namespace = std::string(s3_namespace),
                   .resolve_operation = resolve_operation,
                   .signing_region = signing_region});
    struct entry {
        const char* name;
        s3_handler h;
        body_mode mode = body_mode::buffered;
    };
    const entry entries[] = {
        {"ListBuckets", list_buckets},
        {"CreateBucket", create_bucket},
        {"HeadBucket", head_bucket},
        {"DeleteBucket", delete_bucket},
        {"GetBucketLocation", get_bucket_location},
        {"ListObjects", list_objects},
        {"ListObjectsV2", list_objects},
        {"PutObject", put_object, body_mode::streaming},
        {"GetObject", get_object},
        {"HeadObject", get_object},
        {"DeleteObject", delete_object},
        {"DeleteObjects", delete_objects},
        {"GetObjectAttributes", get_object_attributes},
        {"CreateMultipartUpload", create_multipart_upload},
        {"UploadPart", upload_part, body_mode::streaming},
        {"CompleteMultipartUpload", complete_multipart_upload},
        {"AbortMultipartUpload", abort_multipart_upload},
        {"ListParts", list_parts},
        {"ListMultipartUploads", list_multipart_uploads},
    };
    for (const auto& e : entries) r.add_operation("s3", e.name, e.h, e.mode);
}

}  // namespace localaws::s3

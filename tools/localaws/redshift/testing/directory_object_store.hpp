#pragma once
// A minimal object_store on a local directory, for tests and benchmarks of UNLOAD and COPY without
// localaws's S3 server. One directory per bucket; each key is percent-encoded into one file name,
// so any key (even "../x") stays inside. Writes go to a temporary file renamed on commit (atomic).
// ETags are not MD5s here (nothing in UNLOAD/COPY reads them).

#include <filesystem>

#include "tools/localaws/s3/object_store.hpp"

namespace localaws::redshift::testing {

class directory_object_store final : public s3::object_store {
public:
    explicit directory_object_store(std::filesystem::path root);
    void create_bucket(std::string_view bucket);

    bool bucket_exists(std::string_view bucket) const override;
    std::optional<s3::object_info> head(std::string_view bucket, std::string_view key) const override;
    std::vector<s3::object_info> list(std::string_view bucket, std::string_view prefix) const override;
    std::unique_ptr<s3::object_writer> create(std::string_view bucket, std::string_view key,
                                              std::error_code& ec) override;
    std::unique_ptr<s3::object_reader> open(std::string_view bucket, std::string_view key,
                                            std::error_code& ec) const override;
    std::error_code remove(std::string_view bucket, std::string_view key) override;

private:
    std::filesystem::path path_of(std::string_view bucket, std::string_view key) const;
    std::filesystem::path root_;
};

}  // namespace localaws::redshift::testing

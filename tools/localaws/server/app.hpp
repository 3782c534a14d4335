#pragma once
// Everything localaws shares between connections: config, IAM, storage, the service registry,
// faults, counters, the request log and the clock. One per process; handlers reach it through
// request_context::application.
//
// The clock: now() is the wall clock plus an offset that the admin endpoint (or the config's
// "clock_offset_seconds") sets. It models time passing for everything time-limited that localaws
// issues — STS sessions, presigned URLs, database passwords — so a test can expire a session without
// sleeping. The SigV4 request-time skew check keeps using the wall clock, because clients sign with
// theirs. PostgreSQL checks a password's VALID UNTIL by the wall clock too, so the database is told
// when the offset moves (serverless::database::clock_moved; the admin endpoint does it).

#include "tools/localaws/serverless/workgroups.hpp"
#include "tools/localaws/server/registry.hpp"

#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class thread_pool;
}

namespace localaws {
namespace iam { class directory; }
namespace s3 { class disk_store; class multipart_store; }
namespace admin { class faults; class counters; }
namespace log { class request_log; }
namespace metadata { class instance_metadata; }
namespace serverless { class database; }

struct app_options {
    std::filesystem::path data_dir;
    boost::json::value config;          // the parsed config file
    std::filesystem::path request_log;  // default: <data_dir>/requests.jsonl
    unsigned blocking_threads = 4;
};

class app {
public:
    // Throws std::runtime_error on a bad config (at startup only).
    explicit app(app_options options);
    ~app();

    const std::string& region() const { return region_; }
    // The region S3 requests for `bucket` must be signed for: its own, or localaws's region when
    // the bucket does not exist (the answer is then NoSuchBucket, not a region error).
    std::string region_of_bucket(std::string_view bucket) const;
    // The config localaws started with (services read their own sections at registration).
    const boost::json::value& config() const { return config_; }
    std::chrono::seconds max_clock_skew() const { return max_skew_; }
    // AWS's floor for AssumeRole's DurationSeconds is 900; a test config ("sts":
    // {"min_duration_seconds": 5}) may lower it to exercise credential refresh quickly.
    std::chrono::seconds min_session_duration() const { return min_session_; }
    // Keep-alive connections idle longer than this are closed ("server": {"idle_timeout_seconds"}).
    std::chrono::seconds idle_timeout() const { return idle_timeout_; }
    std::chrono::system_clock::time_point now() const {
        return std::chrono::system_clock::now() + std::chrono::seconds(clock_offset_.load());
    }
    void set_clock_offset(std::chrono::seconds offset) { clock_offset_ = offset.count(); }
    std::chrono::seconds clock_offset() const { return std::chrono::seconds(clock_offset_.load()); }

    iam::directory& iam() { return *iam_; }
    s3::disk_store& store() { return *store_; }
    s3::multipart_store& uploads() { return *uploads_; }
    registry& services() { return services_; }
    admin::faults& faults() { return *faults_; }
    admin::counters& counters() { return *counters_; }
    log::request_log& request_log() { return *log_; }
    // The EC2 instance metadata and container credentials endpoints (metadata/instance_metadata.hpp).
    metadata::instance_metadata& metadata() { return *metadata_; }
    boost::asio::thread_pool& blocking_pool() { return *pool_; }

    const std::vector<serverless::workgroup>& workgroups() const { return workgroups_; }
    // Workgroup names are unique per account (and region): a caller sees only its account's.
    const serverless::workgroup* find_workgroup(std::string_view account, std::string_view name) const;
    // The resource to authorise a call naming workgroup `name` on, before looking it up
    // (serverless/workgroups.hpp: workgroup_arn_for).
    std::string workgroup_arn_for(std::string_view account, std::string_view name) const;
    // The database behind the workgroups (the Data API service attaches it before serving; null
    // in a localaws without one): its endpoint, and GetCredentials' passwords made real.
    void attach_database(serverless::database* db) { database_ = db; }
    serverless::database* database() const { return database_; }

private:
    boost::json::value config_;
    std::string region_ = "us-east-1";
    std::chrono::seconds max_skew_{900};
    std::chrono::seconds min_session_{900};
    std::chrono::seconds idle_timeout_{60};
    std::atomic<long long> clock_offset_{0};
    std::unique_ptr<iam::directory> iam_;
    std::unique_ptr<s3::disk_store> store_;
    std::unique_ptr<s3::multipart_store> uploads_;
    registry services_;
    std::unique_ptr<admin::faults> faults_;
    std::unique_ptr<admin::counters> counters_;
    std::unique_ptr<log::request_log> log_;
    std::unique_ptr<metadata::instance_metadata> metadata_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
    std::vector<serverless::workgroup> workgroups_;
    serverless::database* database_ = nullptr;
};

}  // namespace localaws

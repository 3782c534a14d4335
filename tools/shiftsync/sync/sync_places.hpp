#pragma once
// The sync command's connections, opened: for every connection a stream uses, the clients and
// places the runner (transfer/sync/stream_run.hpp) needs, all on one io_context and one engine
// client, one memory budget and one set of pools:
//   redshift  its Data API client (every stream on the workgroup shares its limiters: the
//             account's quotas) and, with staging, an S3 client and transfer context for the bucket;
//   s3        an S3 client and transfer context for the prefix;
//   postgres  the DSN; local: the directory.
// And the stream plans built from the config.
//
// Lifetimes: everything lives as long as this object; the io_context and pools outlive it.

#include "aws/client/service_client.hpp"
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include "engine/scheduler/cpu_pool.hpp"
#include "engine/scheduler/memory_budget.hpp"
#include "transfer/s3/upload_journal.hpp"
#include "transfer/sync/config_model.hpp"
#include "transfer/sync/stream_plan.hpp"

#include <map>

#include <memory>
#include <string>
#include <vector>

namespace shiftsync::aws::s3 {
class s3_client;
}

namespace shiftsync::engine::http {
class client;
}

namespace shiftsync::cli {

class sync_places {
public:
    // Opens the connections the chosen streams use. On failure: nullptr, `why` says which
    // connection and what (region, credentials, endpoint) — nothing has been sent yet.
    static std::unique_ptr<sync_places> open(const transfer::sync::sync_config& config,
                                             const std::vector<const transfer::sync::stream_config*>& streams,
                                             boost::asio::io_context& ctx, engine::http::client& http,
                                             engine::memory_budget& memory,
                                             engine::cpu_pool& cpu, engine::cpu_pool& files,
                                             transfer::s3::upload_journal* journal,
                                             std::function<void(const std::string&)> warn, std::string& why);
    ~sync_places();

    // The plan of a stream (its connections open here).
    transfer::sync::stream_plan plan_for(const transfer::sync::stream_config& stream, const std::string& state_schema) const;

    const std::map<std::string, transfer::sync::redshift_place>& redshift() const { return redshift_; }
    const std::map<std::string, transfer::sync::postgres_place>& postgres() const { return postgres_; }
    std::vector<aws::service_client*> services();
    // The S3 client that reaches each bucket the streams use (staging buckets, S3 destinations).
    std::map<std::string, aws::s3::s3_client*> buckets() const;

private:
    sync_places() = default;
    struct clients;
    std::vector<std::unique_ptr<clients>> clients_;
    std::map<std::string, transfer::sync::redshift_place> redshift_;
    std::map<std::string, transfer::sync::postgres_place> postgres_;
    std::map<std::string, transfer::sync::files_place> files_;
};

}  // namespace shiftsync::cli

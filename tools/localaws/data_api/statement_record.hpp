#pragma once
// One submitted statement (or batch) as the engine tracks it from SUBMITTED to a final status.
// Fields below `mutable state` change while the statement runs and are guarded by the engine's
// mutex; the rest is fixed at submission.

#include <libpq-fe.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/localaws/data_api/result_set.hpp"
#include "tools/localaws/data_api/sql_parameters.hpp"

namespace localaws::data_api {

enum class statement_status { submitted, picked, started, finished, failed, aborted };
const char* to_string(statement_status s);
bool is_final(statement_status s);

using clock = std::chrono::system_clock;

struct statement_record {
    // fixed at submission
    std::string id;                 // a UUID; sub-statements of a batch are "<batch id>:<n>" (n from 1)
    std::string principal_arn;
    std::string db_user;
    std::string database;
    std::string workgroup;
    std::string statement_name;
    std::string session_id;
    std::string result_format = "JSON";
    std::string query_string;       // the SQL as given (batches: empty; see subs)
    std::vector<sql_parameter> parameters;
    bool is_batch = false;
    std::vector<std::shared_ptr<statement_record>> subs;
    clock::time_point created_at;

    // mutable state
    statement_status status = statement_status::submitted;
    clock::time_point updated_at;
    std::int64_t duration_ns = -1;
    std::string error;
    bool has_result_set = false;
    std::int64_t result_rows = -1;
    std::int64_t result_size = -1;
    std::int64_t redshift_query_id = 0;
    int redshift_pid = 0;
    bool cancel_requested = false;
    PGcancel* cancel = nullptr;     // set while STARTED (owned by the worker)
    std::shared_ptr<const result_set> result;
};

// DescribeStatement's response (with SubStatements for a batch). Caller holds the engine mutex.
boost::json::object describe_json(const statement_record& record);
// ListStatements' StatementData.
boost::json::object summary_json(const statement_record& record);
// Timestamps as the JSON protocol sends them: seconds since the epoch, with fractions.
double epoch_seconds(clock::time_point t);

}  // namespace localaws::data_api

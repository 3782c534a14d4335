#pragma once
// A Redshift query as a load's source (Redshift → Redshift): `transfer/extract` runs the query (by
// the Data API or UNLOAD, as the request says) into a sink that hands each batch to the load through
// a bounded channel, so the extract waits when the load is behind and memory holds a few batches,
// never the result. The columns and their types are the extract's (LIMIT 0 of the same query).
//
//   async_open   starts the extract, returns once its columns are known (or it failed);
//   async_next   the next batch, nullptr when the extract finished; its failure, with its
//                diagnostics, when it failed;
//   async_close  always, when the load is done with the source: an extract still running (the load
//                failed first) is cancelled and waited for, so its statement is cancelled and its
//                staging prefix removed before the caller goes on.
//
// Executor / thread safety: the network thread's; the extract runs there as a child coroutine.

#include "transfer/extract/extract.hpp"
#include "transfer/load/row_source.hpp"

#include <memory>

namespace shiftsync::transfer::load {

class extract_source : public row_source {
public:
    virtual boost::asio::awaitable<void> async_close() = 0;
};

// `env` must outlive the source; the request is copied.
std::unique_ptr<extract_source> make_extract_source(extract::extract_environment& env, extract::extract_request request);

// A Redshift column's type as DDL for --create-table (VARCHAR(65535) for text kinds, NUMERIC with
// its precision and scale, the rest by name).
std::string redshift_ddl_for(const rows::column& column);

}  // namespace shiftsync::transfer::load

// The NDJSON record decoder for load's file source. (Until rows/ndjson_decoder lands, NDJSON is
// refused by the command line before a source is made; this keeps the source's shape.)

#include "transfer/rows/record_decoder.hpp"
#include "transfer/rows/column.hpp"

#include <memory>

namespace shiftsync::transfer::load {

std::unique_ptr<rows::record_decoder> make_ndjson_decoder(const rows::schema&) { return nullptr; }

}  // namespace shiftsync::transfer::load

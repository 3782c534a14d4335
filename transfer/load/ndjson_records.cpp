// The NDJSON record decoder behind load's file source: keys matched to the columns by name.

#include "transfer/rows/ndjson_decoder.hpp"

#include <memory>

namespace shiftsync::transfer::load {

std::unique_ptr<rows::record_decoder> make_ndjson_decoder(const rows::schema& columns) {
    return std::make_unique<rows::ndjson_decoder>(columns);
}

}  // namespace shiftsync::transfer::load

#include "engine/http/body.hpp"

namespace shiftsync::engine::http {

std::uint64_t content_length(const body_source& source) {
    struct visitor {
        std::uint64_t operator()(const no_body&) const { return 0; }
        std::uint64_t operator()(const buffer_source& b) const { return b.bytes ? b.bytes->size() : 0; }
        std::uint64_t operator()(const file_range_source& f) const { return f.length; }
        std::uint64_t operator()(const producer_source& p) const { return p.length; }
    };
    return std::visit(visitor{}, source);
}

}  // namespace shiftsync::engine::http

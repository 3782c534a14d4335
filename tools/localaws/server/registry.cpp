#include "tools/localaws/server/registry.hpp"

namespace localaws {
namespace {
std::string op_key(std::string_view service, std::string_view operation) {
    std::string k(service);
    k.push_back('\n');
    k.append(operation);
    return k;
}
}  // namespace

void registry::add_service(service_definition service) {
    std::string name = service.signing_name;
    services_.insert_or_assign(std::move(name), std::move(service));
}

void registry::add_operation(std::string_view service, std::string_view operation, handler h, body_mode mode,
                             bool allow_unsigned) {
    operations_.insert_or_assign(op_key(service, operation), operation_entry{std::move(h), mode, allow_unsigned});
}

const service_definition* registry::by_signing_name(std::string_view name) const {
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : &it->second;
}

const service_definition* registry::by_target_prefix(std::string_view prefix) const {
    for (const auto& [name, s] : services_)
        if (!s.target_prefix.empty() && s.target_prefix == prefix) return &s;
    return nullptr;
}

const operation_entry* registry::find(std::string_view service, std::string_view operation) const {
    auto it = operations_.find(op_key(service, operation));
    return it == operations_.end() ? nullptr : &it->second;
}

}  // namespace localaws

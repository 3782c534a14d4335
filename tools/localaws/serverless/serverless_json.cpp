#include "tools/localaws/serverless/serverless_json.hpp"

#include <algorithm>

namespace localaws::serverless {
namespace json = boost::json;

std::optional<json::object> request_object(const std::string& body) {
    boost::system::error_code ec;
    auto v = json::parse(body.empty() ? std::string_view("{}") : std::string_view(body), ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::string string_member(const json::object& in, std::string_view key) {
    const auto* x = in.if_contains(key);
    return x && x->is_string() ? std::string(x->as_string()) : std::string{};
}

std::optional<aws_error> check_workgroup_name(const std::string& name, std::string_view member) {
    const std::string at = "at '" + std::string(member) + "' failed to satisfy constraint: ";
    if (name.size() < 3 || name.size() > 64)
        return validation("1 validation error detected: Value '" + name + "' " + at +
                          "Member must have length between 3 and 64");
    const bool allowed = std::all_of(
        name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
    if (!allowed)
        return validation("1 validation error detected: Value '" + name + "' " + at +
                          "Member must satisfy regular expression pattern: ^[a-z0-9-]+$");
    return std::nullopt;
}

}  // namespace localaws::serverless

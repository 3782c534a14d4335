#include "tools/localaws/server/request.hpp"

#include "tools/localaws/iam/directory.hpp"
#include "tools/localaws/server/app.hpp"

namespace localaws {

std::optional<aws_error> request_context::authorize(std::string_view action, std::string_view resource_arn,
                                                    const iam::condition_context& extra) const {
    auto d = application.iam().authorize(principal, action, resource_arn, extra);
    actions_checked.push_back((d == iam::decision::allow ? "" : "!") + std::string(action));
    if (d == iam::decision::allow) return std::nullopt;
    const auto* svc = application.services().by_signing_name(service);
    auto proto = svc ? svc->protocol : protocol::rest_xml_s3;
    std::string who = principal.arn.empty() ? std::string("anonymous") : principal.arn;
    std::string because = d == iam::decision::explicit_deny
                              ? " with an explicit deny in an identity-based policy"
                              : " because no identity-based policy allows the " + std::string(action) + " action";
    if (proto == protocol::rest_xml_s3)
        return aws_error{403, "AccessDenied",
                         "User: " + who + " is not authorized to perform: " + std::string(action) + " on resource: \"" +
                             std::string(resource_arn) + "\"" + because,
                         {}, true};
    if (proto == protocol::query_xml)
        return aws_error{403, "AccessDenied",
                         "User: " + who + " is not authorized to perform: " + std::string(action) +
                             " on resource: " + std::string(resource_arn),
                         {}, true};
    return aws_error{400, "AccessDeniedException",
                     "User: " + who + " is not authorized to perform: " + std::string(action) + " on resource: " +
                         std::string(resource_arn) + because,
                     {}, true};
}

}  // namespace localaws

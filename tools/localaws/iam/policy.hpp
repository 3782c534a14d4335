#pragma once
// IAM policy documents and their evaluation: explicit Deny wins, then any Allow, else implicit deny.
// Supported: Action/NotAction and Resource/NotResource with '*' and '?' wildcards, Principal/
// NotPrincipal (AWS account, root, user/role ARNs, Service, Federated, "*"), and the Condition operators
// StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringLike, StringNotLike, Bool, Null
// (with ...IfExists variants). Anything else in a Condition makes the statement not match — a safe
// default for a test double.

#include "tools/localaws/iam/principal.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localaws::iam {

enum class effect { allow, deny };

struct condition {
    std::string op;    // "StringEquals", "StringLikeIfExists" ...
    std::string key;   // "sts:ExternalId"
    std::vector<std::string> values;
};

struct statement {
    effect eff = effect::allow;
    std::vector<std::string> actions;
    bool not_action = false;
    std::vector<std::string> resources;  // empty in trust policies
    bool not_resource = false;
    std::vector<std::string> principals_aws;      // trust policies
    std::vector<std::string> principals_service;
    std::vector<std::string> principals_federated;  // OIDC / SAML provider ARNs
    bool principal_any = false;
    bool has_principal = false;
    std::vector<condition> conditions;
};

struct policy {
    std::string name;
    std::vector<statement> statements;
};

// Parses a policy document; on failure returns nullopt and says why.
std::optional<policy> parse_policy(const boost::json::value& document, std::string name, std::string& error);

enum class decision { allow, explicit_deny, implicit_deny };

// Identity-policy evaluation for one (action, resource).
decision evaluate(const std::vector<const policy*>& policies, std::string_view action, std::string_view resource,
                  const condition_context& context);

// Who is asking, for resource/trust policies.
struct caller {
    std::string arn;          // user/role/assumed-role ARN or a service name
    std::string account_id;   // empty for services
    std::string role_arn;     // for assumed roles: the role's ARN (trust policies may name it)
    bool is_service = false;
    bool is_federated = false;  // arn is an identity provider's (AssumeRoleWithWebIdentity)
};

// Trust-policy evaluation: may `who` perform `action` (sts:AssumeRole) on this role?
decision evaluate_trust(const policy& trust, const caller& who, std::string_view action,
                        const condition_context& context);

// '*' any run, '?' one character. Case-insensitive for actions, sensitive for resources.
bool wildcard_match(std::string_view pattern, std::string_view text, bool case_insensitive);

}  // namespace localaws::iam

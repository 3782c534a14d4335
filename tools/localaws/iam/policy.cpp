#include "tools/localaws/iam/policy.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace localaws::iam {
namespace json = boost::json;
namespace {

// A policy element may be a string or an array of strings.
bool read_strings(const json::value& v, std::vector<std::string>& out) {
    if (v.is_string()) {
        out.emplace_back(v.as_string());
        return true;
    }
    if (!v.is_array()) return false;
    for (const auto& item : v.as_array()) {
        if (item.is_string()) out.emplace_back(item.as_string());
        else if (item.is_bool()) out.emplace_back(item.as_bool() ? "true" : "false");
        else if (item.is_number()) out.emplace_back(json::serialize(item));
        else return false;
    }
    return true;
}

bool read_principal(const json::value& v, statement& s) {
    s.has_principal = true;
    if (v.is_string()) {
        if (v.as_string() != "*") return false;
        s.principal_any = true;
        return true;
    }
    if (!v.is_object()) return false;
    for (const auto& [kind, names] : v.as_object()) {
        if (kind == "AWS") {
            if (!read_strings(names, s.principals_aws)) return false;
        } else if (kind == "Service") {
            if (!read_strings(names, s.principals_service)) return false;
        } else if (kind == "Federated") {
            if (!read_strings(names, s.principals_federated)) return false;
        } else if (kind == "CanonicalUser") {
            continue;  // never matches anyone localaws authenticates
        } else {
            return false;
        }
    }
    if (std::find(s.principals_aws.begin(), s.principals_aws.end(), "*") != s.principals_aws.end())
        s.principal_any = true;
    return true;
}

bool read_conditions(const json::value& v, statement& s) {
    if (!v.is_object()) return false;
    for (const auto& [op, block] : v.as_object()) {
        if (!block.is_object()) return false;
        for (const auto& [key, values] : block.as_object()) {
            condition c{std::string(op), std::string(key), {}};
            if (values.is_bool()) c.values.emplace_back(values.as_bool() ? "true" : "false");
            else if (!read_strings(values, c.values)) return false;
            s.conditions.push_back(std::move(c));
        }
    }
    return true;
}

std::optional<statement> read_statement(const json::value& v, std::string& error) {
    if (!v.is_object()) {
        error = "Statement entries must be objects";
        return std::nullopt;
    }
    const auto& o = v.as_object();
    statement s;
    const auto* eff = o.if_contains("Effect");
    if (!eff || !eff->is_string() || (eff->as_string() != "Allow" && eff->as_string() != "Deny")) {
        error = "Effect must be Allow or Deny";
        return std::nullopt;
    }
    s.eff = eff->as_string() == "Allow" ? effect::allow : effect::deny;
    bool ok = true;
    if (const auto* a = o.if_contains("Action")) ok = ok && read_strings(*a, s.actions);
    if (const auto* a = o.if_contains("NotAction")) {
        ok = ok && read_strings(*a, s.actions);
        s.not_action = true;
    }
    if (const auto* r = o.if_contains("Resource")) ok = ok && read_strings(*r, s.resources);
    if (const auto* r = o.if_contains("NotResource")) {
        ok = ok && read_strings(*r, s.resources);
        s.not_resource = true;
    }
    if (const auto* p = o.if_contains("Principal")) ok = ok && read_principal(*p, s);
    if (const auto* c = o.if_contains("Condition")) ok = ok && read_conditions(*c, s);
    if (!ok || s.actions.empty()) {
        error = "a statement needs Action (or NotAction) as strings, and well-formed Resource/Principal/Condition";
        return std::nullopt;
    }
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool condition_holds(const condition& c, const condition_context& ctx) {
    std::string_view op = c.op;
    bool if_exists = op.ends_with("IfExists");
    if (if_exists) op.remove_suffix(8);
    // Condition keys are case-insensitive.
    const std::string* actual = nullptr;
    for (const auto& [k, v] : ctx)
        if (iequals(k, c.key)) actual = &v;
    if (op == "Null") {
        bool want_null = !c.values.empty() && c.values.front() == "true";
        return want_null == (actual == nullptr);
    }
    if (!actual) return if_exists;
    auto any = [&](auto pred) { return std::any_of(c.values.begin(), c.values.end(), pred); };
    if (op == "StringEquals") return any([&](const std::string& v) { return v == *actual; });
    if (op == "StringNotEquals") return !any([&](const std::string& v) { return v == *actual; });
    if (op == "StringEqualsIgnoreCase") return any([&](const std::string& v) { return iequals(v, *actual); });
    if (op == "StringLike") return any([&](const std::string& v) { return wildcard_match(v, *actual, false); });
    if (op == "StringNotLike") return !any([&](const std::string& v) { return wildcard_match(v, *actual, false); });
    if (op == "Bool") return any([&](const std::string& v) { return iequals(v, *actual); });
    return false;  // unknown operator: the statement does not apply
}

bool conditions_hold(const statement& s, const condition_context& ctx) {
    return std::all_of(s.conditions.begin(), s.conditions.end(),
                       [&](const condition& c) { return condition_holds(c, ctx); });
}

bool action_matches(const statement& s, std::string_view action) {
    bool hit = std::any_of(s.actions.begin(), s.actions.end(),
                           [&](const std::string& p) { return wildcard_match(p, action, true); });
    return hit != s.not_action;
}

bool resource_matches(const statement& s, std::string_view resource) {
    if (s.resources.empty()) return !s.not_resource;
    bool hit = std::any_of(s.resources.begin(), s.resources.end(),
                           [&](const std::string& p) { return wildcard_match(p, resource, false); });
    return hit != s.not_resource;
}

bool principal_matches(const statement& s, const caller& who) {
    if (s.principal_any) return true;
    if (who.is_service)
        return std::find(s.principals_service.begin(), s.principals_service.end(), who.arn) !=
               s.principals_service.end();
    if (who.is_federated)
        return std::find(s.principals_federated.begin(), s.principals_federated.end(), who.arn) !=
               s.principals_federated.end();
    for (const auto& p : s.principals_aws) {
        // "123456789012" and "arn:aws:iam::123456789012:root" both mean "the account".
        if (p == who.account_id || p == "arn:aws:iam::" + who.account_id + ":root") return true;
        if (p == who.arn || (!who.role_arn.empty() && p == who.role_arn)) return true;
    }
    return false;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, bool case_insensitive) {
    auto eq = [&](char a, char b) {
        return case_insensitive ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
                                : a == b;
    };
    // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || eq(pattern[p], text[t]))) {
            ++p, ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::optional<policy> parse_policy(const json::value& document, std::string name, std::string& error) {
    if (!document.is_object()) {
        error = "a policy document must be a JSON object";
        return std::nullopt;
    }
    const auto* stmts = document.as_object().if_contains("Statement");
    if (!stmts) {
        error = "a policy document needs Statement";
        return std::nullopt;
    }
    policy out{std::move(name), {}};
    if (stmts->is_object()) {
        auto s = read_statement(*stmts, error);
        if (!s) return std::nullopt;
        out.statements.push_back(std::move(*s));
    } else if (stmts->is_array()) {
        for (const auto& v : stmts->as_array()) {
            auto s = read_statement(v, error);
            if (!s) return std::nullopt;
            out.statements.push_back(std::move(*s));
        }
    } else {
        error = "Statement must be an object or an array";
        return std::nullopt;
    }
    return out;
}

decision evaluate(const std::vector<const policy*>& policies, std::string_view action, std::string_view resource,
                  const condition_context& context) {
    bool allowed = false;
    for (const policy* p : policies) {
        for (const auto& s : p->statements) {
            if (!action_matches(s, action) || !resource_matches(s, resource) || !conditions_hold(s, context)) continue;
            if (s.eff == effect::deny) return decision::explicit_deny;
            allowed = true;
        }
    }
    return allowed ? decision::allow : decision::implicit_deny;
}

decision evaluate_trust(const policy& trust, const caller& who, std::string_view action,
                        const condition_context& context) {
    bool allowed = false;
    for (const auto& s : trust.statements) {
        if (!action_matches(s, action) || !principal_matches(s, who) || !conditions_hold(s, context)) continue;
        if (s.eff == effect::deny) return decision::explicit_deny;
        allowed = true;
    }
    return allowed ? decision::allow : decision::implicit_deny;
}

}  // namespace localaws::iam

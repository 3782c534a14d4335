#include "tools/localaws/serverless/workgroups.hpp"

#include <boost/json.hpp>

namespace localaws::serverless {
namespace json = boost::json;

std::vector<workgroup> load_workgroups(const json::value& config, std::string_view region) {
    std::vector<workgroup> out;
    const auto* accounts = config.as_object().if_contains("accounts");
    if (!accounts || !accounts->is_array()) return out;
    for (const auto& acc : accounts->as_array()) {
        const auto& ao = acc.as_object();
        const auto* wgs = ao.if_contains("workgroups");
        if (!wgs || !wgs->is_array()) continue;
        std::string account(ao.at("id").as_string());
        for (const auto& w : wgs->as_array()) {
            const auto& wo = w.as_object();
            workgroup g;
            g.name = wo.at("name").as_string();
            g.id = wo.at("id").as_string();
            g.account_id = account;
            if (const auto* ns = wo.if_contains("namespace")) g.namespace_name = ns->as_string();
            if (const auto* d = wo.if_contains("custom_domain_name"); d && d->is_string())
                g.custom_domain_name = d->as_string();
            g.arn = "arn:aws:redshift-serverless:" + std::string(region) + ":" + account + ":workgroup/" + g.id;
            if (const auto* dbs = wo.if_contains("databases"); dbs && dbs->is_array())
                for (const auto& d : dbs->as_array()) g.databases.emplace_back(d.as_string());
            out.push_back(std::move(g));
        }
    }
    return out;
}

const workgroup* find_workgroup(const std::vector<workgroup>& all, std::string_view account, std::string_view name) {
    for (const auto& w : all)
        if (w.account_id == account && w.name == name) return &w;
    return nullptr;
}

std::string workgroup_arn_for(const std::vector<workgroup>& all, std::string_view region, std::string_view account,
                              std::string_view name) {
    if (const auto* w = find_workgroup(all, account, name)) return w->arn;
    return "arn:aws:redshift-serverless:" + std::string(region) + ":" + std::string(account) + ":workgroup/" +
           std::string(name);
}

}  // namespace localaws::serverless

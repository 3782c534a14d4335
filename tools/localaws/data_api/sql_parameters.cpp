#include "tools/localaws/data_api/sql_parameters.hpp"

#include <cctype>
#include <map>
#include <set>

#include "tools/localaws/redshift/sql_scanner.hpp"

namespace localaws::data_api {

result<bound_sql> bind_parameters(const std::string& sql, const std::vector<sql_parameter>& parameters,
                                  bool require_all_used) {
    std::map<std::string, std::string> by_name;
    for (const auto& p : parameters) {
        if (p.name.empty() || p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
                                  std::string::npos)
            return validation_error("Invalid parameter name: " + p.name);
        if (p.value.empty()) return validation_error("Parameter " + p.name + " has an empty value");
        if (!by_name.emplace(p.name, p.value).second) return validation_error("Duplicate parameter name: " + p.name);
    }
    bound_sql out;
    std::map<std::string, int> number_of;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < sql.size();) {
        std::size_t skip = redshift::skip_non_code(sql, i);
        if (skip != i) {
            i = skip;
            continue;
        }
        if (sql[i] == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {  // a cast, not a placeholder
            i += 2;
            continue;
        }
        bool starts_name = i + 1 < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i + 1])) || sql[i + 1] == '_');
        if (sql[i] != ':' || !starts_name) {
            ++i;
            continue;
        }
        std::size_t end = i + 1;
        while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
        std::string name = sql.substr(i + 1, end - i - 1);
        auto value = by_name.find(name);
        if (value == by_name.end()) return validation_error("No value specified for parameter: " + name);
        auto [it, inserted] = number_of.emplace(name, static_cast<int>(out.values.size()) + 1);
        if (inserted) {
            out.values.push_back(value->second);
            out.used.push_back(name);
        }
        out.sql.append(sql, copied, i - copied);
        out.sql += "$" + std::to_string(it->second);
        copied = end;
        i = end;
    }
    out.sql.append(sql, copied, std::string::npos);
    for (const auto& [name, value] : by_name) {
        if (require_all_used && !number_of.count(name))
            return validation_error("Parameter " + name + " is not used in the SQL");
    }
    return out;
}

}  // namespace localaws::data_api

#include "engine/http/header_list.hpp"

#include <algorithm>

namespace shiftsync::engine::http {

bool iequals(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

void header_list::set(std::string_view name, std::string_view value) {
    remove(name);
    add(name, value);
}

void header_list::remove(std::string_view name) {
    std::erase_if(fields_, [&](const header_field& f) { return iequals(f.name, name); });
}

const std::string* header_list::find(std::string_view name) const {
    for (const auto& f : fields_)
        if (iequals(f.name, name)) return &f.value;
    return nullptr;
}

}  // namespace shiftsync::engine::http

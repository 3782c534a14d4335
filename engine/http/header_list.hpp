#pragma once
// HTTP header fields in order, names compared case-insensitively. Plain C++: the types every
// service client builds requests from, free of Beast.

#include <string>
#include <string_view>
#include <vector>

namespace shiftsync::engine::http {

struct header_field {
    std::string name;
    std::string value;
};

class header_list {
public:
    header_list() = default;
    header_list(std::initializer_list<header_field> fields) : fields_(fields) {}

    void add(std::string_view name, std::string_view value) {
        fields_.push_back({std::string(name), std::string(value)});
    }
    // Replaces every field of that name with one.
    void set(std::string_view name, std::string_view value);
    void remove(std::string_view name);
    void reserve(std::size_t n) { fields_.reserve(n); }

    // The first value of that name, or nullptr.
    const std::string* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }

    auto begin() const { return fields_.begin(); }
    auto end() const { return fields_.end(); }
    std::size_t size() const { return fields_.size(); }
    bool empty() const { return fields_.empty(); }

private:
    std::vector<header_field> fields_;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace shiftsync::engine::http

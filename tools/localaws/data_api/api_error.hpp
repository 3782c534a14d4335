#pragma once
// What a Data API call returns: a JSON value, or an AWS error the server turns into a JSON 1.1
// error response: {"__type": code, "message": message, ...extra}. Expected outcomes (bad input,
// unknown ids, limits) are values of this type, never exceptions.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <variant>

namespace localaws::data_api {

struct api_error {
    std::string code;     // e.g. "ValidationException", "ResourceNotFoundException"
    std::string message;
    boost::json::object extra;  // members some errors carry: ResourceId, StatementId
    int http_status = 400;      // 500 for the model's "fault" errors (InternalServerException, ...)
};

inline api_error validation_error(std::string message) { return {"ValidationException", std::move(message), {}, 400}; }
inline api_error not_found_error(std::string message, const std::string& resource_id) {
    api_error e{"ResourceNotFoundException", std::move(message), {}, 400};
    e.extra["ResourceId"] = resource_id;
    return e;
}
inline api_error internal_error(std::string message) { return {"InternalServerException", std::move(message), {}, 500}; }

// Either a T or an api_error.
template <class T>
class result {
public:
    result(T value) : v_(std::move(value)) {}
    result(api_error error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const api_error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, api_error> v_;
};

}  // namespace localaws::data_api

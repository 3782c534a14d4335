// The AWS Query protocol as STS speaks it (aws/protocol/query_protocol.hpp, aws/sts/sts_responses.hpp):
// <ErrorResponse> documents, AssumeRole(WithWebIdentity) and GetCallerIdentity answers, and the
// form-encoded request body. Checked beyond "no crash":
//   - what parses, written back as the document STS would send (the fuzzer's own plain writer,
//     text escaped), parses to the same values: code, message, request id; keys, token,
//     expiration, role ARN and id; account, ARN, user id;
//   - an accepted error has a code, accepted credentials have a key id, a secret and an expiry;
//   - the form body, split at '&' and '=' and percent-decoded by the reference below, gives back
//     exactly the names and values added, in order (Action and Version first).
//
// Input: the body (up to the first NUL), then NUL-separated form fields: action, version, then
// name/value pairs.

#include "aws/protocol/query_protocol.hpp"
#include "aws/sts/sts_responses.hpp"
#include "sigv4/amz_date.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace aws = shiftsync::aws;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

std::string escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string element(std::string_view name, std::string_view text) {
    return "<" + std::string(name) + ">" + escaped(text) + "</" + std::string(name) + ">";
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// application/x-www-form-urlencoded read the plain way: pairs at '&', name and value at the first
// '=', %XX decoded.
std::vector<std::pair<std::string, std::string>> read_form(std::string_view body) {
    auto decode = [](std::string_view s) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
                out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
                i += 2;
            } else {
                out += s[i];
            }
        }
        return out;
    };
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        pairs.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    }
    return pairs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    shiftsync::fuzz::fuzz_input in(data, size);
    const std::string_view body = in.until_nul();

    aws::diagnostics diag;
    if (aws::query_protocol::parse_error(body, diag)) {
        check(!diag.code.empty());
        const std::string again = "<ErrorResponse><Error><Type>Sender</Type>" + element("Code", diag.code) +
                                  element("Message", diag.message) + "</Error>" +
                                  element("RequestId", diag.request_id) + "</ErrorResponse>";
        aws::diagnostics back;
        check(aws::query_protocol::parse_error(again, back));
        check(back.code == diag.code && back.message == diag.message && back.request_id == diag.request_id);
    }
    (void)diag.to_string();

    if (auto role = aws::sts::parse_assume_role_response(body)) {
        const auto& c = role->credentials;
        check(!c.creds.access_key_id.empty() && !c.creds.secret_access_key.empty() && c.expiration);
        const std::string again =
            "<AssumeRoleResponse><AssumeRoleResult><Credentials>" + element("AccessKeyId", c.creds.access_key_id) +
            element("SecretAccessKey", c.creds.secret_access_key) + element("SessionToken", c.creds.session_token) +
            element("Expiration", shiftsync::sigv4::format_amz_date(*c.expiration)) +
            "</Credentials><AssumedRoleUser>" + element("Arn", role->assumed_role_arn) +
            element("AssumedRoleId", role->assumed_role_id) +
            "</AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
        auto back = aws::sts::parse_assume_role_response(again);
        check(back.has_value());
        check(back->credentials.creds.access_key_id == c.creds.access_key_id &&
              back->credentials.creds.secret_access_key == c.creds.secret_access_key &&
              back->credentials.creds.session_token == c.creds.session_token &&
              back->credentials.expiration == c.expiration && back->assumed_role_arn == role->assumed_role_arn &&
              back->assumed_role_id == role->assumed_role_id);
    }

    if (auto who = aws::sts::parse_get_caller_identity_response(body)) {
        check(!who->arn.empty());
        const std::string again = "<GetCallerIdentityResponse><GetCallerIdentityResult>" + element("Arn", who->arn) +
                                  element("UserId", who->user_id) + element("Account", who->account) +
                                  "</GetCallerIdentityResult></GetCallerIdentityResponse>";
        auto back = aws::sts::parse_get_caller_identity_response(again);
        check(back && back->arn == who->arn && back->user_id == who->user_id && back->account == who->account);
    }

    const std::string action(in.until_nul()), version(in.until_nul());
    aws::query_protocol::form form(action, version);
    std::vector<std::pair<std::string, std::string>> added{{"Action", action}, {"Version", version}};
    while (!in.rest().empty()) {
        std::string name(in.until_nul()), value(in.until_nul());
        form.add(name, value);
        added.emplace_back(std::move(name), std::move(value));
    }
    check(read_form(form.body()) == added);
    return 0;
}

#include "transfer/endpoint/login_failure.hpp"

#include "transfer/endpoint/endpoint_pool.hpp"

#include <string_view>

namespace shiftsync::transfer::endpoint {

namespace {

bool mentions_any(const std::string& text, std::initializer_list<std::string_view> phrases) {
    for (auto phrase : phrases)
        if (text.find(phrase) != std::string::npos) return true;
    return false;
}

std::string ca_in_use(const endpoint_settings& settings) {
    return settings.ca_file.empty() ? std::string("the system's CA bundle") : "the CA file " + settings.ca_file;
}

}  // namespace

bool is_password_refusal(const engine::pg::pg_diagnostics& pg_diag) {
    return pg_diag.sqlstate == "28P01" ||
           mentions_any(pg_diag.message, {"password authentication failed", "password has expired"});
}

void explain_login_failure(const endpoint_settings& settings, engine::pg::pg_diagnostics& pg_diag,
                           bool password_refused_twice) {
    const std::string& m = pg_diag.message;
    const std::string where = settings.address.to_string() +
                              (settings.address_origin.empty() ? "" : " (" + settings.address_origin + ")");
    if (password_refused_twice) {
        pg_diag.client_note = "The endpoint refused the password GetCredentials had just issued, twice (it expires "
                              "or is replaced between the call and the login). Check that the workgroup's clock and "
                              "this machine's agree, and that no other client keeps asking for credentials as the "
                              "same role.";
    } else if (mentions_any(m, {"does not match host name", "no subject alternative name"})) {
        pg_diag.client_note = "TLS verification failed: the endpoint's certificate is not for the host name " +
                              settings.address.host + " (sslmode=" + settings.sslmode +
                              "). Connect by the name the certificate carries (--db-endpoint NAME:PORT).";
    } else if (mentions_any(m, {"certificate verify failed", "root certificate file", "self-signed certificate",
                                "self signed certificate", "unable to get local issuer"})) {
        pg_diag.client_note = "TLS verification failed: the endpoint's certificate is not signed by " +
                              ca_in_use(settings) + ". Pass the workgroup's CA with --db-ca PATH.";
    } else if (mentions_any(m, {"server does not support SSL"})) {
        pg_diag.client_note = "The endpoint at " + where + " does not speak TLS; shiftsync does not send credentials "
                                                          "without it.";
    } else if (mentions_any(m, {"Connection refused", "could not translate host name", "No route to host",
                                "Network is unreachable", "timeout expired", "no connection within",
                                "Connection timed out"})) {
        pg_diag.client_note = "The endpoint at " + where + " cannot be reached. The endpoint path needs network "
                              "access to the workgroup (from inside its VPC, or a publicly accessible workgroup); "
                              "without it use --connection-method data-api, which needs only HTTPS to AWS.";
    }
}

void explain_get_credentials_failure(const std::string& workgroup, aws::diagnostics& diag) {
    if (diag.code == "AccessDeniedException" || diag.code == "AccessDenied")
        diag.client_note = "The endpoint path needs redshift-serverless:GetCredentials on the workgroup " + workgroup +
                           " for the role shiftsync uses (the connector guide's policy grants it); or use "
                           "--connection-method data-api.";
    else if (diag.code == "ResourceNotFoundException")
        diag.client_note = "No workgroup named " + workgroup + " in this account and region (--workgroup, --region).";
}

}  // namespace shiftsync::transfer::endpoint

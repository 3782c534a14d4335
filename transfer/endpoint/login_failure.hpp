#pragma once
// Why a login to the endpoint failed, in words a user can act on: libpq reports connection
// failures as text only, so they are recognised by libpq's and PostgreSQL's own phrases. Sans-IO.

#include "aws/error/aws_error.hpp"
#include "engine/pg/pg_error.hpp"

#include <string>

namespace shiftsync::transfer::endpoint {

struct endpoint_settings;

// The server refused the password (expired, replaced, or never valid).
bool is_password_refusal(const engine::pg::pg_diagnostics& pg_diag);

// Sets pg_diag.client_note for a failed login: TLS verification (which name or CA), an unreachable
// endpoint (the VPC case), a refused password (after the retry with fresh credentials).
void explain_login_failure(const endpoint_settings& settings, engine::pg::pg_diagnostics& pg_diag,
                           bool password_refused_twice);

// Sets diag.client_note for a failed GetCredentials (the permission and the workgroup).
void explain_get_credentials_failure(const std::string& workgroup, aws::diagnostics& diag);

}  // namespace shiftsync::transfer::endpoint

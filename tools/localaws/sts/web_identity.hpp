#pragma once
// STS AssumeRoleWithWebIdentity (unsigned: the token is the credential), against the OpenID Connect
// providers the config declares per account, as IAM's CreateOpenIDConnectProvider would:
//
//   "accounts": [{"id": "111122223333", ...,
//     "oidc_providers": [{"url": "https://oidc.example.test", "client_ids": ["sts.amazonaws.com"],
//                         "public_key_pem": "-----BEGIN PUBLIC KEY-----..."}]}]
//
// The token is a JWT. Checked: its issuer ("iss") is a provider of the role's account; its audience
// ("aud", a string or a list) is one of the provider's client ids; it has not expired ("exp", by
// localaws's clock); the role's trust policy allows sts:AssumeRoleWithWebIdentity for the Federated
// principal arn:aws:iam::<account>:oidc-provider/<url without https://>, with the conditions
// "<provider>:sub", "<provider>:aud" and "sts:RoleSessionName". The signature is verified (RS256)
// only when the provider has a public_key_pem; without one it is NOT checked — localaws fetches no
// JWKS — and the README says so.

#include <memory>

namespace localaws {
class app;
}

namespace localaws::sts {

// Reads the providers from the app's config and registers the operation; throws std::runtime_error on a
// malformed provider (at startup only).
void register_web_identity(app& a);

}  // namespace localaws::sts

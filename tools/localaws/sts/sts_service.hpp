#pragma once
// STS (Query protocol, 2011-06-15): AssumeRole, AssumeRoleWithWebIdentity (sts/web_identity.hpp) and
// GetCallerIdentity.

namespace localaws {
class app;
void register_sts(app& a);
}  // namespace localaws

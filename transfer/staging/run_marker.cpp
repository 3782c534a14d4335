#include "transfer/staging/run_marker.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <random>

namespace shiftsync::transfer::staging {
namespace {

namespace chrono = std::chrono;

// Exactly `count` decimal digits at `at`, or nullopt.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::optional<std::uint64_t> as_unsigned(const boost::json::value& v) {
    if (v.is_uint64()) return v.as_uint64();
    if (v.is_int64() && v.as_int64() >= 0) return static_cast<std::uint64_t>(v.as_int64());
    return std::nullopt;
}

}  // namespace

std::string format_utc(chrono::system_clock::time_point time) {
    auto seconds = chrono::floor<chrono::seconds>(time);
    auto day = chrono::floor<chrono::days>(seconds);
    chrono::year_month_day ymd{day};
    chrono::hh_mm_ss hms{seconds - day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return text;
}

std::optional<chrono::system_clock::time_point> parse_utc(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS
    auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
    if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
        text[13] != ':' || text[16] != ':')
        return std::nullopt;
    std::string_view rest = text.substr(19);
    if (rest.starts_with('.')) {  // a fraction: dropped (markers count whole seconds)
        std::size_t n = 1;
        while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
        if (n == 1) return std::nullopt;
        rest.remove_prefix(n);
    }
    if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
    chrono::year_month_day ymd{chrono::year{*y}, chrono::month{static_cast<unsigned>(*mo)},
                               chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    return chrono::sys_days{ymd} + chrono::hours{*h} + chrono::minutes{*mi} + chrono::seconds{*s};
}

std::string make_run_id(chrono::system_clock::time_point now, std::uint64_t random) {
    std::string utc = format_utc(now);  // 2026-12-02T14:33:24Z -> 20261202T143324Z
    std::string compact;
    for (char c : utc)
        if (c != '-' && c != ':') compact += c;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random));
    return compact + "-" + hex;
}

std::string new_run_id() {
    std::random_device device;
    std::uint64_t random = (std::uint64_t{device()} << 32) ^ device();
    return make_run_id(chrono::system_clock::now(), random);
}

bool is_run_id(std::string_view text) {
    // 20261202T143324Z-9f86d081884c7d65
    if (text.size() != 16 + 1 + 16 || text[8] != 'T' || text[15] != 'Z' || text[16] != '-') return false;
    if (!digits(text, 0, 8) || !digits(text, 9, 6)) return false;
    for (char c : text.substr(17))
        if (!is_lower_hex(c)) return false;
    return true;
}

std::string encode_marker(const run_marker& marker) {
    boost::json::object o{{"tool", tool_name},
                          {"run_id", marker.run_id},
                          {"host", marker.host},
                          {"pid", marker.pid},
                          {"started", format_utc(marker.started)},
                          {"purpose", marker.purpose}};
    if (marker.process_start_ticks) o["process_start_ticks"] = *marker.process_start_ticks;
    if (!marker.boot_id.empty()) o["boot_id"] = marker.boot_id;
    if (!marker.pid_namespace.empty()) o["pid_namespace"] = marker.pid_namespace;
    return boost::json::serialize(o);
}

boost::system::result<run_marker> parse_marker(std::string_view json, std::string& why) {
    const auto invalid = make_error_code(boost::system::errc::invalid_argument);
    boost::system::error_code ec;
    auto value = boost::json::parse(json, ec);
    if (ec || !value.is_object()) {
        why = "the marker is not a JSON object";
        return invalid;
    }
    const auto& o = value.as_object();
    auto text = [&](const char* name) -> std::optional<std::string> {
        const auto* v = o.if_contains(name);
        if (!v || !v->is_string()) return std::nullopt;
        return std::string(v->as_string());
    };
    if (text("tool") != std::string(tool_name)) {
        why = "the marker's \"tool\" is not \"shiftsync\"";
        return invalid;
    }
    run_marker m;
    auto run_id = text("run_id"), host = text("host"), started = text("started");
    if (!run_id || run_id->empty() || !host || host->empty()) {
        why = "the marker has no \"run_id\" or no \"host\"";
        return invalid;
    }
    m.run_id = std::move(*run_id);
    m.host = std::move(*host);
    // pid 0 and negative pids mean process groups to kill(2): never accepted.
    const auto* pid = o.if_contains("pid");
    auto pid_value = pid ? as_unsigned(*pid) : std::nullopt;
    if (!pid_value || *pid_value == 0 || *pid_value > 0x7fffffff) {
        why = "the marker's \"pid\" is not a process id";
        return invalid;
    }
    m.pid = static_cast<std::int64_t>(*pid_value);
    auto when = started ? parse_utc(*started) : std::nullopt;
    if (!when) {
        why = "the marker's \"started\" is not an ISO-8601 UTC time";
        return invalid;
    }
    m.started = *when;
    m.purpose = text("purpose").value_or("");
    if (const auto* ticks = o.if_contains("process_start_ticks")) m.process_start_ticks = as_unsigned(*ticks);
    m.boot_id = text("boot_id").value_or("");
    m.pid_namespace = text("pid_namespace").value_or("");
    return m;
}

}  // namespace shiftsync::transfer::staging

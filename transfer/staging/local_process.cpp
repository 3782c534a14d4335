#include "transfer/staging/local_process.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>

#include <climits>
#include <signal.h>
#include <unistd.h>

namespace shiftsync::transfer::staging {
namespace {

std::string read_small_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::string text((std::istreambuf_iterator<char>(in)), {});
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::optional<proc_stat> stat_of(std::int64_t pid) {
    std::string text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
    if (text.empty()) return std::nullopt;
    return parse_proc_stat(text);
}

}  // namespace

std::optional<proc_stat> parse_proc_stat(std::string_view text) {
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    // Fields from 3 (state) on, separated by single spaces.
    proc_stat out;
    int field = 2;
    std::size_t at = 0;
    while (at < rest.size()) {
        while (at < rest.size() && rest[at] == ' ') ++at;
        std::size_t end = rest.find(' ', at);
        if (end == std::string_view::npos) end = rest.size();
        if (end == at) break;
        std::string_view token = rest.substr(at, end - at);
        ++field;
        if (field == 3) out.state = token[0];
        if (field == 22) {
            auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), out.start_ticks);
            if (ec != std::errc{} || ptr != token.data() + token.size()) return std::nullopt;
            return out;
        }
        at = end;
    }
    return std::nullopt;
}

host_identity this_host() {
    host_identity here;
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) == 0) here.host = name;
    here.boot_id = read_small_file("/proc/sys/kernel/random/boot_id");
    char link[128] = {};
    ssize_t n = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
    if (n > 0) here.pid_namespace.assign(link, static_cast<std::size_t>(n));
    return here;
}

run_marker marker_for_this_process(std::string run_id, std::string purpose) {
    host_identity here = this_host();
    run_marker m;
    m.run_id = std::move(run_id);
    m.host = std::move(here.host);
    m.pid = ::getpid();
    m.started = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    m.purpose = std::move(purpose);
    if (auto stat = stat_of(m.pid)) m.process_start_ticks = stat->start_ticks;
    m.boot_id = std::move(here.boot_id);
    m.pid_namespace = std::move(here.pid_namespace);
    return m;
}

process_state probe_local_process(std::int64_t pid, std::optional<std::uint64_t> start_ticks) {
    // pid 0 and negative pids name process groups to kill(2): a marker never holds one (parse_marker
    // refuses them), and "running" is the answer that can never delete anything.
    if (pid <= 0 || pid > INT_MAX) return process_state::running;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return process_state::gone;
    auto stat = stat_of(pid);
    if (!stat) return process_state::running;  // no /proc: kill(2) said it exists
    if (stat->state == 'Z' || stat->state == 'X') return process_state::gone;
    if (start_ticks && stat->start_ticks != *start_ticks) return process_state::replaced;
    return process_state::running;
}

}  // namespace shiftsync::transfer::staging

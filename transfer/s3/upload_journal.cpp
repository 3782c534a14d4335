#include "transfer/s3/upload_journal.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace shiftsync::transfer::s3 {
namespace {

boost::system::error_code last_errno() { return {errno, boost::system::system_category()}; }

std::string line_of(std::string_view event, const journal_entry& e) {
    boost::json::object o{{"event", event}, {"bucket", e.bucket}, {"key", e.key}, {"upload_id", e.upload_id},
                          {"time", e.time}};
    return boost::json::serialize(o) + "\n";
}

using identity = std::tuple<std::string, std::string, std::string>;
identity id_of(const journal_entry& e) { return {e.bucket, e.key, e.upload_id}; }

// Holds an exclusive flock on the journal's lock file for a read-modify-write.
class file_lock {
public:
    explicit file_lock(const std::string& path) : fd_(::open((path + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~file_lock() {
        if (fd_ >= 0) ::close(fd_);
    }
    file_lock(const file_lock&) = delete;
    file_lock& operator=(const file_lock&) = delete;

private:
    int fd_;
};

}  // namespace

std::string utc_now_iso8601() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string upload_journal::default_path() {
    std::filesystem::path base;
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) base = state;
    else if (const char* home = std::getenv("HOME"); home && *home) base = std::filesystem::path(home) / ".local" / "state";
    else base = std::filesystem::temp_directory_path();
    return (base / "shiftsync" / "incomplete-uploads.jsonl").string();
}

boost::system::result<void> upload_journal::append(const std::string& line) {
    std::error_code made;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), made);
    file_lock lock(path_);  // never between another process's read and rename in forget()
    int fd = ::open(path_.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return last_errno();
    ssize_t written = ::write(fd, line.data(), line.size());
    auto ec = written == static_cast<ssize_t>(line.size()) ? boost::system::error_code{} : last_errno();
    if (!ec && ::fdatasync(fd) != 0) ec = last_errno();
    ::close(fd);
    if (ec) return ec;
    return {};
}

boost::system::result<void> upload_journal::record_started(const journal_entry& entry) {
    return append(line_of("started", entry));
}

boost::system::result<void> upload_journal::record_finished(const std::string& bucket, const std::string& key,
                                                            const std::string& upload_id) {
    return append(line_of("finished", {bucket, key, upload_id, utc_now_iso8601()}));
}

boost::system::result<std::vector<journal_entry>> upload_journal::open_entries() const {
    std::ifstream in(path_);
    if (!in) return std::vector<journal_entry>{};
    std::vector<journal_entry> started;
    std::set<identity> finished;
    std::string line;
    while (std::getline(in, line)) {
        boost::system::error_code ec;
        auto value = boost::json::parse(line, ec);
        if (ec || !value.is_object()) continue;  // a line cut short by a crash: nothing to act on
        const auto& o = value.as_object();
        auto text = [&](const char* name) -> std::string {
            const auto* v = o.if_contains(name);
            return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        journal_entry e{text("bucket"), text("key"), text("upload_id"), text("time")};
        if (e.bucket.empty() || e.upload_id.empty()) continue;
        if (text("event") == "started") started.push_back(std::move(e));
        else if (text("event") == "finished") finished.insert(id_of(e));
    }
    std::erase_if(started, [&](const journal_entry& e) { return finished.count(id_of(e)) > 0; });
    return started;
}

boost::system::result<void> upload_journal::forget(const std::vector<journal_entry>& done) {
    file_lock lock(path_);
    auto open = open_entries();
    if (!open) return open.error();
    std::set<identity> gone;
    for (const auto& e : done) gone.insert(id_of(e));
    std::string text;
    for (const auto& e : *open)
        if (!gone.count(id_of(e))) text += line_of("started", e);
    std::string temp = path_ + ".tmp";
    int fd = ::open(temp.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return last_errno();
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    auto ec = ok ? boost::system::error_code{} : last_errno();
    ::close(fd);
    if (!ec && std::rename(temp.c_str(), path_.c_str()) != 0) ec = last_errno();
    if (ec) {
        std::remove(temp.c_str());
        return ec;
    }
    return {};
}

}  // namespace shiftsync::transfer::s3

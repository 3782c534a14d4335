#include "transfer/sync/published_run.hpp"


#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace shiftsync::transfer::sync {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
using boost::system::result;

std::string encode_published(const published_run& run) {
    json::array boundary;
    char hex[17];
    for (const auto& [hash, cursor] : run.boundary.entries) {
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
        boundary.push_back(json::array{json::string(hex), json::string(cursor)});
    }
    json::array files;
    for (const auto& f : run.files) files.push_back(json::string(f));
    json::object o{{"stream", run.stream},         {"run_id", run.run_id},
                   {"cursor_column", run.cursor_column}, {"cursor_kind", run.cursor_kind},
                   {"cursor", nullptr},            {"rows", run.rows},
                   {"files", std::move(files)},    {"boundary", std::move(boundary)}};
    if (run.cursor) o["cursor"] = *run.cursor;
    return json::serialize(o) + "\n";
}

std::optional<published_run> decode_published(std::string_view text, std::string& why) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) {
        why = "not a JSON object";
        return std::nullopt;
    }
    const auto& o = v.as_object();
    auto str = [&](const char* key) -> std::string {
        const auto* f = o.if_contains(key);
        return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    published_run run;
    run.stream = str("stream");
    run.run_id = str("run_id");
    run.cursor_column = str("cursor_column");
    run.cursor_kind = str("cursor_kind");
    if (const auto* c = o.if_contains("cursor"); c && c->is_string()) run.cursor = std::string(c->as_string());
    if (const auto* r = o.if_contains("rows"); r && r->is_number()) run.rows = r->to_number<std::uint64_t>();
    if (const auto* f = o.if_contains("files"); f && f->is_array())
        for (const auto& name : f->as_array())
            if (name.is_string()) run.files.emplace_back(name.as_string());
    if (const auto* b = o.if_contains("boundary"); b && b->is_array()) {
        for (const auto& e : b->as_array()) {
            if (!e.is_array() || e.as_array().size() != 2 || !e.as_array()[0].is_string() || !e.as_array()[1].is_string()) {
                why = "a boundary entry is not [hash, cursor]";
                return std::nullopt;
            }
            std::string hash(e.as_array()[0].as_string());
            run.boundary.entries.emplace_back(std::strtoull(hash.c_str(), nullptr, 16),
                                              std::string(e.as_array()[1].as_string()));
        }
    }
    if (run.run_id.empty()) {
        why = "no run_id";
        return std::nullopt;
    }
    run.boundary.index();
    return run;
}

bool write_published_file(const std::string& run_directory, const published_run& run, std::string& why) {
    const fs::path final_path = fs::path(run_directory) / success_name;
    const fs::path partial = fs::path(run_directory) / (std::string(success_name) + ".shiftsync-partial");
    const std::string body = encode_published(run);
    int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        why = "cannot write " + partial.string() + ": " + std::strerror(errno);
        return false;
    }
    bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && ::fsync(fd) == 0;
    int saved = errno;
    ::close(fd);
    if (!ok) {
        why = "cannot write " + partial.string() + ": " + std::strerror(saved);
        fs::remove(partial);
        return false;
    }
    if (::rename(partial.c_str(), final_path.c_str()) != 0) {
        why = "cannot rename " + partial.string() + ": " + std::strerror(errno);
        return false;
    }
    // The rename is durable once the directory is synced.
    int dir = ::open(run_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

std::optional<published_run> read_published_file(const std::string& run_directory, std::string& why) {
    const fs::path path = fs::path(run_directory) / success_name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    auto run = decode_published(text.str(), why);
    if (!run) why = path.string() + ": " + why;
    return run;
}

bool remove_run_directory(const std::string& run_directory, std::string& why) {
    std::error_code ec;
    // _SUCCESS.json first: a run removed halfway must look unpublished, never whole.
    fs::remove(fs::path(run_directory) / success_name, ec);
    if (!ec) fs::remove_all(run_directory, ec);
    if (ec) {
        why = "cannot remove " + run_directory + ": " + ec.message();
        return false;
    }
    return true;
}

std::vector<std::string> run_directories(const std::string& stream_directory) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(stream_directory, ec))
        if (entry.is_directory()) out.push_back(entry.path().string());
    return out;
}

asio::awaitable<result<void>> async_put_published(aws::s3::s3_client& s3, const std::string& bucket,
                                                  const std::string& run_prefix, const published_run& run,
                                                  aws::diagnostics& diag) {
    engine::http::body_source body = engine::http::buffer_source::from(encode_published(run));
    const aws::s3::put_options options{.content_type = "application/json"};
    const std::string key = run_prefix + std::string(success_name);
    auto put = co_await s3.async_put_object(bucket, key, std::move(body), options, diag);
    if (!put) co_return put.error();
    co_return result<void>{};
}

asio::awaitable<result<std::optional<published_run>>> async_get_published(aws::s3::s3_client& s3,
                                                                        const std::string& bucket,
                                                                        const std::string& run_prefix,
                                                                        aws::diagnostics& diag) {
    std::string body;
    engine::http::body_sink into_string = engine::http::string_sink{};
    const std::string key = run_prefix + std::string(success_name);
    auto got = co_await s3.async_get_object(bucket, key, std::nullopt, into_string, diag, &body);
    if (!got) {
        if (diag.http_status == 404 || diag.code == "NoSuchKey") {
            diag = {};
            co_return std::optional<published_run>{};
        }
        co_return got.error();
    }
    std::string why;
    auto run = decode_published(body, why);
    if (!run) {
        diag.client_note = "s3://" + bucket + "/" + key + ": " + why;
        co_return make_error_code(boost::system::errc::bad_message);
    }
    co_return std::optional<published_run>(std::move(*run));
}

}  // namespace shiftsync::transfer::sync

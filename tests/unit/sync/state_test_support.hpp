#pragma once
// What the state store's tests share: a temporary directory removed afterwards, and raw SQLite
// access to the file, to look at it (and break it) behind the store's back.

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace state_test {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "shiftsync-state-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

// The first column of the first row of `sql` (statements separated by ';'), as text ("" when there
// is none); fails the test on an SQLite error. `create`: make the file when it is missing.
inline std::string raw_query(const std::string& path, const std::string& sql, bool create = false) {
    sqlite3* db = nullptr;
    std::string out;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "open " << path << ": " << sqlite3_errmsg(db);
        sqlite3_close(db);
        return out;
    }
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    auto first = [](void* into, int columns, char** values, char**) {
        auto& text = *static_cast<std::string*>(into);
        if (columns > 0 && values[0] && text.empty()) text = values[0];
        return 0;
    };
    if (sqlite3_exec(db, sql.c_str(), first, &out, &error) != SQLITE_OK) ADD_FAILURE() << sql << ": " << error;
    sqlite3_free(error);
    sqlite3_close(db);
    return out;
}

inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace state_test

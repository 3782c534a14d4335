// The C++ fixture itself: starts localaws, which answers on its port; stop and kill reap it.
#include "localaws_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace {

std::string http_get(unsigned short port, const std::string& path) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ::send(fd, req.data(), req.size(), 0);
    std::string resp;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) resp.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return resp;
}

TEST(LocalawsProcess, StartsAnswersAndStops) {
    std::filesystem::path dir;
    unsigned short port = 0;
    {
        localaws::testing::localaws_process aws(LOCALAWS_BIN);
        port = aws.port();
        dir = aws.data_dir();
        EXPECT_EQ(aws.endpoint(), "http://127.0.0.1:" + std::to_string(port));
        EXPECT_NE(http_get(port, "/_localaws/health").find("\"status\":\"ok\""), std::string::npos);
        // An unsigned S3 request is refused the way S3 refuses it.
        auto denied = http_get(port, "/unload-example/key");
        EXPECT_NE(denied.find("403"), std::string::npos);
        EXPECT_NE(denied.find("<Code>AccessDenied</Code>"), std::string::npos);
        EXPECT_TRUE(std::filesystem::exists(dir / "s3" / "buckets" / "unload-example"));
    }
    EXPECT_FALSE(std::filesystem::exists(dir));
    EXPECT_EQ(http_get(port, "/_localaws/health"), "");
}

TEST(LocalawsProcess, KillLeavesTheDataForARestart) {
    auto dir = std::filesystem::temp_directory_path() / ("localaws-cpp-restart-" + std::to_string(::getpid()));
    {
        localaws::testing::localaws_process first(LOCALAWS_BIN, {}, dir);
        first.kill();
        localaws::testing::localaws_process second(LOCALAWS_BIN, {}, dir);
        EXPECT_NE(http_get(second.port(), "/_localaws/health").find("ok"), std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace

#include "tools/localaws/auth/chunked_decoder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace localaws::auth {
namespace {
constexpr std::size_t max_line = 8192;  // a chunk header or trailer line; real ones are < 200 bytes
}

chunked_decoder::chunked_decoder(std::optional<shiftsync::sigv4::chunked_signer> verifier)
    : verifier_(std::move(verifier)) {}

void chunked_decoder::fail(std::string why, bool signature) {
    state_ = state::failed;
    error_ = std::move(why);
    signature_failed_ = signature;
}

bool chunked_decoder::finish_header() {
    std::string_view line = line_;
    auto semi = line.find(';');
    std::string_view size_text = line.substr(0, semi);
    auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), chunk_size_, 16);
    if (ec != std::errc{} || end != size_text.data() + size_text.size()) {
        fail("malformed aws-chunked chunk header");
        return false;
    }
    expected_signature_.clear();
    if (semi != std::string_view::npos) {
        std::string_view ext = line.substr(semi + 1);
        constexpr std::string_view key = "chunk-signature=";
        if (ext.starts_with(key)) expected_signature_ = ext.substr(key.size());
    }
    if (verifier_ && expected_signature_.empty()) {
        fail("aws-chunked chunk without chunk-signature", true);
        return false;
    }
    remaining_ = chunk_size_;
    chunk_hash_ = shiftsync::sigv4::sha256();
    state_ = chunk_size_ == 0 ? state::data_end : state::data;
    if (chunk_size_ == 0) return finish_chunk();
    return true;
}

bool chunked_decoder::finish_chunk() {
    if (verifier_) {
        const auto& expected = verifier_->sign_chunk_digest(chunk_hash_.finish());
        if (expected != expected_signature_) {
            fail("chunk signature mismatch", true);
            return false;
        }
    }
    if (chunk_size_ == 0) state_ = state::trailer;
    return true;
}

std::size_t chunked_decoder::decode_in_place(std::span<std::byte> buffer, std::size_t n) {
    std::size_t in = 0, out = 0;
    auto* bytes = buffer.data();
    while (in < n && state_ != state::done && state_ != state::failed) {
        if (state_ == state::data) {
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n - in));
            if (verifier_) chunk_hash_.update(bytes + in, take);
            if (out != in) std::memmove(bytes + out, bytes + in, take);
            in += take;
            out += take;
            remaining_ -= take;
            decoded_ += take;
            if (remaining_ == 0) state_ = state::data_end;
            continue;
        }
        // Line-oriented states: header, the CRLF after data, trailers.
        char c = static_cast<char>(bytes[in++]);
        if (c != '\n') {
            if (line_.size() >= max_line) return fail("aws-chunked line too long"), out;
            line_.push_back(c);
            continue;
        }
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        std::string line = std::move(line_);
        line_.clear();
        if (state_ == state::header) {
            line_ = std::move(line);
            bool ok = finish_header();
            line_.clear();
            if (!ok) return out;
        } else if (state_ == state::data_end) {
            if (!line.empty()) return fail("aws-chunked data not followed by CRLF"), out;
            if (!finish_chunk()) return out;
            state_ = state::header;
        } else if (state_ == state::trailer) {
            if (line.empty()) {
                state_ = state::done;
                break;
            }
            auto colon = line.find(':');
            if (colon == std::string::npos) return fail("malformed aws-chunked trailer"), out;
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            trailers_[name] = value;
        }
    }
    return out;
}

}  // namespace localaws::auth

#pragma once
// A fuzzer's input read as a few choices followed by the document: each fuzzer takes its options
// (a delimiter, column kinds, where to cut the stream) from the first bytes, so one corpus file is
// one complete case and libFuzzer's mutations explore the options and the text together.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shiftsync::fuzz {

class fuzz_input {
public:
    fuzz_input(const std::uint8_t* data, std::size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

    // The next byte as a choice (0 once the input is used up).
    std::uint8_t byte() {
        if (rest_.empty()) return 0;
        const auto b = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }
    // Up to `n` bytes, split off the front.
    std::string_view take(std::size_t n) {
        const auto piece = rest_.substr(0, n);
        rest_.remove_prefix(piece.size());
        return piece;
    }
    // Text up to the next '\0' (or the end): lets one input carry several strings.
    std::string_view until_nul() {
        const auto end = rest_.find('\0');
        const auto piece = rest_.substr(0, end);
        rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
        return piece;
    }
    std::string_view rest() const { return rest_; }

private:
    std::string_view rest_;
};

}  // namespace shiftsync::fuzz

#include "transfer/codec/compression.hpp"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace shiftsync::transfer::codec {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class identity_compressor final : public compressor {
public:
    void write(std::string_view in, std::string& out) override { out.append(in); }
    void finish(std::string&) override {}
};

class gzip_compressor final : public compressor {
public:
    gzip_compressor() : level_buffer_(ISAL_DEF_LVL1_DEFAULT) {
        stream_ = std::make_unique<isal_zstream>();
        isal_deflate_init(stream_.get());
        stream_->level = 1;
        stream_->level_buf = level_buffer_.data();
        stream_->level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
        stream_->gzip_flag = IGZIP_GZIP;
    }
    void write(std::string_view in, std::string& out) override { run(in, out, false); }
    void finish(std::string& out) override { run({}, out, true); }

private:
    void run(std::string_view in, std::string& out, bool last) {
        isal_zstream& s = *stream_;
        s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
        s.avail_in = static_cast<std::uint32_t>(in.size());
        s.end_of_stream = last ? 1 : 0;
        s.flush = NO_FLUSH;
        do {
            std::size_t old = out.size();
            std::size_t room = std::max<std::size_t>(64 * 1024, in.size() / 2 + 1024);
            out.resize(old + room);
            s.next_out = reinterpret_cast<std::uint8_t*>(out.data() + old);
            s.avail_out = static_cast<std::uint32_t>(room);
            isal_deflate(&s);
            out.resize(old + room - s.avail_out);
        } while (s.avail_in > 0 || (last && s.internal_state.state != ZSTATE_END));
    }
    std::vector<std::uint8_t> level_buffer_;
    std::unique_ptr<isal_zstream> stream_;
};

class zstd_compressor final : public compressor {
public:
    zstd_compressor() : cctx_(ZSTD_createCCtx()) { ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, 1); }
    ~zstd_compressor() override { ZSTD_freeCCtx(cctx_); }
    void write(std::string_view in, std::string& out) override { run(in, out, ZSTD_e_continue); }
    void finish(std::string& out) override { run({}, out, ZSTD_e_end); }

private:
    void run(std::string_view in, std::string& out, ZSTD_EndDirective mode) {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        std::size_t remaining = 0;
        do {
            std::size_t old = out.size();
            out.resize(old + ZSTD_CStreamOutSize());
            ZSTD_outBuffer output{out.data() + old, out.size() - old, 0};
            remaining = ZSTD_compressStream2(cctx_, &output, &input, mode);
            out.resize(old + output.pos);
        } while (input.pos < input.size || (mode == ZSTD_e_end && remaining != 0));
    }
    ZSTD_CCtx* cctx_;
};

class identity_decompressor final : public decompressor {
public:
    std::optional<std::size_t> decompress(std::string_view& in, std::span<char> out) override {
        std::size_t n = std::min(in.size(), out.size());
        std::memcpy(out.data(), in.data(), n);
        in.remove_prefix(n);
        return n;
    }
    bool complete() const override { return true; }
};

// Several gzip members one after another are one stream (as gzip itself reads them).
class gzip_decompressor final : public decompressor {
public:
    gzip_decompressor() : state_(std::make_unique<inflate_state>()) { start_member(); }
    std::optional<std::size_t> decompress(std::string_view& in, std::span<char> out) override {
        std::size_t written = 0;
        while (!in.empty() && written < out.size()) {
            if (state_->block_state == ISAL_BLOCK_FINISH) start_member();
            state_->next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
            state_->avail_in = static_cast<std::uint32_t>(std::min<std::size_t>(in.size(), 1u << 30));
            state_->next_out = reinterpret_cast<std::uint8_t*>(out.data() + written);
            state_->avail_out = static_cast<std::uint32_t>(out.size() - written);
            std::uint32_t offered = state_->avail_in;
            std::uint32_t room = state_->avail_out;
            int rc = isal_inflate(state_.get());
            if (rc != ISAL_DECOMP_OK) {
                error_ = describe(rc);
                return std::nullopt;
            }
            in.remove_prefix(offered - state_->avail_in);
            written += room - state_->avail_out;
            in_member_ = state_->block_state != ISAL_BLOCK_FINISH;
            if (offered == state_->avail_in && room == state_->avail_out) break;  // needs more input
        }
        return written;
    }
    bool complete() const override { return !in_member_; }

private:
    void start_member() {
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;
        in_member_ = true;
    }
    static std::string describe(int rc) {
        switch (rc) {
            case ISAL_INCORRECT_CHECKSUM: return "gzip: the CRC-32 of the data does not match its trailer";
            case ISAL_INVALID_BLOCK:
            case ISAL_INVALID_SYMBOL:
            case ISAL_INVALID_LOOKBACK: return "gzip: corrupt compressed data";
            case ISAL_UNSUPPORTED_METHOD:
            case ISAL_INVALID_WRAPPER: return "gzip: not gzip data";
            default: return "gzip: decompression failed (ISA-L code " + std::to_string(rc) + ")";
        }
    }
    std::unique_ptr<inflate_state> state_;
    bool in_member_ = true;
};

class zstd_decompressor final : public decompressor {
public:
    zstd_decompressor() : dctx_(ZSTD_createDCtx()) {}
    ~zstd_decompressor() override { ZSTD_freeDCtx(dctx_); }
    std::optional<std::size_t> decompress(std::string_view& in, std::span<char> out) override {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        ZSTD_outBuffer output{out.data(), out.size(), 0};
        while (input.pos < input.size && output.pos < output.size) {
            std::size_t before_in = input.pos, before_out = output.pos;
            last_ = ZSTD_decompressStream(dctx_, &output, &input);
            if (ZSTD_isError(last_)) {
                error_ = std::string("zstd: ") + ZSTD_getErrorName(last_);
                return std::nullopt;
            }
            if (input.pos == before_in && output.pos == before_out) break;
        }
        in.remove_prefix(input.pos);
        return output.pos;
    }
    bool complete() const override { return last_ == 0; }

private:
    ZSTD_DCtx* dctx_;
    std::size_t last_ = 0;
};

}  // namespace

compression compression_for_name(std::string_view path) {
    if (ends_with(path, ".gz") || ends_with(path, ".gzip")) return compression::gzip;
    if (ends_with(path, ".zst") || ends_with(path, ".zstd")) return compression::zstd;
    return compression::none;
}

std::string_view file_extension(compression c) {
    switch (c) {
        case compression::gzip: return ".gz";
        case compression::zstd: return ".zst";
        default: return "";
    }
}

std::unique_ptr<compressor> make_compressor(compression c) {
    switch (c) {
        case compression::gzip: return std::make_unique<gzip_compressor>();
        case compression::zstd: return std::make_unique<zstd_compressor>();
        default: return std::make_unique<identity_compressor>();
    }
}

std::unique_ptr<decompressor> make_decompressor(compression c) {
    switch (c) {
        case compression::gzip: return std::make_unique<gzip_decompressor>();
        case compression::zstd: return std::make_unique<zstd_decompressor>();
        default: return std::make_unique<identity_decompressor>();
    }
}

}  // namespace shiftsync::transfer::codec

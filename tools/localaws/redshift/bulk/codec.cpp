#include "tools/localaws/redshift/bulk/codec.hpp"

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <vector>

namespace localaws::redshift::bulk {
namespace {

class identity_compressor final : public compressor {
public:
    void write(std::string_view in, std::string& out) override { out.append(in); }
    void finish(std::string&) override {}
};

class identity_decompressor final : public decompressor {
public:
    bool write(std::string_view in, std::string& out, std::string&) override {
        out.append(in);
        return true;
    }
    bool finish(std::string&) override { return true; }
};

class gzip_compressor final : public compressor {
public:
    gzip_compressor() : level_buffer_(ISAL_DEF_LVL1_DEFAULT) {
        isal_deflate_init(&stream_);
        stream_.level = 1;
        stream_.level_buf = level_buffer_.data();
        stream_.level_buf_size = static_cast<std::uint32_t>(level_buffer_.size());
        stream_.gzip_flag = IGZIP_GZIP;
    }
    void write(std::string_view in, std::string& out) override { run(in, out, false); }
    void finish(std::string& out) override { run({}, out, true); }

private:
    void run(std::string_view in, std::string& out, bool last) {
        stream_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
        stream_.avail_in = static_cast<std::uint32_t>(in.size());
        stream_.end_of_stream = last ? 1 : 0;
        do {
            std::size_t old = out.size();
            out.resize(old + in.size() / 2 + 65536);
            stream_.next_out = reinterpret_cast<std::uint8_t*>(out.data() + old);
            stream_.avail_out = static_cast<std::uint32_t>(out.size() - old);
            isal_deflate(&stream_);
            out.resize(out.size() - stream_.avail_out);
        } while (stream_.avail_in > 0 || (last && stream_.internal_state.state != ZSTATE_END));
    }
    isal_zstream stream_{};
    std::vector<std::uint8_t> level_buffer_;
};

// ISA-L's inflate (several times zlib's speed); a file may hold several gzip members back to back.
class gzip_decompressor final : public decompressor {
public:
    gzip_decompressor() { reset(); }
    bool write(std::string_view in, std::string& out, std::string& error) override {
        state_.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
        state_.avail_in = static_cast<std::uint32_t>(in.size());
        while (state_.avail_in > 0 || (in_member_ && state_.block_state != ISAL_BLOCK_FINISH && pending_output_)) {
            if (state_.block_state == ISAL_BLOCK_FINISH) {  // another member follows
                std::uint8_t* next = state_.next_in;
                std::uint32_t avail = state_.avail_in;
                reset();
                state_.next_in = next;
                state_.avail_in = avail;
            }
            in_member_ = true;
            std::size_t old = out.size();
            out.resize(old + 256 * 1024);
            state_.next_out = reinterpret_cast<std::uint8_t*>(out.data() + old);
            state_.avail_out = 256 * 1024;
            int rc = isal_inflate(&state_);
            out.resize(out.size() - state_.avail_out);
            if (rc < 0) {
                error = "gzip: invalid compressed data";
                return false;
            }
            pending_output_ = state_.avail_out == 0;  // output full: more may be waiting inside
            if (state_.block_state == ISAL_BLOCK_FINISH) in_member_ = false;
        }
        return true;
    }
    bool finish(std::string& error) override {
        if (in_member_) error = "gzip: unexpected end of compressed data";
        return error.empty();
    }

private:
    void reset() {
        isal_inflate_init(&state_);
        state_.crc_flag = ISAL_GZIP;
    }
    inflate_state state_{};
    bool in_member_ = false;
    bool pending_output_ = false;
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

class zstd_decompressor final : public decompressor {
public:
    zstd_decompressor() : dctx_(ZSTD_createDCtx()) {}
    ~zstd_decompressor() override { ZSTD_freeDCtx(dctx_); }
    bool write(std::string_view in, std::string& out, std::string& error) override {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        while (input.pos < input.size) {
            char buffer[65536];
            ZSTD_outBuffer output{buffer, sizeof buffer, 0};
            last_ = ZSTD_decompressStream(dctx_, &output, &input);
            if (ZSTD_isError(last_)) {
                error = std::string("zstd: ") + ZSTD_getErrorName(last_);
                return false;
            }
            out.append(buffer, output.pos);
        }
        return true;
    }
    bool finish(std::string& error) override {
        if (last_ != 0) error = "zstd: unexpected end of compressed data";
        return error.empty();
    }

private:
    ZSTD_DCtx* dctx_;
    std::size_t last_ = 0;
};

class bzip2_compressor final : public compressor {
public:
    bzip2_compressor() { BZ2_bzCompressInit(&s_, 9, 0, 0); }
    ~bzip2_compressor() override { BZ2_bzCompressEnd(&s_); }
    void write(std::string_view in, std::string& out) override { run(in, out, BZ_RUN); }
    void finish(std::string& out) override { run({}, out, BZ_FINISH); }

private:
    void run(std::string_view in, std::string& out, int action) {
        s_.next_in = const_cast<char*>(in.data());
        s_.avail_in = static_cast<unsigned>(in.size());
        int rc = BZ_OK;
        do {
            char buffer[65536];
            s_.next_out = buffer;
            s_.avail_out = sizeof buffer;
            rc = BZ2_bzCompress(&s_, action);
            out.append(buffer, sizeof buffer - s_.avail_out);
        } while (s_.avail_in > 0 || (action == BZ_FINISH && rc != BZ_STREAM_END));
    }
    bz_stream s_{};
};

class bzip2_decompressor final : public decompressor {
public:
    bzip2_decompressor() { BZ2_bzDecompressInit(&s_, 0, 0); }
    ~bzip2_decompressor() override { BZ2_bzDecompressEnd(&s_); }
    bool write(std::string_view in, std::string& out, std::string& error) override {
        s_.next_in = const_cast<char*>(in.data());
        s_.avail_in = static_cast<unsigned>(in.size());
        while (s_.avail_in > 0) {
            if (ended_) {  // concatenated bzip2 streams (as pbzip2 writes them)
                BZ2_bzDecompressEnd(&s_);
                char* next = s_.next_in;
                unsigned avail = s_.avail_in;
                s_ = bz_stream{};
                BZ2_bzDecompressInit(&s_, 0, 0);
                s_.next_in = next;
                s_.avail_in = avail;
                ended_ = false;
            }
            char buffer[65536];
            s_.next_out = buffer;
            s_.avail_out = sizeof buffer;
            int rc = BZ2_bzDecompress(&s_);
            out.append(buffer, sizeof buffer - s_.avail_out);
            if (rc == BZ_STREAM_END) ended_ = true;
            else if (rc != BZ_OK) {
                error = "bzip2: invalid compressed data";
                return false;
            }
        }
        started_ = true;
        return true;
    }
    bool finish(std::string& error) override {
        if (started_ && !ended_) error = "bzip2: unexpected end of compressed data";
        return error.empty();
    }

private:
    bz_stream s_{};
    bool ended_ = false;
    bool started_ = false;
};

}  // namespace

std::unique_ptr<compressor> make_compressor(dialect::compression c) {
    switch (c) {
        case dialect::compression::gzip: return std::make_unique<gzip_compressor>();
        case dialect::compression::zstd: return std::make_unique<zstd_compressor>();
        case dialect::compression::bzip2: return std::make_unique<bzip2_compressor>();
        case dialect::compression::none: break;
    }
    return std::make_unique<identity_compressor>();
}

std::unique_ptr<decompressor> make_decompressor(dialect::compression c) {
    switch (c) {
        case dialect::compression::gzip: return std::make_unique<gzip_decompressor>();
        case dialect::compression::zstd: return std::make_unique<zstd_decompressor>();
        case dialect::compression::bzip2: return std::make_unique<bzip2_decompressor>();
        case dialect::compression::none: break;
    }
    return std::make_unique<identity_decompressor>();
}

const char* file_extension(dialect::compression c) {
    switch (c) {
        case dialect::compression::gzip: return ".gz";
        case dialect::compression::zstd: return ".zst";
        case dialect::compression::bzip2: return ".bz2";
        case dialect::compression::none: break;
    }
    return "";
}

}  // namespace localaws::redshift::bulk

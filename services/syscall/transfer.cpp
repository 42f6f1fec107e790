#include "transfer.h"

#include <klib/algorithm.h>
#include <klib/array.h>

namespace services::syscall {

SysResult transfer(const fs::File& in, u64 in_off, const fs::File& out, klib::Optional<u64> out_off,
                   u64 count) {
    klib::Array<u8, 2048> chunk{};
    u64 done = 0;
    while (done < count) {
        const u64 want = klib::min(count - done, u64(chunk.size()));
        usize got = 0;
        auto r = in.read(in_off + done, want, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
            got += klib::copy(chunk.span().subspan(got), part);
            return {};
        });
        if (r.is_err()) {
            if (done > 0) {
                break;
            }
            return r.error();
        }
        if (got == 0) {
            break;
        }
        usize put = 0;
        const u64 at = out_off.has_value() ? out_off.value() + done : out.offset();
        auto w = out.write(at, got, [&](klib::Span<u8> dst) -> klib::Result<void, Errno> {
            put += klib::copy(dst, klib::Span<const u8>(chunk.span().subspan(put, dst.size())));
            return {};
        });
        if (w.is_err()) {
            if (done > 0) {
                break;
            }
            return w.error();
        }
        if (!out_off.has_value() && out.seekable()) {
            out.set_offset(out.offset() + w.value());
        }
        done += w.value();
        if (w.value() < got) {
            break;
        }
    }
    return done;
}

} // namespace services::syscall

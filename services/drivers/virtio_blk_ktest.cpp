// ktests for the virtio-blk driver against the disk tests/run-ktests.sh
// attaches: 1 MiB, sector N starts with "KEEL-SECTOR-%06d".
#include "table.h"
#include <keel/ktest.h>
#include <klib/array.h>

namespace services::drivers {

namespace {

// The disk as the boot-time probe binds it (the driver table).
klib::Result<VirtioBlk> open_disk() {
    Bound b = TRY(probe_all());
    if (b.blk.size() != 1) {
        return klib::Err(klib::Error::NotFound);
    }
    return b.blk.pop();
}

bool starts_with(klib::Span<const u8> data, klib::StringView s) {
    if (data.size() < s.size()) {
        return false;
    }
    for (usize i = 0; i < s.size(); ++i) {
        if (data[i] != u8(s[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

KTEST(virtio_blk_reads_and_writes_sectors) {
    auto disk = open_disk();
    KASSERT(disk.is_ok());
    VirtioBlk& blk = disk.value();
    KEXPECT_EQ(blk.capacity_sectors(), u64(2048));
    klib::Array<u8, 1024> buf{};
    KASSERT(blk.read(0, buf.span()).is_ok());
    KEXPECT(starts_with(buf.span(), "KEEL-SECTOR-000000"));
    KEXPECT(starts_with(buf.span().subspan(512), "KEEL-SECTOR-000001"));
    KASSERT(blk.read(2047, buf.span().first(512)).is_ok());
    KEXPECT(starts_with(buf.span(), "KEEL-SECTOR-002047"));

    klib::Array<u8, 512> out{};
    for (usize i = 0; i < out.size(); ++i) {
        out[i] = u8(i * 7 + 3);
    }
    KASSERT(blk.write(100, out.span()).is_ok());
    klib::Array<u8, 512> back{};
    KASSERT(blk.read(100, back.span()).is_ok());
    bool same = true;
    for (usize i = 0; i < back.size(); ++i) {
        same = same && back[i] == out[i];
    }
    KEXPECT(same);
    // QEMU's virtio-blk does MSI-X: completions came by interrupt.
    KEXPECT(blk.interrupt_driven());
    KEXPECT_GE(blk.interrupts(), u64(4));
}

KTEST(virtio_blk_refuses_bad_requests) {
    auto disk = open_disk();
    KASSERT(disk.is_ok());
    VirtioBlk& blk = disk.value();
    klib::Array<u8, 1024> buf{};
    KEXPECT(blk.read(2047, buf.span()).error() == klib::Error::OutOfRange); // runs past the end
    KEXPECT(blk.read(~u64(0), buf.span().first(512)).error() == klib::Error::OutOfRange);
    KEXPECT(blk.read(0, buf.span().first(100)).error() == klib::Error::InvalidArgument);
    KEXPECT(blk.read(0, buf.span().first(0)).error() == klib::Error::InvalidArgument);
}

} // namespace services::drivers

#include "stack.h"

#include <keel/time.h>
#include <klib/vec.h>

namespace services::process {

namespace {

constexpr u64 AT_NULL = 0;
constexpr u64 AT_PHDR = 3;
constexpr u64 AT_PHENT = 4;
constexpr u64 AT_PHNUM = 5;
constexpr u64 AT_PAGESZ = 6;
constexpr u64 AT_BASE = 7;
constexpr u64 AT_FLAGS = 8;
constexpr u64 AT_ENTRY = 9;
constexpr u64 AT_UID = 11;
constexpr u64 AT_EUID = 12;
constexpr u64 AT_GID = 13;
constexpr u64 AT_EGID = 14;
constexpr u64 AT_CLKTCK = 17;
constexpr u64 AT_SECURE = 23;
constexpr u64 AT_RANDOM = 25;
constexpr u64 AT_EXECFN = 31;
constexpr u64 AT_SYSINFO_EHDR = 33;
constexpr u64 MAX_STRINGS = 64 * 1024;

klib::Result<void> push_u64(klib::Vec<u8>& v, u64 x) {
    for (usize i = 0; i < 8; ++i) {
        TRY(v.try_push(u8(x >> (8 * i))));
    }
    return {};
}

} // namespace

klib::Result<void> map_stack(const mm::AddressSpace& space) {
    mm::MapRequest req;
    req.addr = STACK_TOP - STACK_SIZE;
    req.len = STACK_SIZE;
    req.prot = mm::PROT_READ | mm::PROT_WRITE;
    req.placement = mm::Placement::FixedNoReplace;
    (void)TRY(space.map(klib::move(req)));
    return {};
}

klib::Result<u64> build_stack(const mm::AddressSpace& space, const klib::Vec<klib::String>& argv,
                              const klib::Vec<klib::String>& envp, const ImageInfo& info) {
    // Strings first, at the top: [16 random bytes][argv strings][envp strings].
    klib::Vec<u8> strings;
    klib::Vec<u64> offsets; // offset of each string within `strings`
    u64 seed = keel::monotonic_ns() * 0x9e3779b97f4a7c15ull + 1;
    for (usize i = 0; i < 16; ++i) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        TRY(strings.try_push(u8(seed)));
    }
    for (usize list = 0; list < 2; ++list) {
        const klib::Vec<klib::String>& src = list == 0 ? argv : envp;
        for (usize i = 0; i < src.size(); ++i) {
            TRY(offsets.try_push(strings.size()));
            for (char c : src[i].view()) {
                TRY(strings.try_push(u8(c)));
            }
            TRY(strings.try_push(0));
            if (strings.size() > MAX_STRINGS) {
                return klib::Err(klib::Error::Overflow);
            }
        }
    }
    const u64 strings_base = (STACK_TOP - strings.size()) & ~u64(15);

    // Then, below: argc, argv, envp, auxv, 16-byte aligned at argc.
    klib::Vec<u8> table;
    TRY(push_u64(table, argv.size()));
    for (usize i = 0; i < argv.size(); ++i) {
        TRY(push_u64(table, strings_base + offsets[i]));
    }
    TRY(push_u64(table, 0));
    for (usize i = 0; i < envp.size(); ++i) {
        TRY(push_u64(table, strings_base + offsets[argv.size() + i]));
    }
    TRY(push_u64(table, 0));
    const u64 execfn = argv.size() > 0 ? strings_base + offsets[0] : 0;
    if (info.vdso != 0) { // first, as Linux orders it
        TRY(push_u64(table, AT_SYSINFO_EHDR));
        TRY(push_u64(table, info.vdso));
    }
    const klib::Array<u64, 32> aux = {
        AT_PHDR,   info.phdr, AT_PHENT,  56,        AT_PHNUM, info.phnum, AT_PAGESZ,
        4096,      AT_BASE,   info.base, AT_FLAGS,  0,        AT_ENTRY,   info.entry,
        AT_UID,    0,         AT_EUID,   0,         AT_GID,   0,          AT_EGID,
        0,         AT_CLKTCK, 100,       AT_SECURE, 0,        AT_RANDOM,  strings_base,
        AT_EXECFN, execfn,    AT_NULL,   0};
    for (usize i = 0; i < aux.size(); ++i) {
        TRY(push_u64(table, aux[i]));
    }
    const u64 sp = (strings_base - table.size()) & ~u64(15);
    // As Linux, arguments and environment may use a quarter of the stack.
    if (sp < STACK_TOP - STACK_SIZE / 4) {
        return klib::Err(klib::Error::Overflow);
    }
    TRY(space.write_bytes(strings_base, strings.span().span()));
    TRY(space.write_bytes(sp, table.span().span()));
    return sp;
}

} // namespace services::process

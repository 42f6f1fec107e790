#include "stack.h"

#include <keel/time.h>
#include <keel/user.h>
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
constexpr u64 AT_PLATFORM = 15;
constexpr u64 AT_HWCAP = 16;
constexpr u64 AT_CLKTCK = 17;
constexpr u64 AT_SECURE = 23;
constexpr u64 AT_RANDOM = 25;
constexpr u64 AT_HWCAP2 = 26;
constexpr u64 AT_EXECFN = 31;
constexpr u64 AT_SYSINFO_EHDR = 33;
constexpr u64 AT_MINSIGSTKSZ = 51;

constexpr u64 STK_LIM_ARGS = (8ull << 20) / 4 * 3; // _STK_LIM / 4 * 3
constexpr u64 ARG_MAX = 32 * 4096;
constexpr klib::StringView PLATFORM = "x86_64";

klib::Result<void> push_u64(klib::Vec<u8>& v, u64 x) {
    for (usize i = 0; i < 8; ++i) {
        TRY(v.try_push(u8(x >> (8 * i))));
    }
    return {};
}

klib::Result<void> push_str(klib::Vec<u8>& v, klib::StringView s) {
    for (char c : s) {
        TRY(v.try_push(u8(c)));
    }
    return v.try_push(0);
}

} // namespace

u64 arg_space_limit(u64 stack_limit) {
    u64 limit = STK_LIM_ARGS < stack_limit / 4 ? STK_LIM_ARGS : stack_limit / 4;
    return limit > ARG_MAX ? limit : ARG_MAX;
}

bool growth_past_stack_limit(u64 addr, u64 limit) {
    if (addr < STACK_TOP - STACK_SIZE || addr >= STACK_TOP) {
        return false;
    }
    const u64 page = addr & ~u64(keel::VmSpace::PAGE - 1);
    return STACK_TOP - page > limit;
}

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
                              const klib::Vec<klib::String>& envp, klib::StringView execfn,
                              const ImageInfo& info) {
    // At the top, ascending: argv strings, envp strings, the file name,
    // and 8 zero bytes (Linux's end marker).
    klib::Vec<u8> strings;
    klib::Vec<u64> offsets; // offset of each argv/envp string in `strings`
    for (usize list = 0; list < 2; ++list) {
        const klib::Vec<klib::String>& src = list == 0 ? argv : envp;
        for (usize i = 0; i < src.size(); ++i) {
            TRY(offsets.try_push(strings.size()));
            TRY(push_str(strings, src[i].view()));
        }
    }
    const u64 execfn_off = strings.size();
    TRY(push_str(strings, execfn));
    // execve checked the RLIMIT_STACK bound (arg_space_limit); this one is
    // the most any limit allows, which the stack area always holds.
    const u64 limit = arg_space_limit(~u64(0)); // RLIM_INFINITY
    const u64 ptrs = (u64(argv.size() > 0 ? argv.size() : 1) + envp.size()) * 8;
    if (limit <= ptrs || strings.size() > limit - ptrs) {
        return klib::Err(klib::Error::Overflow); // E2BIG
    }
    TRY(push_u64(strings, 0));
    const u64 strings_base = STACK_TOP - strings.size();

    // Below, 16-byte aligned: the platform string, then 16 random bytes.
    const u64 platform = (strings_base & ~u64(15)) - (PLATFORM.size() + 1);
    const u64 random = platform - 16;
    klib::Vec<u8> low;
    u64 seed = keel::monotonic_ns() * 0x9e3779b97f4a7c15ull + 1;
    for (usize i = 0; i < 16; ++i) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        TRY(low.try_push(u8(seed)));
    }
    TRY(push_str(low, PLATFORM));

    // Then argc, argv, envp, auxv, 16-byte aligned at argc.
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
    if (info.vdso != 0) { // first, as Linux orders it
        TRY(push_u64(table, AT_SYSINFO_EHDR));
        TRY(push_u64(table, info.vdso));
    }
    const klib::Array<u64, 40> aux = {
        AT_MINSIGSTKSZ, MIN_SIGSTKSZ, AT_HWCAP,  keel::user_hwcap(), AT_PAGESZ, mm::PAGE,
        AT_CLKTCK,      100,         AT_PHDR,   info.phdr,          AT_PHENT,  56,
        AT_PHNUM,       info.phnum,  AT_BASE,   info.base,          AT_FLAGS,  0,
        AT_ENTRY,       info.entry,  AT_UID,    info.uid,           AT_EUID,   info.uid,
        AT_GID,         info.gid,    AT_EGID,   info.gid,           AT_SECURE, 0,
        AT_RANDOM,      random,      AT_HWCAP2, 0,                  AT_EXECFN, strings_base + execfn_off,
        AT_PLATFORM,    platform,    AT_NULL,   0};
    for (usize i = 0; i < aux.size(); ++i) {
        TRY(push_u64(table, aux[i]));
    }
    const u64 sp = (random - table.size()) & ~u64(15);
    TRY(space.write_bytes(strings_base, strings.span().span()));
    TRY(space.write_bytes(random, low.span().span()));
    TRY(space.write_bytes(sp, table.span().span()));
    return sp;
}

} // namespace services::process

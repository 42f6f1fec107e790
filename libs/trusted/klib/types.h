// klib/types.h - fixed-width integer types for freestanding code.
//
// Built from compiler-predefined macros so that no libc header is needed in
// kernel builds. The names are also exported to the global namespace because
// every kernel file uses them.
#pragma once


namespace klib {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using i8 = __INT8_TYPE__;
using i16 = __INT16_TYPE__;
using i32 = __INT32_TYPE__;
using i64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using isize = __PTRDIFF_TYPE__;
using uptr = __UINTPTR_TYPE__;
using nullptr_t = decltype(nullptr);

static_assert(sizeof(u8) == 1 && sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8);
static_assert(sizeof(usize) == sizeof(uptr));

} // namespace klib

// Global aliases (not nullptr_t: the hosted libc already declares ::nullptr_t).
using klib::i16;
using klib::i32;
using klib::i64;
using klib::i8;
using klib::isize;
using klib::u16;
using klib::u32;
using klib::u64;
using klib::u8;
using klib::uptr;
using klib::usize;

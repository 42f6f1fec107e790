// An open file description (Linux's struct file): what an fd refers to,
// shared by dup'd fds, with the file offset and the status flags.
#pragma once

#include "inode.h"
#include <keel/sync/spinlock.h>
#include <klib/types.h>

namespace services::fs {

// open(2) flags (Linux x86-64).
constexpr u32 O_ACCMODE = 03;
constexpr u32 O_RDONLY = 00;
constexpr u32 O_WRONLY = 01;
constexpr u32 O_RDWR = 02;
constexpr u32 O_CREAT = 0100;
constexpr u32 O_EXCL = 0200;
constexpr u32 O_NOCTTY = 0400;
constexpr u32 O_TRUNC = 01000;
constexpr u32 O_APPEND = 02000;
constexpr u32 O_NONBLOCK = 04000;
constexpr u32 O_DIRECTORY = 0200000;
constexpr u32 O_NOFOLLOW = 0400000;
constexpr u32 O_CLOEXEC = 02000000;
constexpr u32 O_PATH = 010000000;
constexpr u32 O_TMPFILE = 020000000;
constexpr u32 O_LARGEFILE = 0100000; // reported by F_GETFL on 64-bit, like Linux

// What is behind a description: the console, a built-in character device,
// or an inode of the RamFs.
enum class FileKind : u8 { Console, Null, Zero, Inode };

class OpenFile {
public:
    OpenFile(FileKind kind, Ino ino, u32 flags) : kind_(kind), ino_(ino), state_(State{0, flags}) {}

    FileKind kind() const { return kind_; }
    Ino ino() const { return ino_; }

    u64 offset() const {
        return state_.with([](State& s) { return s.offset; });
    }
    void set_offset(u64 off) const {
        state_.with([off](State& s) { s.offset = off; });
    }
    // The open flags F_GETFL reports (access mode and status flags).
    u32 flags() const {
        return state_.with([](State& s) { return s.flags; });
    }
    // F_SETFL: only O_APPEND and O_NONBLOCK change.
    void set_status_flags(u32 flags) const {
        constexpr u32 settable = O_APPEND | O_NONBLOCK;
        state_.with([flags](State& s) { s.flags = (s.flags & ~settable) | (flags & settable); });
    }

    bool is_path_only() const { return (flags() & O_PATH) != 0; }
    bool readable() const {
        const u32 f = flags();
        return (f & O_PATH) == 0 && ((f & O_ACCMODE) == O_RDONLY || (f & O_ACCMODE) == O_RDWR);
    }
    bool writable() const {
        const u32 f = flags();
        return (f & O_PATH) == 0 && ((f & O_ACCMODE) == O_WRONLY || (f & O_ACCMODE) == O_RDWR);
    }

private:
    struct State {
        u64 offset{};
        u32 flags{};
    };
    FileKind kind_;
    Ino ino_;
    keel::SpinLock<State> state_;
};

} // namespace services::fs

// services/initramfs/cpio.h - reader of newc cpio archives ("070701" and
// "070702" with checksums), the initramfs format, and of whole initramfs
// images as Linux accepts them: several archives, zero padding between
// them, each possibly gzip-compressed.
//
// Robust against hostile input: every malformed or truncated archive is an
// error Result, never a trap. Errors:
//   OutOfRange       the archive ends inside a header, name or data
//   InvalidArgument  bad magic, non-hex field, bad name (no NUL, interior
//                    NUL, too long), misaligned header, junk between archives
//   IoError          070702 checksum mismatch
//   Unsupported      an archive compressed with something other than gzip
//   NoSpace          the unpacked data would exceed the caller's bound
//   NoMemory         allocation failed
// plus the gzip errors (gzip.h) for compressed archives.
//
// Entries refer to their archive by offsets: the data of `e` is
// `archive.subspan(e.data_offset, e.data_size)` (always in bounds for an
// entry returned by this reader). Names are compared after dropping leading
// "/" and "./" components on both sides ("./bin/sh", "/bin/sh" and
// "bin/sh" are the same path).
#pragma once

#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::initramfs {

constexpr usize kNewcHeaderSize = 110;
constexpr usize kMaxNameSize = 4096; // PATH_MAX, NUL included

// File type bits of `mode` (as in Linux's stat.h).
constexpr u32 kModeTypeMask = 0170000;
constexpr u32 kModeRegular = 0100000;
constexpr u32 kModeDirectory = 0040000;
constexpr u32 kModeSymlink = 0120000;
constexpr u32 kModeCharDev = 0020000;
constexpr u32 kModeBlockDev = 0060000;
constexpr u32 kModeFifo = 0010000;
constexpr u32 kModeSocket = 0140000;

// The header fields of one entry.
struct Meta {
    u32 ino = 0;
    u32 mode = 0;
    u32 uid = 0;
    u32 gid = 0;
    u32 nlink = 0;
    u32 mtime = 0;
    u32 file_size = 0;
    u32 dev_major = 0;
    u32 dev_minor = 0;
    u32 rdev_major = 0;
    u32 rdev_minor = 0;
    u32 check = 0;
};

// One entry of an archive, located by offsets into the archive buffer.
struct Entry {
    Meta meta;
    usize header_offset = 0;
    usize name_offset = 0; // name bytes, without the NUL
    usize name_size = 0;
    usize data_offset = 0; // data bytes, 4-byte aligned
    usize data_size = 0;
    usize next_offset = 0; // next header (aligned; at most archive.size())
};

// Parses and validates the header at `offset` (4-byte aligned) of
// `archive`, including its name and data bounds and the 070702 checksum.
klib::Result<Entry> parse_entry(klib::Span<const u8> archive, usize offset);

// True when `e` is the end-of-archive marker "TRAILER!!!".
bool is_trailer(klib::Span<const u8> archive, const Entry& e);

// True when the name of `e` is `path` (see the note on leading "/", "./").
bool name_equals(klib::Span<const u8> archive, const Entry& e, klib::StringView path);

using Visitor = klib::FunctionRef<klib::Result<void>(klib::Span<const u8> archive, const Entry&)>;

// Visits the entries of the archive starting at `offset` up to its trailer
// (not visited); a visitor error stops the walk and is returned. Returns the
// offset just past the trailer.
klib::Result<usize> for_each(klib::Span<const u8> archive, usize offset, Visitor visit);

// Visits every entry of a sequence of uncompressed archives separated or
// followed by zero padding (each archive starts 4-byte aligned).
klib::Result<void> for_each_all(klib::Span<const u8> archives, Visitor visit);

// The entry named `path` in a sequence of uncompressed archives (the last
// one if several have that name, as later entries replace earlier ones in
// Linux); none when absent or when the archive is malformed.
klib::Optional<Entry> find(klib::Span<const u8> archives, klib::StringView path);

// An unpacked entry that owns its name and data.
struct File {
    Meta meta;
    klib::String name;
    klib::Vec<u8> data;
};

constexpr usize kDefaultMaxUnpack = 64u << 20;

// Unpacks a whole initramfs image: archives (uncompressed, 4-byte aligned,
// or gzip members), separated or followed by zero bytes, in order. The
// decompressed size of each gzip member and the total size of the file
// data kept are each bounded by `max_bytes` (NoSpace otherwise). Hard links
// are not resolved: entries come back as stored (data with the last link).
klib::Result<klib::Vec<File>> unpack_all(klib::Span<const u8> image,
                                         usize max_bytes = kDefaultMaxUnpack);

// Appends entry `e` of `archive` to `files` as a File, counting its data
// in `kept` (NoSpace beyond `max_bytes`, NoMemory).
klib::Result<void> copy_file(klib::Span<const u8> archive, const Entry& e, klib::Vec<File>& files,
                             usize& kept, usize max_bytes);

// What Linux's unpack_to_rootfs makes of an image: the entries up to the
// first damage, and the message it reports for that damage (empty when
// the image is whole). Messages as Linux's: "invalid magic at start of
// compressed archive" (junk between archives), "junk within compressed
// archive", "junk at the end of compressed archive" (a gzip member whose
// archive has no trailer), "broken padding", "no cpio magic", "incorrect
// cpio method used: use -H newc option", "bad data checksum",
// "decompressor failed", "compression method ... not configured". An
// uncompressed archive that just ends (no trailer, or inside an entry)
// keeps the complete entries and reports nothing, as Linux. Errors: only
// NoSpace (beyond `max_bytes`) and NoMemory.
enum class Damage : u8 {
    None,
    InvalidMagic,       // invalid magic at start of compressed archive
    JunkWithin,         // junk within compressed archive
    JunkAtEnd,          // junk at the end of compressed archive
    BrokenPadding,      // broken padding
    NoCpioMagic,        // no cpio magic
    OldCpio,            // incorrect cpio method used: use -H newc option
    BadChecksum,        // bad data checksum
    DecompressorFailed, // decompressor failed
    NoBzip2,            // compression method bzip2 not configured (and so on)
    NoLzma,
    NoXz,
    NoLzo,
    NoLz4,
    NoZstd,
};
// Appends Linux's message for `d` (nothing for None) to `out`. NoMemory.
klib::Result<void> damage_message(Damage d, klib::String& out);

struct Unpacked {
    klib::Vec<File> files;
    Damage failure = Damage::None;
};
klib::Result<Unpacked> unpack_image(klib::Span<const u8> image, usize max_bytes = kDefaultMaxUnpack);

// Index in `files` of the last file named `path`, or none.
klib::Optional<usize> find(const klib::Vec<File>& files, klib::StringView path);

} // namespace services::initramfs

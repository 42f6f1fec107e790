// services/initramfs/gzip.h - DEFLATE (RFC 1951) and gzip (RFC 1952)
// decompression of untrusted images (the initramfs).
//
// Robust against hostile input: every malformed, truncated or oversized
// stream is an error Result, never a trap. Errors:
//   OutOfRange       the input ends early (truncated stream)
//   InvalidArgument  malformed data (bad magic, bad Huffman code, distance
//                    too far back, bad stored-block length, trailing junk)
//   Unsupported      compression method other than deflate, reserved flags
//   IoError          CRC32, header CRC16 or ISIZE mismatch
//   NoSpace          the output would exceed `max_out` bytes
//   NoMemory         the output Vec could not grow
#pragma once

#include <klib/result.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::initramfs {

// CRC-32 (ISO-HDLC, the gzip/zlib/PNG one) of `data`, continuing from a
// previous result `crc` (0 to start).
u32 crc32(klib::Span<const u8> data, u32 crc = 0);

// True when `in` starts with the gzip magic (1f 8b).
bool is_gzip(klib::Span<const u8> in);

// Inflates one raw DEFLATE stream at the start of `in`, appending to `out`.
// Back-references may only reach bytes appended by this call. `out.size()`
// may never exceed `max_out`. Returns the number of input bytes consumed
// (the stream's last byte included).
klib::Result<usize> inflate(klib::Span<const u8> in, klib::Vec<u8>& out, usize max_out);

// Decompresses the one gzip member at the start of `in` (header with any of
// FEXTRA/FNAME/FCOMMENT/FHCRC, deflate data, CRC32 and ISIZE, all
// verified), appending to `out` (total size <= `max_out`). Returns the
// number of input bytes the member occupies.
klib::Result<usize> gunzip_member(klib::Span<const u8> in, klib::Vec<u8>& out, usize max_out);

// Decompresses a gzip file: one or more members, which may be separated or
// followed by zero bytes (padding, as Linux accepts in an initramfs); any
// other trailing byte is InvalidArgument. The result is at most `max_out`
// bytes (NoSpace otherwise).
klib::Result<klib::Vec<u8>> gunzip(klib::Span<const u8> in, usize max_out);

} // namespace services::initramfs

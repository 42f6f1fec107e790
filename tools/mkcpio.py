#!/usr/bin/env python3
"""Writes a gzip-compressed newc cpio archive from a directory tree plus
device nodes given on the command line, without needing root (mknod):
    mkcpio.py OUT.cpio.gz ROOTDIR [dev/NAME:c:MAJOR:MINOR ...]
Directories named in a node's path are created in the archive if missing."""
import gzip
import os
import stat
import sys


def header(ino, mode, size, name, rmaj=0, rmin=0, nlink=1):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    h = b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
    return h + b"\0" * (-len(h) % 4)


def main():
    out, root, nodes = sys.argv[1], sys.argv[2], sys.argv[3:]
    entries = []  # (name, mode, data, rmaj, rmin)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            entries.append((rel, stat.S_IFDIR | 0o755, b"", 0, 0))
        for f in sorted(filenames):
            path = os.path.join(dirpath, f)
            name = os.path.normpath(os.path.join(rel, f))
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                entries.append((name, stat.S_IFLNK | 0o777, os.readlink(path).encode(), 0, 0))
            else:
                with open(path, "rb") as fh:
                    entries.append((name, stat.S_IFREG | (st.st_mode & 0o777), fh.read(), 0, 0))
    have = {e[0] for e in entries}
    for spec in nodes:
        name, kind, major, minor = spec.split(":")
        parts = name.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in have:
                entries.append((d, stat.S_IFDIR | 0o755, b"", 0, 0))
                have.add(d)
        mode = (stat.S_IFCHR if kind == "c" else stat.S_IFBLK) | 0o666
        entries.append((name, mode, b"", int(major), int(minor)))
    entries.sort(key=lambda e: e[0])
    blob = bytearray()
    for ino, (name, mode, data, rmaj, rmin) in enumerate(entries, 1):
        blob += header(ino, mode, len(data), name, rmaj, rmin, 2 if stat.S_ISDIR(mode) else 1)
        blob += data + b"\0" * (-len(data) % 4)
    blob += header(0, 0, 0, "TRAILER!!!")
    with open(out, "wb") as fh:
        fh.write(gzip.compress(bytes(blob), 9, mtime=0))


main()

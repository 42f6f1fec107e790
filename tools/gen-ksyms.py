#!/usr/bin/env python3
"""Builds the kernel's embedded symbol table (.ksyms) from `llvm-nm` output.

Usage: gen-ksyms.py NM ELF OUT.S

Layout (matches framework/debug/backtrace.cpp):
  u64 magic "KELSYMS1", u64 count,
  count x {u64 addr, u32 name_off, u32 name_len} sorted by addr,
  string table (demangled names, not NUL-terminated).
"""
import subprocess
import sys

nm, elf, out = sys.argv[1:4]
lines = subprocess.run([nm, "-n", "--defined-only", "-C", elf], check=True,
                       capture_output=True, text=True).stdout.splitlines()
syms = []
for line in lines:
    parts = line.split(" ", 2)
    if len(parts) < 3 or parts[1] not in ("t", "T", "W", "w"):
        continue
    addr = int(parts[0], 16)
    name = parts[2]
    if addr < 0xffffffff80000000:
        continue  # boot code at physical addresses
    syms.append((addr, name))
seen = set()
uniq = []
for a, n in syms:
    if a in seen:
        continue
    seen.add(a)
    uniq.append((a, n))
strtab = bytearray()
entries = []
for a, n in uniq:
    b = n.encode()
    entries.append((a, len(strtab), len(b)))
    strtab += b
with open(out, "w") as f:
    f.write('    .section .ksyms, "a"\n    .p2align 3\n')
    f.write("    .quad 0x31534d59534c454b\n    .quad %d\n" % len(entries))
    for a, off, ln in entries:
        f.write("    .quad 0x%x\n    .long %d, %d\n" % (a, off, ln))
    for i in range(0, len(strtab), 64):
        chunk = strtab[i:i + 64]
        f.write("    .byte " + ",".join(str(c) for c in chunk) + "\n")

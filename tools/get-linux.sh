#!/usr/bin/env bash
# Fetches Debian's own Linux kernel (the linux-image-amd64 dependency) into
# build/linux/vmlinuz, for running the user-space tests on Linux too.
# Prints the path. Cached: does nothing when the file exists.
set -euo pipefail
out=${1:-build/linux}
if [ -f "$out/vmlinuz" ]; then
    echo "$out/vmlinuz"
    exit 0
fi
mkdir -p "$out"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$pkg" ]; then
    apt-get update -q >/dev/null
    pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1)
dpkg -x "$tmp"/*.deb "$tmp/x"
cp "$tmp"/x/boot/vmlinuz-* "$out/vmlinuz"
echo "$pkg" >"$out/version"
echo "$out/vmlinuz"

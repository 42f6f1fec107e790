#!/usr/bin/env bash
# Installs every Debian package the build, `make run` and `make test` need.
# Idempotent: does nothing (and needs no network) when all are present.
set -euo pipefail
PKGS=(clang-19 lld-19 llvm-19 llvm-19-dev libclang-19-dev clang-format-19
      qemu-system-x86 grub-pc-bin grub-common xorriso mtools
      libgtest-dev googletest libclang-rt-19-dev python3 make gdb
      musl-tools cpio busybox-static gnuplot-nox
      gcc libc6-dev binutils libc-bin)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

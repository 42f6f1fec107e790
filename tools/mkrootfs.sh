#!/usr/bin/env bash
# The initramfs of `make run`: Debian's busybox-static with every applet
# linked at its usual path (`busybox --list-full`), /etc/passwd, /etc/group,
# /etc/profile (a prompt), and /init -> busybox init, whose /etc/inittab
# runs /etc/init.d/rcS (mounts proc, sysfs, devtmpfs) and then a login
# shell on the console through cttyhack (setsid + TIOCSCTTY on the real
# terminal), so the shell has job control. The same image boots on Linux.
# Usage: mkrootfs.sh OUT.cpio.gz
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkrootfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root}
chmod 1777 "$root/tmp"
cp "$bb" "$root/bin/busybox"
"$bb" --list-full | while read -r path; do
    [ "$path" = bin/busybox ] && continue
    mkdir -p "$root/$(dirname "$path")"
    # relative links: bin/x -> busybox, usr/sbin/x -> ../../bin/busybox
    up=$(dirname "$path" | sed -E 's#[^/]+#..#g')
    ln -sf "$up/bin/busybox" "$root/$path"
done
ln -sf bin/busybox "$root/init"
cp -a "$here/rootfs/." "$root/"
# Deterministic archive: owned by root, dated 2000-01-01.
find "$root" -exec touch -h -d @946684800 {} +
(cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet | gzip -9) >"$out"

#!/usr/bin/env bash
# Boots the kernel under each machine configuration the foundation promises
# and checks the console output and QEMU's exit status.
#   exit 0  = ACPI power-off (normal end of `make run` without services)
#   exit 37 = panic under isa-debug-exit (expected for the bad-input cases)
set -uo pipefail
cd "$(dirname "$0")/.."
kernel=build/keel.elf
# ktest configurations boot the test image (the product image has no tests).
test_kernel=build/keel-test.elf
iso=build/keel.iso
outdir=build/boot-matrix
mkdir -p "$outdir"
pass=0
fail=0

# run NAME EXPECTED_STATUS EXPECTED_TEXT QEMU_ARGS...
run() {
    local name=$1 want_status=$2 want_text=$3
    shift 3
    local log=$outdir/$name.log
    local start end
    start=$(date +%s%N)
    timeout --foreground 120 qemu-system-x86_64 -accel tcg -nographic -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$log" 2>&1
    local status=$?
    end=$(date +%s%N)
    local ms=$(((end - start) / 1000000))
    if [ "$status" -eq "$want_status" ] && grep -aq -- "$want_text" "$log"; then
        echo "boot $name ... ok (${ms} ms)"
        pass=$((pass + 1))
    else
        echo "boot $name ... FAILED (status $status, want $want_status; text \"$want_text\")"
        tail -n 15 "$log" | sed 's/^/    /'
        fail=$((fail + 1))
    fi
}

banner="Keel 0.1 (framekernel) booted"
pvh() { echo -kernel "$kernel" -append "console=ttyS0 $1"; }
run pvh-q35-512M 0 "$banner" -machine q35 -m 512M $(pvh "")
run pvh-pc-512M 0 "$banner" -machine pc -m 512M $(pvh "")
run pvh-q35-128M 0 "$banner" -machine q35 -m 128M $(pvh "")
run pvh-q35-4G 0 "$banner" -machine q35 -m 4G $(pvh "")
run pvh-q35-smp2 0 "cpus:   2" -machine q35 -m 512M -smp 2 $(pvh "")
run pvh-q35-32M 0 "$banner" -machine q35 -m 32M $(pvh "")
# -cpu max: SMEP, SMAP and UMIP are present and get enabled.
run pvh-q35-cpu-max 0 "smep smap umip" -machine q35 -m 256M -cpu max $(pvh "")
# A 4100-byte command line: truncated with a warning, boot continues.
long=$(head -c 4100 /dev/zero | tr '\0' 'x')
run pvh-cmdline-4100 0 "command line longer than 4095 bytes; truncated" -machine q35 -m 256M \
    -kernel "$kernel" -append "console=ttyS0 $long"
# 5000 bytes: QEMU's PVH loader itself overwrites the start info with the
# command line; the kernel says so and stops cleanly.
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
run pvh-cmdline-5000 37 "the command line is too long for the boot loader" -machine q35 -m 256M \
    -kernel "$kernel" -append "console=ttyS0 $long"
# An initrd is found and reported.
printf 'keel-initrd-test-payload' >"$outdir/initrd.bin"
run pvh-initrd 0 "initrd: 24 bytes" -machine q35 -m 256M $(pvh "") -initrd "$outdir/initrd.bin"
# The direct map (RAM only, no device window, RAM above 4 GiB) on other
# memory maps than the ktest default (q35, 512 MiB).
run ktest-directmap-q35-4G 33 "ktest: 5 passed, 0 failed" -machine q35 -m 4G \
    -kernel "$test_kernel" -append "console=ttyS0 ktest=direct_map_*"
run ktest-directmap-pc-3G 33 "ktest: 5 passed, 0 failed" -machine pc -m 3G \
    -kernel "$test_kernel" -append "console=ttyS0 ktest=direct_map_*"
# Devices: at boot the driver table binds virtio-blk (ECAM on q35, ports
# 0xcf8/0xcfc on pc), interrupts by MSI-X; the driver reads and writes on pc
# too.
python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for n in range(2048):
        f.write(("KEEL-SECTOR-%06d" % n).encode().ljust(512, b"\0"))
' "$outdir/disk.img"
disk="-drive file=$outdir/disk.img,format=raw,if=none,id=d0 -device virtio-blk-pci,drive=d0"
run pvh-q35-virtio-blk 0 "virtio-blk, 2048 sectors, MSI-X" -machine q35 -m 256M $(pvh "") $disk
run pvh-pc-virtio-blk 0 "virtio-blk, 2048 sectors, MSI-X" -machine pc -m 256M $(pvh "") $disk
run ktest-virtio-pc 33 "ktest: 2 passed, 0 failed" -machine pc -m 256M \
    -kernel "$test_kernel" -append "console=ttyS0 ktest=virtio_blk_*" $disk
# With an IOMMU (VT-d, 39- and 48-bit tables; virtio honouring it): devices
# reach only DMA handles' memory; the stray-DMA red-team test sees the write
# blocked, and the driver still works.
iommu="-device intel-iommu -global virtio-blk-pci.iommu_platform=on -global virtio-blk-pci.disable-legacy=on"
run ktest-iommu-redteam 33 "stray device write landed: false" -machine q35 -m 256M $iommu \
    -kernel "$test_kernel" -append "console=ttyS0 ktest=redteam_io_device_*" $disk
run ktest-iommu48-virtio 33 "ktest: 2 passed, 0 failed" -machine q35 -m 256M \
    ${iommu/intel-iommu/intel-iommu,aw-bits=48} \
    -kernel "$test_kernel" -append "console=ttyS0 ktest=virtio_blk_*" $disk
# Too little memory: a clear message and a clean stop (panic exit status).
run pvh-16M 37 "Keel needs at least" -machine q35 -m 16M $(pvh "")
if [ -f "$iso" ]; then
    run iso-q35-512M 0 "$banner" -machine q35 -m 512M -cdrom "$iso"
    run iso-pc-128M 0 "$banner" -machine pc -m 128M -cdrom "$iso"
fi
echo "boot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

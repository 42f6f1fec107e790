# Keel: a framekernel in C++. See README.md.
#   make run     build and boot Keel in QEMU (serial console on this terminal)
#   make test    host tests + safety checks + ktests; ends with "N passed, N failed, N skipped"
#   make ktest / iso / gdb / host-test / check-safety / tcb / deps / bench / bench-linux

.DEFAULT_GOAL := all
SHELL := /bin/bash
BUILD ?= build

include mk/toolchain.mk
include mk/kernel.mk
include mk/vdso.mk
-include mk/host.mk
-include mk/safety.mk
include mk/user.mk

QEMU_MACHINE ?= q35
QEMU_MEM ?= 512M
QEMU_SMP ?= 1
QEMU_ACCEL := -accel tcg
QEMU_COMMON = $(QEMU) -machine $(QEMU_MACHINE) $(QEMU_ACCEL) -m $(QEMU_MEM) -smp $(QEMU_SMP) \
	-nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
CMDLINE ?= console=ttyS0

.PHONY: all deps run ktest test iso gdb clean
# keel.elf is the product image (no tests); keel-test.elf adds the ktests,
# benchmarks and their data (mk/kernel.mk).
all: deps $(BUILD)/keel.elf $(BUILD)/keel-test.elf

deps:
	@bash tools/install-deps.sh

run: all $(BUILD)/initramfs.cpio.gz
	$(QEMU_COMMON) -kernel $(BUILD)/keel.elf -initrd $(BUILD)/initramfs.cpio.gz -append "$(CMDLINE)"; \
	  s=$$?; [ $$s -eq 0 ] || [ $$s -eq 33 ] || { echo "qemu exited with $$s"; exit $$s; }

# KTEST=<glob> selects tests.
KTEST ?=
ktest: all
	bash tests/run-ktests.sh $(BUILD)/keel-test.elf "$(KTEST)"

iso: deps $(BUILD)/keel.iso

gdb: all
	@echo "QEMU waits for gdb on :1234; in another terminal: gdb -x tools/gdbinit"
	$(QEMU_COMMON) -kernel $(BUILD)/keel.elf -append "$(CMDLINE)" -s -S

test: deps
	bash tests/run-all.sh

clean:
	rm -rf $(BUILD)

# Benchmarks: the safe subset's cost (service flags vs framework flags vs raw
# pointers), measured in one boot. BENCH=<glob> selects.
BENCH ?=
.PHONY: bench
bench: all
	bash tests/run-bench.sh $(BUILD)/keel-test.elf "$(BENCH)"

# Keel against Debian's Linux: the lmbench-style suite (tests/bench/) booted
# alternately on both in the same QEMU; table of ratios, build/bench/*.json.
# BOOTS=<n> boots per kernel; NAME=<label> names the JSON (e.g. before/after).
BOOTS ?= 3
NAME ?= bench-linux
.PHONY: bench-linux bench-chart
bench-linux: all
	bash tests/run-bench-linux.sh --boots $(BOOTS) --name $(NAME)
# The bar chart in docs/performance.md from bench-linux JSON files:
# CHART="LABEL=FILE.json ..." (default: the last make bench-linux).
CHART ?= Keel/Linux=$(BUILD)/bench/bench-linux.json
bench-chart:
	bash tools/bench-chart.sh docs/bench-linux.svg $(CHART)

# User-space programs (static musl) and the initramfs that carries them.
USER_CC := musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -fno-stack-protector
USER_PROGS := $(patsubst tests/user/%.c,$(BUILD)/user/%,$(wildcard tests/user/*.c))

$(BUILD)/user/%: tests/user/%.c $(wildcard tests/user/*.h)
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

# Programs linked against the host's (Debian's) C libraries, for exec tests
# (tests/run-user.sh's `host:` directive copies them with their
# interpreter and libraries): each tests/user/host/NAME.c becomes
# NAME.glibc (dynamic PIE, ld-linux-x86-64.so.2 and libc.so.6),
# NAME.static-pie (glibc, static-pie: ET_DYN without PT_INTERP) and
# NAME.musl (dynamic, musl's /lib/ld-musl-x86_64.so.1).
HOST_CFLAGS := -O2 -Wall -Wextra -Werror
HOST_SRCS := $(wildcard tests/user/host/*.c)
HOST_PROGS := $(foreach v,glibc static-pie musl,$(patsubst tests/user/host/%.c,$(BUILD)/user-host/%.$(v),$(HOST_SRCS)))

$(BUILD)/user-host/%.glibc: tests/user/host/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc $(HOST_CFLAGS) -o $@ $<

$(BUILD)/user-host/%.static-pie: tests/user/host/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@gcc $(HOST_CFLAGS) -static-pie -o $@ $<

$(BUILD)/user-host/%.musl: tests/user/host/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@musl-gcc $(HOST_CFLAGS) -o $@ $<

# The initramfs of `make run`: busybox-static, all applets, busybox init
# and a login shell with job control on the console (tools/mkrootfs.sh).
$(BUILD)/initramfs.cpio.gz: tools/mkrootfs.sh $(wildcard tools/rootfs/etc/* tools/rootfs/etc/*/*) mk/user.mk
	@mkdir -p $(@D)
	bash tools/mkrootfs.sh $@

.PHONY: initramfs
initramfs: $(BUILD)/initramfs.cpio.gz $(USER_PROGS) $(HOST_PROGS)

# The lmbench-style suite run on Keel and Linux (tests/run-bench-linux.sh).
$(BUILD)/bench/lmbench: tests/bench/lmbench.c mk/user.mk
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

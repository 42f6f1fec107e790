# User-space programs (static musl) and the initramfs that carries them.
USER_CC := musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -fno-stack-protector
USER_PROGS := $(patsubst tests/user/%.c,$(BUILD)/user/%,$(wildcard tests/user/*.c))

$(BUILD)/user/%: tests/user/%.c $(wildcard tests/user/*.h)
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

# The initramfs of `make run`: busybox-static, all applets, busybox init
# and a login shell with job control on the console (tools/mkrootfs.sh).
$(BUILD)/initramfs.cpio.gz: tools/mkrootfs.sh $(wildcard tools/rootfs/etc/* tools/rootfs/etc/*/*) mk/user.mk
	@mkdir -p $(@D)
	bash tools/mkrootfs.sh $@

.PHONY: initramfs
initramfs: $(BUILD)/initramfs.cpio.gz $(USER_PROGS)

# The lmbench-style suite run on Keel and Linux (tests/run-bench-linux.sh).
$(BUILD)/bench/lmbench: tests/bench/lmbench.c mk/user.mk
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

# User-space programs (static musl) and the initramfs that carries them.
USER_CC := musl-gcc
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -fno-stack-protector
USER_PROGS := $(patsubst tests/user/%.c,$(BUILD)/user/%,$(wildcard tests/user/*.c))

$(BUILD)/user/%: tests/user/%.c $(wildcard tests/user/*.h)
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

# newc cpio, gzip-compressed like Linux's initramfs: /init is the hello test.
$(BUILD)/initramfs.cpio.gz: $(USER_PROGS) mk/user.mk
	@rm -rf $(BUILD)/initramfs && mkdir -p $(BUILD)/initramfs/bin
	cp $(BUILD)/user/hello $(BUILD)/initramfs/init
	cd $(BUILD)/initramfs && find . | sort | cpio -o -H newc --quiet | gzip -9 > ../initramfs.cpio.gz

.PHONY: initramfs
initramfs: $(BUILD)/initramfs.cpio.gz

# The lmbench-style suite run on Keel and Linux (tests/run-bench-linux.sh).
$(BUILD)/bench/lmbench: tests/bench/lmbench.c mk/user.mk
	@mkdir -p $(@D)
	@echo "  USERCC $<"
	@$(USER_CC) $(USER_CFLAGS) -o $@ $<

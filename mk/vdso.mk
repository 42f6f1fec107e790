# The vDSO (services/vdso/vdso.c): user-mode code, linked as a small shared
# object and carried in the kernel as a byte array
# (services/vdso/vdso_image.h, generated, not committed; included by
# services/vdso/vdso.cpp, and checked like every service header).
VDSO_CFLAGS := --target=x86_64-linux-gnu -O2 -fPIC -ffreestanding -fno-stack-protector \
    -fno-builtin -mno-red-zone -fno-asynchronous-unwind-tables -Wall -Wextra -Werror
VDSO_LDFLAGS := -shared -nostdlib --hash-style=sysv -z noexecstack --no-undefined \
    -soname=linux-vdso.so.1 --build-id=none

$(BUILD)/vdso/vdso.so: services/vdso/vdso.c services/vdso/vdso.lds services/vdso/vdso.ver mk/vdso.mk
	@mkdir -p $(@D)
	@echo "  VDSO  $<"
	@$(CC) $(VDSO_CFLAGS) -c $< -o $(BUILD)/vdso/vdso.o
	@$(LD) $(VDSO_LDFLAGS) -T services/vdso/vdso.lds --version-script=services/vdso/vdso.ver \
		-o $@ $(BUILD)/vdso/vdso.o

services/vdso/vdso_image.h: $(BUILD)/vdso/vdso.so
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); \
print("// Generated from " + sys.argv[1] + " by mk/vdso.mk.\n#pragma once\n#include <klib/array.h>\n" \
"namespace services::vdso {\ninline constexpr klib::Array<u8, %d> IMAGE_BYTES = {" % len(d) + \
",".join(str(b) for b in d) + "};\n}")' $< > $@

$(BUILD)/obj/services/vdso/vdso.o: services/vdso/vdso_image.h
check-safety: services/vdso/vdso_image.h

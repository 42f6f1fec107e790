# The one place where compilers and flags are set.
#
# Three kinds of translation unit:
#   framework  - the TCB: framework/**.cpp, framework/**.S, libs/trusted (header-only)
#   service    - services/**.cpp and libs/safe: the safe subset, compiled with the
#                safety plugin and the mandatory runtime checks (SERVICE_CXXFLAGS)
#   host       - host unit tests (GoogleTest, ASan+UBSan), see mk/host.mk

LLVM_BIN  ?= /usr/lib/llvm-19/bin
CXX       := $(LLVM_BIN)/clang++
CC        := $(LLVM_BIN)/clang
LD        := $(LLVM_BIN)/ld.lld
OBJCOPY   := $(LLVM_BIN)/llvm-objcopy
NM        := $(LLVM_BIN)/llvm-nm
READELF   := $(LLVM_BIN)/llvm-readelf
QEMU      ?= qemu-system-x86_64

BUILD     ?= build

# Include paths. Services see only the public framework API and libs.
PUBLIC_INCLUDES   := -Iframework/include -Ilibs/trusted -Ilibs/safe
FRAMEWORK_INCLUDES := $(PUBLIC_INCLUDES) -Iframework

# Stack clash: kernel stacks are 32 KiB with one unmapped 4 KiB guard page
# below. No frame may be larger than the guard (so even an unprobed frame
# touches it: every frame starts with `push %rbp`, frame pointers being
# on), and frames that allocate more than a page are probed page by page
# anyway, so an overflow always faults on the guard instead of writing into
# the memory below it. Mandatory for services (checked by KS-FLAGS).
# The driver drops -fstack-clash-protection for OS-less targets (it only
# forwards it for Linux/FreeBSD), so it is given to cc1 directly; the x86
# backend's inline probes do not depend on the OS.
KERNEL_FRAME_LIMIT := 4096
KERNEL_STACK_FLAGS := -Xclang=-fstack-clash-protection \
    -Wframe-larger-than=$(KERNEL_FRAME_LIMIT) -Werror=frame-larger-than

# Flags every kernel TU gets (framework and services).
KERNEL_BASE_FLAGS := --target=x86_64-unknown-none-elf -std=c++23 \
    -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
    -nostdinc -nostdinc++ -nostdlib -fno-builtin \
    -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
    -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
    -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-3dnow -mno-80387 \
    -fno-asynchronous-unwind-tables -fno-unwind-tables \
    -fstack-protector-strong -mstack-protector-guard=global $(KERNEL_STACK_FLAGS) \
    -fno-strict-aliasing -fno-delete-null-pointer-checks \
    -O2 -g -Wall -Wextra -Werror -Wthread-safety -Wno-unused-parameter \
    -MMD -MP

FRAMEWORK_CXXFLAGS := $(KERNEL_BASE_FLAGS) $(FRAMEWORK_INCLUDES) -DKEEL_FRAMEWORK=1
FRAMEWORK_ASFLAGS  := --target=x86_64-unknown-none-elf -Iframework -MMD -MP -g

# Service flags: see docs/safety-profile.md for why each is mandatory.
SAFETY_PLUGIN := $(BUILD)/tools/keel-safety.so
SERVICE_MANDATORY_FLAGS := \
    -fplugin=$(SAFETY_PLUGIN) \
    -Werror=unsafe-buffer-usage -Werror=vla \
    -fsanitize=undefined,local-bounds -fsanitize-trap=all \
    -ftrivial-auto-var-init=zero -fstrict-flex-arrays=3 -fno-finite-loops
SERVICE_CXXFLAGS := $(KERNEL_BASE_FLAGS) $(PUBLIC_INCLUDES) -DKEEL_SERVICE=1 \
    $(SERVICE_MANDATORY_FLAGS) -include keel/service_prelude.h

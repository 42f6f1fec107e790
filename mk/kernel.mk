# Kernel images: framework (TCB) + services (checked), each linked twice so
# the second link embeds its own symbol table (.ksyms, last in the image).

FRAMEWORK_CPP := $(shell find framework -name '*.cpp' | sort)
FRAMEWORK_ASM := $(shell find framework -name '*.S' | sort)
SERVICE_CPP   := $(shell find services -name '*.cpp' 2>/dev/null | sort)

# Two images from the same objects: build/keel.elf, the product (what `make
# run` boots), and build/keel-test.elf, which adds the test code: every
# *_ktest.cpp, services/selftest/, services/bench/ and framework/bench/ (test
# data headers are included only by those). The rule is by name, so a new
# ktest file lands in the test image without Makefile edits.
is_test = $(filter %_ktest.cpp services/selftest/% services/bench/% framework/bench/%,$(1))
FRAMEWORK_TEST_CPP := $(call is_test,$(FRAMEWORK_CPP))
SERVICE_TEST_CPP   := $(call is_test,$(SERVICE_CPP))

FRAMEWORK_ALL_OBJS := $(FRAMEWORK_CPP:%.cpp=$(BUILD)/obj/%.o) $(FRAMEWORK_ASM:%.S=$(BUILD)/obj/%.o)
FRAMEWORK_OBJS := $(filter-out $(FRAMEWORK_TEST_CPP:%.cpp=$(BUILD)/obj/%.o),$(FRAMEWORK_ALL_OBJS))
SERVICE_ALL_OBJS := $(SERVICE_CPP:%.cpp=$(BUILD)/obj/%.o)
SERVICE_OBJS   := $(filter-out $(SERVICE_TEST_CPP:%.cpp=$(BUILD)/obj/%.o),$(SERVICE_ALL_OBJS))
LINKER_SCRIPT  := framework/arch/x86_64/linker.ld

# Build gate (docs/safety-profile.md, KS-WEAKEN): a framework object that
# includes a services/ header is refused and deleted.
$(BUILD)/obj/framework/%.o: framework/%.cpp mk/toolchain.mk tools/safety/framework-deps.sh
	@mkdir -p $(@D)
	@echo "  CXX   $<"
	@$(CXX) $(FRAMEWORK_CXXFLAGS) -c $< -o $@
	@tools/safety/framework-deps.sh . $(@:.o=.d) $@

$(BUILD)/obj/framework/%.o: framework/%.S mk/toolchain.mk
	@mkdir -p $(@D)
	@echo "  AS    $<"
	@$(CC) $(FRAMEWORK_ASFLAGS) -c $< -o $@

# Services: always with the safety plugin and the mandatory flags.
$(BUILD)/obj/services/%.o: services/%.cpp $(SAFETY_PLUGIN) mk/toolchain.mk
	@mkdir -p $(@D)
	@echo "  CXX/S $<"
	@$(CXX) $(SERVICE_CXXFLAGS) -c $< -o $@

# The framework as one partially linked object with its internals local
# (framework-test.o: with the framework's own ktests and benchmarks, which
# reach framework internals).
$(BUILD)/framework.o: $(FRAMEWORK_OBJS) tools/localize-framework.sh mk/kernel.mk
	$(LD) -r -o $(BUILD)/framework.all.o $(FRAMEWORK_OBJS)
	tools/localize-framework.sh $(NM) $(OBJCOPY) $(BUILD)/framework.all.o $@

$(BUILD)/framework-test.o: $(FRAMEWORK_ALL_OBJS) tools/localize-framework.sh mk/kernel.mk
	$(LD) -r -o $(BUILD)/framework-test.all.o $(FRAMEWORK_ALL_OBJS)
	tools/localize-framework.sh $(NM) $(OBJCOPY) $(BUILD)/framework-test.all.o $@

KERNEL_LDFLAGS := -T $(LINKER_SCRIPT) -nostdlib -static -z max-page-size=4096 --no-relax

# $(call kernel_image,NAME,FRAMEWORK_OBJECT,SERVICE_OBJECTS): NAME.elf linked
# twice so the second image embeds its own symbol table (.ksyms, last).
define kernel_image
$(BUILD)/$(1).pass1.elf: $(2) $(3) $(LINKER_SCRIPT) mk/kernel.mk
	$$(if $(3),$$(SAFETY_VERIFY_OBJECTS) --check-undefined $(3))
	$$(LD) $$(KERNEL_LDFLAGS) -o $$@ $(2) $(3)

$(BUILD)/$(1).ksyms.S: $(BUILD)/$(1).pass1.elf tools/gen-ksyms.py
	python3 tools/gen-ksyms.py $$(NM) $$< $$@

$(BUILD)/$(1).ksyms.o: $(BUILD)/$(1).ksyms.S
	$$(CC) --target=x86_64-unknown-none-elf -c $$< -o $$@

$(BUILD)/$(1).elf: $(BUILD)/$(1).pass1.elf $(BUILD)/$(1).ksyms.o
	$$(LD) $$(KERNEL_LDFLAGS) -o $$@ $(2) $(3) $(BUILD)/$(1).ksyms.o
	@# The symbol table must not have moved any code: compare text symbols.
	@cmp -s <($$(NM) -n $(BUILD)/$(1).pass1.elf | grep -i ' t ') <($$(NM) -n $$@ | grep -i ' t ') \
		|| { echo "$(1).elf: code moved between link passes" >&2; rm -f $$@; exit 1; }
	@echo "built $$@: $$$$(stat -c %s $$@) bytes file, $$$$($$(LLVM_BIN)/llvm-size $$@ | awk 'NR==2{print $$$$4}') bytes loaded"
endef

$(eval $(call kernel_image,keel,$(BUILD)/framework.o,$(SERVICE_OBJS)))
$(eval $(call kernel_image,keel-test,$(BUILD)/framework-test.o,$(SERVICE_ALL_OBJS)))

-include $(FRAMEWORK_ALL_OBJS:.o=.d) $(SERVICE_ALL_OBJS:.o=.d)

# ---- ISO (GRUB multiboot2) ----
$(BUILD)/keel.iso: $(BUILD)/keel.elf
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $< $(BUILD)/iso/boot/keel.elf
	printf 'set timeout=0\nset default=0\nserial --unit=0 --speed=115200\nterminal_output serial console\nmenuentry "Keel" {\n  multiboot2 /boot/keel.elf console=ttyS0 $(CMDLINE_EXTRA)\n  boot\n}\n' > $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

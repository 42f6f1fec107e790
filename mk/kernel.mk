# Kernel image: framework (TCB) + services (checked), linked twice so the
# second image embeds its own symbol table (.ksyms, last in the image).

FRAMEWORK_CPP := $(shell find framework -name '*.cpp' | sort)
FRAMEWORK_ASM := $(shell find framework -name '*.S' | sort)
SERVICE_CPP   := $(shell find services -name '*.cpp' 2>/dev/null | sort)

FRAMEWORK_OBJS := $(FRAMEWORK_CPP:%.cpp=$(BUILD)/obj/%.o) $(FRAMEWORK_ASM:%.S=$(BUILD)/obj/%.o)
SERVICE_OBJS   := $(SERVICE_CPP:%.cpp=$(BUILD)/obj/%.o)
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

# The framework as one partially linked object with its internals local.
$(BUILD)/framework.o: $(FRAMEWORK_OBJS) tools/localize-framework.sh
	$(LD) -r -o $(BUILD)/framework.all.o $(FRAMEWORK_OBJS)
	tools/localize-framework.sh $(NM) $(OBJCOPY) $(BUILD)/framework.all.o $@

KERNEL_LDFLAGS := -T $(LINKER_SCRIPT) -nostdlib -static -z max-page-size=4096 --no-relax

$(BUILD)/keel.pass1.elf: $(BUILD)/framework.o $(SERVICE_OBJS) $(LINKER_SCRIPT)
	$(if $(SERVICE_OBJS),$(SAFETY_VERIFY_OBJECTS) --check-undefined $(SERVICE_OBJS))
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(BUILD)/framework.o $(SERVICE_OBJS)

$(BUILD)/ksyms.S: $(BUILD)/keel.pass1.elf tools/gen-ksyms.py
	python3 tools/gen-ksyms.py $(NM) $< $@

$(BUILD)/ksyms.o: $(BUILD)/ksyms.S
	$(CC) --target=x86_64-unknown-none-elf -c $< -o $@

$(BUILD)/keel.elf: $(BUILD)/keel.pass1.elf $(BUILD)/ksyms.o
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(BUILD)/framework.o $(SERVICE_OBJS) $(BUILD)/ksyms.o
	@# The symbol table must not have moved any code: compare text symbols.
	@cmp -s <($(NM) -n $(BUILD)/keel.pass1.elf | grep -i ' t ') <($(NM) -n $@ | grep -i ' t ') \
		|| { echo "keel.elf: code moved between link passes" >&2; rm -f $@; exit 1; }
	@echo "built $@: $$(stat -c %s $@) bytes file, $$($(LLVM_BIN)/llvm-size $@ | awk 'NR==2{print $$4}') bytes loaded"

-include $(FRAMEWORK_OBJS:.o=.d) $(SERVICE_OBJS:.o=.d)

# ---- ISO (GRUB multiboot2) ----
$(BUILD)/keel.iso: $(BUILD)/keel.elf
	@mkdir -p $(BUILD)/iso/boot/grub
	cp $< $(BUILD)/iso/boot/keel.elf
	printf 'set timeout=0\nset default=0\nserial --unit=0 --speed=115200\nterminal_output serial console\nmenuentry "Keel" {\n  multiboot2 /boot/keel.elf console=ttyS0 $(CMDLINE_EXTRA)\n  boot\n}\n' > $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

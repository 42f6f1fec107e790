# Safety checker: the clang plugin that enforces docs/safety-profile.md on
# services/ and libs/safe/, its corpus, and the TCB size report.
#
# Included by the top-level Makefile after mk/toolchain.mk (needs BUILD, CXX,
# SAFETY_PLUGIN, SERVICE_CXXFLAGS).
#
#   make check-safety   build the plugin, run the reject/accept corpus and
#                       check every file in services/ and libs/safe/
#   make tcb            lines of code in the trusted base vs. the safe part
#   make print-service-flags   the exact service flags (used by tools/safe-cxx)
#
# Kernel link: services objects must carry the .keel.checked marker emitted by
# keel/service_prelude.h (only present when the plugin ran):
#   $(SAFETY_VERIFY_OBJECTS) $(SERVICE_OBJS)
# or, to also refuse references to non-public framework symbols:
#   $(SAFETY_VERIFY_OBJECTS) --check-undefined $(SERVICE_OBJS)

LLVM_CONFIG ?= $(LLVM_BIN)/llvm-config
SAFETY_SRCS := $(wildcard tools/safety/*.cpp)
SAFETY_OBJS := $(patsubst tools/safety/%.cpp,$(BUILD)/tools/safety/%.o,$(SAFETY_SRCS))
# The repository root is compiled into the plugin: the trusted directories
# cannot be moved by a command-line argument.
SAFETY_ROOT := $(realpath .)
SAFETY_PLUGIN_CXXFLAGS = $(shell $(LLVM_CONFIG) --cxxflags) -fPIC -O1 -g0 \
    -Wall -Wno-unused-parameter -DKEEL_SAFETY_ROOT='"$(SAFETY_ROOT)"' -MMD -MP
SAFETY_PLUGIN_LIBS = $(shell $(LLVM_CONFIG) --libdir)/libclang-cpp.so.19.1 \
    $(shell $(LLVM_CONFIG) --ldflags) -lLLVM-19
SAFETY_VERIFY_OBJECTS := tools/safety/verify-objects.sh

$(BUILD)/tools/safety/%.o: tools/safety/%.cpp mk/safety.mk
	@mkdir -p $(dir $@)
	$(CXX) $(SAFETY_PLUGIN_CXXFLAGS) -c $< -o $@

$(SAFETY_PLUGIN): $(SAFETY_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) -shared -o $@ $^ $(SAFETY_PLUGIN_LIBS)

-include $(SAFETY_OBJS:.o=.d)

.PHONY: safety-plugin check-safety tcb print-service-flags print-kernel-flags

safety-plugin: $(SAFETY_PLUGIN)

check-safety: $(SAFETY_PLUGIN)
	@BUILD=$(BUILD) KEEL_PLUGIN=$(abspath $(SAFETY_PLUGIN)) tools/safety/run-corpus.sh

tcb:
	@tools/tcb-report.sh

# One place of truth for tools/safe-cxx and the corpus runner.
print-service-flags:
	@echo $(SERVICE_CXXFLAGS)

print-kernel-flags:
	@echo $(KERNEL_BASE_FLAGS) $(PUBLIC_INCLUDES)

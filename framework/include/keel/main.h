// The services' entry point.
//
// Services name their entry function exactly once, at namespace scope:
//
//   KEEL_SERVICES_ENTRY(services::init::start)
//
// The framework calls it on the boot CPU, with interrupts on and every
// framework subsystem up, unless the command line asks for ktests
// (`ktest[=glob]`). When it returns, the framework powers the machine off.
// (A macro rather than a declaration to define: services may not define
// functions the framework declares — that is how internals would be
// redeclared — so the one definition is spelled here.)
#pragma once
#include <klib/annotations.h>

KLIB_TRUSTED_BEGIN

namespace services {
void kernel_main();
} // namespace services

#define KEEL_SERVICES_ENTRY(fn)                                                                    \
    void services::kernel_main() {                                                                 \
        fn();                                                                                      \
    }

KLIB_TRUSTED_END

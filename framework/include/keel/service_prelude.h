// keel/service_prelude.h - force-included into every services translation
// unit (-include keel/service_prelude.h in SERVICE_CXXFLAGS, mk/toolchain.mk).
//
// 1. Refuses to compile service code without the safety plugin: the plugin
//    predefines KEEL_SAFETY_PLUGIN_ACTIVE, nothing else may (the plugin
//    refuses it on the command line and in checked code).
// 2. Marks the object file: the kernel link runs tools/safety/verify-objects.sh,
//    which refuses any services object without a .keel.checked section.
#pragma once

#if !defined(KEEL_SAFETY_PLUGIN_ACTIVE)
#error "services must be compiled with the Keel safety plugin (see mk/toolchain.mk)"
#endif

#if defined(KEEL_FRAMEWORK)
#error "keel/service_prelude.h is for services translation units only"
#endif

// SAFETY: a constant byte string in its own section; never read by code.
[[gnu::used, gnu::section(".keel.checked")]] static const char keel_checked_marker[] =
    "keel-safety";

// Keel safety plugin: entry point, source zones, diagnostics, flag checks.
//
// Loaded into every services compile with -fplugin=keel-safety.so (see
// mk/toolchain.mk). It runs before the main action (AddBeforeMainAction), so
// code generation still happens, and any violation is a hard error.
//
// Plugin arguments (-fplugin-arg-keel-safety-<arg>):
//   main-file-checked   treat the main file as checked even when it lives in
//                       a trusted directory (used by tools/safe-cxx to audit
//                       any file). Only ever makes the checker stricter.
// The repository root is fixed when the plugin is built (KEEL_SAFETY_ROOT):
// no command-line argument can move the trusted directories.
#include "checker.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/DiagnosticFrontend.h"
#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/Sanitizers.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#ifndef KEEL_SAFETY_ROOT
#error "build the plugin with -DKEEL_SAFETY_ROOT=\"<absolute repository path>\" (mk/safety.mk)"
#endif

using namespace clang;

namespace keel_safety {

namespace {
std::string real_path(StringRef p) {
    llvm::SmallString<256> out;
    if (llvm::sys::fs::real_path(p, out))
        return p.str();
    return std::string(out.str());
}

bool under(StringRef path, StringRef dir) {
    return path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/';
}
} // namespace

Checker::Checker(CompilerInstance& ci, std::string root, bool main_file_checked)
    : ci_(ci), root_(std::move(root)), main_file_checked_(main_file_checked) {
    diag_id_ = ci_.getDiagnostics().getCustomDiagID(DiagnosticsEngine::Error, "[%0] %1");
}

Zone Checker::zone_of_path(StringRef p) const {
    if (under(p, root_ + "/framework") || under(p, root_ + "/libs/trusted"))
        return Zone::Trusted;
    return Zone::Checked;
}

bool Checker::includable(StringRef p) const {
    return under(p, root_ + "/framework/include/keel") || under(p, root_ + "/libs/trusted/klib") ||
           under(p, root_ + "/libs/safe") || under(p, root_ + "/services");
}

Zone Checker::zone_of_file(FileID fid) {
    auto it = file_zone_.find(fid);
    if (it != file_zone_.end())
        return it->second;
    Zone z = Zone::Build;
    if (OptionalFileEntryRef fe = sm().getFileEntryRefForID(fid)) {
        StringRef canon = sm().getFileManager().getCanonicalName(*fe);
        z = zone_of_path(real_path(canon));
        if (main_file_checked_ && fid == sm().getMainFileID())
            z = Zone::Checked;
    }
    file_zone_[fid] = z;
    return z;
}

Zone Checker::zone(SourceLocation loc) {
    for (unsigned depth = 0; depth < 256 && loc.isValid(); ++depth) {
        SourceLocation spell = sm().getSpellingLoc(loc);
        FileID fid = sm().getFileID(spell);
        if (sm().getFileEntryRefForID(fid))
            return zone_of_file(fid);
        // Scratch space (token pasting, stringizing, _Pragma) or the built-in
        // buffer: attribute the token to the expansion that produced it.
        if (!loc.isMacroID())
            return Zone::Build;
        loc = sm().getImmediateExpansionRange(loc).getBegin();
    }
    return Zone::Build;
}

std::string Checker::real_path_of(SourceLocation loc) {
    FileID fid = sm().getFileID(sm().getSpellingLoc(loc));
    if (OptionalFileEntryRef fe = sm().getFileEntryRefForID(fid))
        return real_path(sm().getFileManager().getCanonicalName(*fe));
    return "";
}

bool Checker::in_safe_lib(SourceLocation loc) {
    return under(real_path_of(loc), root_ + "/libs/safe");
}

void Checker::report(SourceLocation loc, StringRef rule, const llvm::Twine& msg) {
    std::string text = msg.str();
    unsigned h = static_cast<unsigned>(llvm::hash_combine(rule, text));
    if (!reported_.insert({loc.getRawEncoding(), h}).second)
        return;
    ++errors_;
    // For a macro expansion point at the spelling (that is where the
    // offending text is written), clang adds the expansion notes itself.
    ci_.getDiagnostics().Report(loc, diag_id_) << rule << text;
}

// KS-FLAGS, stack part (issue 11, class 6: stack clash). Kernel stacks have
// one 4 KiB guard page below them: a frame larger than that, written from
// its lowest bytes, would skip the guard and write into whatever lies below
// (another task's stack) without a fault. Required: probing of large frames
// (-fstack-clash-protection), no frame above the guard size as an error
// (-Wframe-larger-than=4096 -Werror=frame-larger-than; services cannot
// allocate dynamically on the stack: KS-STACK), no red zone (an interrupt
// taken in the kernel pushes its frame right below %rsp), and frame
// pointers (every frame touches its top first with `push %rbp`).
constexpr unsigned kGuardPageSize = 4096;

template <typename Missing>
void check_stack_flags(Checker& c, Missing& missing) {
    CompilerInstance& ci = c.ci();
    const CodeGenOptions& cg = ci.getCodeGenOpts();
    if (!cg.StackClashProtector)
        missing("-fstack-clash-protection");
    if (cg.WarnStackSize > kGuardPageSize)
        missing("-Wframe-larger-than=N with N <= 4096 (the guard page)");
    DiagnosticsEngine& d = ci.getDiagnostics();
    if (d.getDiagnosticLevel(diag::warn_fe_backend_frame_larger_than, SourceLocation()) <
            DiagnosticsEngine::Error ||
        d.getDiagnosticLevel(diag::warn_fe_frame_larger_than, SourceLocation()) <
            DiagnosticsEngine::Error)
        missing("-Werror=frame-larger-than");
    if (!cg.DisableRedZone)
        missing("-mno-red-zone");
    if (cg.getFramePointer() != CodeGenOptions::FramePointerKind::All)
        missing("-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer");
}

// KS-FLAGS, loop part (finding 09): C++ lets the optimiser assume that a
// loop without side effects terminates (mustprogress), so a service's
// "halt here forever" loop can be deleted and execution falls through into
// code the loop was guarding. -fno-finite-loops keeps every loop.
template <typename Missing>
void check_loop_flags(Checker& c, Missing& missing) {
    if (c.ci().getCodeGenOpts().getFiniteLoops() != CodeGenOptions::FiniteLoopsKind::Never)
        missing("-fno-finite-loops");
}

// KS-FLAGS: the mandatory service flags must be in effect for this TU.
void check_flags(Checker& c) {
    CompilerInstance& ci = c.ci();
    const LangOptions& lo = ci.getLangOpts();
    const CodeGenOptions& cg = ci.getCodeGenOpts();
    SourceLocation at = c.sm().getLocForStartOfFile(c.sm().getMainFileID());
    auto missing = [&](const Twine& what) {
        c.report(at, "KS-FLAGS",
                 "mandatory service flag missing or overridden: " + what +
                     " (see SERVICE_MANDATORY_FLAGS in mk/toolchain.mk)");
    };

    struct San {
        SanitizerMask mask;
        const char* name;
    };
    const San required[] = {
        {SanitizerKind::Alignment, "alignment"},
        {SanitizerKind::ArrayBounds, "array-bounds"},
        {SanitizerKind::LocalBounds, "local-bounds"},
        {SanitizerKind::Bool, "bool"},
        {SanitizerKind::Builtin, "builtin"},
        {SanitizerKind::Enum, "enum"},
        {SanitizerKind::FloatCastOverflow, "float-cast-overflow"},
        {SanitizerKind::IntegerDivideByZero, "integer-divide-by-zero"},
        {SanitizerKind::NonnullAttribute, "nonnull-attribute"},
        {SanitizerKind::Null, "null"},
        {SanitizerKind::ObjectSize, "object-size"},
        {SanitizerKind::PointerOverflow, "pointer-overflow"},
        {SanitizerKind::Return, "return"},
        {SanitizerKind::ReturnsNonnullAttribute, "returns-nonnull-attribute"},
        {SanitizerKind::ShiftBase, "shift-base"},
        {SanitizerKind::ShiftExponent, "shift-exponent"},
        {SanitizerKind::SignedIntegerOverflow, "signed-integer-overflow"},
        {SanitizerKind::Unreachable, "unreachable"},
        {SanitizerKind::VLABound, "vla-bound"},
    };
    for (const San& s : required) {
        if (!lo.Sanitize.has(s.mask))
            missing(Twine("-fsanitize=") + s.name);
        else if (!cg.SanitizeTrap.has(s.mask))
            missing(Twine("-fsanitize-trap=") + s.name);
    }
    if (lo.getTrivialAutoVarInit() != LangOptions::TrivialAutoVarInitKind::Zero)
        missing("-ftrivial-auto-var-init=zero");
    if (lo.getStrictFlexArraysLevel() != LangOptions::StrictFlexArraysLevelKind::IncompleteOnly)
        missing("-fstrict-flex-arrays=3");
    if (!cg.RelaxedAliasing)
        missing("-fno-strict-aliasing");
    if (!cg.NullPointerIsValid)
        missing("-fno-delete-null-pointer-checks");
    if (lo.getStackProtector() < LangOptions::SSPStrong)
        missing("-fstack-protector-strong");
    check_stack_flags(c, missing);
    check_loop_flags(c, missing);
    if (!lo.CPlusPlus23)
        missing("-std=c++23 (range-for temporary lifetime extension, P2718)");
    if (lo.MicrosoftExt || lo.MSVCCompat || lo.Borland)
        missing("no -fms-extensions/-fms-compatibility/-fborland-extensions");
    if (ci.getDiagnosticOpts().VerifyDiagnostics)
        missing("no -verify");

    // Warnings that must be errors, as configured on the command line
    // (services cannot change them: pragmas are refused).
    DiagnosticsEngine& d = ci.getDiagnostics();
    struct W {
        unsigned id;
        const char* flag;
    };
    const W errors[] = {
        {diag::warn_unsafe_buffer_operation, "-Werror=unsafe-buffer-usage"},
        {diag::warn_unsafe_buffer_variable, "-Werror=unsafe-buffer-usage"},
        {diag::warn_vla_used, "-Werror=vla"},
        {diag::warn_variable_requires_lock, "-Werror -Wthread-safety"},
        {diag::warn_ret_stack_addr_ref, "-Werror (-Wreturn-stack-address)"},
    };
    for (const W& w : errors)
        if (d.getDiagnosticLevel(w.id, SourceLocation()) < DiagnosticsEngine::Error)
            missing(w.flag);

    const PreprocessorOptions& ppo = ci.getPreprocessorOpts();
    bool prelude = false;
    for (const std::string& inc : ppo.Includes)
        if (StringRef(inc).ends_with("keel/service_prelude.h"))
            prelude = true;
    if (!prelude)
        missing("-include keel/service_prelude.h");
    for (const auto& m : ppo.Macros)
        if (!m.second && (StringRef(m.first).starts_with("KEEL_FRAMEWORK") ||
                          StringRef(m.first).starts_with("KEEL_SAFETY_PLUGIN_ACTIVE")))
            missing("-D" + m.first + " is reserved to the framework/plugin");
}

namespace {

class Consumer : public ASTConsumer {
public:
    Consumer(std::unique_ptr<Checker> c) : checker_(std::move(c)) {
        inner_ = make_ast_checker(*checker_);
    }
    void Initialize(ASTContext& ctx) override { inner_->Initialize(ctx); }
    void HandleTranslationUnit(ASTContext& ctx) override {
        check_flags(*checker_);
        inner_->HandleTranslationUnit(ctx);
        check_polymorphism(*checker_, ctx);
        check_deep_const(*checker_, ctx);
        check_init_order(*checker_, ctx);
    }

private:
    std::unique_ptr<Checker> checker_;
    std::unique_ptr<ASTConsumer> inner_;
};

class Action : public PluginASTAction {
protected:
    std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance& ci, StringRef) override {
        Preprocessor& pp = ci.getPreprocessor();
        // Lets keel/service_prelude.h refuse compiles without the plugin.
        // Prepended: -include'd headers are part of the predefines too.
        pp.setPredefines("#define KEEL_SAFETY_PLUGIN_ACTIVE 1\n" + pp.getPredefines());
        auto checker = std::make_unique<Checker>(ci, real_path(KEEL_SAFETY_ROOT), main_checked_);
        install_preprocessor_checks(*checker, pp);
        return std::make_unique<Consumer>(std::move(checker));
    }

    bool ParseArgs(const CompilerInstance& ci, const std::vector<std::string>& args) override {
        for (const std::string& a : args) {
            if (a == "main-file-checked") {
                main_checked_ = true;
            } else {
                DiagnosticsEngine& d = ci.getDiagnostics();
                d.Report(d.getCustomDiagID(DiagnosticsEngine::Error,
                                           "[KS-FLAGS] unknown keel-safety plugin argument '%0'"))
                    << a;
                return false;
            }
        }
        return true;
    }

    ActionType getActionType() override { return AddBeforeMainAction; }

private:
    bool main_checked_ = false;
};

} // namespace
} // namespace keel_safety

static clang::FrontendPluginRegistry::Add<keel_safety::Action>
    registration("keel-safety", "Keel safe-subset checker (docs/safety-profile.md)");

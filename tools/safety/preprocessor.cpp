// Preprocessor rules: KS-INCLUDE (public headers only) and the directive and
// comment parts of KS-WEAKEN (no pragmas, no NOLINT, no #line, no macro
// hijacking of trusted code).
#include "checker.h"

#include "clang/Basic/IdentifierTable.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/Support/Regex.h"

using namespace clang;

namespace keel_safety {
namespace {

class PPChecks : public PPCallbacks, public CommentHandler {
public:
    PPChecks(Checker& c, Preprocessor& pp) : c_(c), pp_(pp) {}

    // ---- KS-INCLUDE ------------------------------------------------------
    void InclusionDirective(SourceLocation hash, const Token&, StringRef name, bool,
                            CharSourceRange, OptionalFileEntryRef file, StringRef, StringRef,
                            const Module*, bool, SrcMgr::CharacteristicKind) override {
        Zone z = c_.zone(hash);
        if (z == Zone::Trusted)
            return;
        if (!file)
            return; // clang reports the missing file itself
        std::string real = c_.sm().getFileManager().getCanonicalName(*file).str();
        llvm::SmallString<256> rp;
        if (!llvm::sys::fs::real_path(real, rp))
            real = std::string(rp.str());
        if (!c_.includable(real))
            c_.report(hash, "KS-INCLUDE",
                      "'" + name + "' resolves to '" + real +
                          "': checked code may include only framework/include/keel/, "
                          "libs/trusted/klib/, libs/safe/ and services/ headers");
    }

    void EmbedDirective(SourceLocation hash, StringRef name, bool, OptionalFileEntryRef,
                        const LexEmbedParametersResult&) override {
        if (c_.zone(hash) != Zone::Trusted)
            c_.report(hash, "KS-INCLUDE", "#embed is not allowed in checked code ('" + name + "')");
    }

    // ---- KS-WEAKEN: pragmas -----------------------------------------------
    void PragmaDirective(SourceLocation loc, PragmaIntroducerKind kind) override {
        if (!c_.checked(loc))
            return;
        if (kind == PIK_HashPragma && is_pragma_once(loc))
            return; // `#pragma once` alone on its line changes nothing
        c_.report(loc, "KS-WEAKEN",
                  "pragmas are not allowed in checked code (they can switch off checks); only a "
                  "bare '#pragma once' is accepted");
    }

    // ---- KS-WEAKEN: #line / line markers ---------------------------------
    void FileChanged(SourceLocation loc, FileChangeReason reason, SrcMgr::CharacteristicKind,
                     FileID) override {
        if (reason == RenameFile && c_.checked(loc))
            c_.report(loc, "KS-WEAKEN", "#line and line markers are not allowed in checked code");
    }

    // ---- KS-WEAKEN: NOLINT and friends in comments -----------------------
    bool HandleComment(Preprocessor&, SourceRange range) override {
        if (!c_.checked(range.getBegin()))
            return false;
        bool invalid = false;
        StringRef text = Lexer::getSourceText(CharSourceRange::getCharRange(range), c_.sm(),
                                              pp_.getLangOpts(), &invalid);
        if (invalid)
            return false;
        static const char* const banned[] = {"NOLINT", "clang-tidy", "keel-safety:", "keel_safety"};
        for (const char* b : banned)
            if (text.contains(b)) {
                c_.report(range.getBegin(), "KS-WEAKEN",
                          Twine("comment contains '") + b +
                              "': no comment can disable a check in checked code");
                break;
            }
        return false;
    }

    // ---- KS-WEAKEN: macros must not reach into trusted code --------------
    void MacroDefined(const Token& name, const MacroDirective* md) override {
        SourceLocation loc = name.getLocation();
        if (!c_.checked(loc))
            return;
        const IdentifierInfo* ii = name.getIdentifierInfo();
        StringRef n = ii->getName();
        if (ii->getTokenID() != tok::identifier || ii->isKeyword(pp_.getLangOpts()) ||
            n == "defined" || n == "__has_include") {
            c_.report(loc, "KS-WEAKEN", "checked code may not redefine the keyword '" + n + "'");
            return;
        }
        if (reserved(n)) {
            c_.report(loc, "KS-WEAKEN",
                      "macro name '" + n +
                          "' is reserved (KEEL_*, KLIB_*, __*, _Upper belong to the "
                          "framework, libraries and compiler)");
            return;
        }
        if (const MacroDirective* prev = md->getPrevious())
            if (const MacroInfo* mi = prev->getMacroInfo())
                if (!c_.checked(mi->getDefinitionLoc()))
                    c_.report(loc, "KS-WEAKEN",
                              "checked code may not redefine the trusted macro '" + n + "'");
    }

    void MacroUndefined(const Token& name, const MacroDefinition& def,
                        const MacroDirective*) override {
        SourceLocation loc = name.getLocation();
        if (!c_.checked(loc))
            return;
        if (const MacroInfo* mi = def.getMacroInfo())
            if (!c_.checked(mi->getDefinitionLoc()))
                c_.report(loc, "KS-WEAKEN",
                          "checked code may not #undef the trusted or predefined macro '" +
                              name.getIdentifierInfo()->getName() + "'");
    }

    void MacroExpands(const Token& name, const MacroDefinition& def, SourceRange,
                      const MacroArgs*) override {
        hijack(name, def);
        if (pp_.isParsingIfOrElifDirective())
            build_macro_test(name, def);
    }
    void Defined(const Token& name, const MacroDefinition& def, SourceRange) override {
        hijack(name, def);
        build_macro_test(name, def);
    }
    void Ifdef(SourceLocation, const Token& name, const MacroDefinition& def) override {
        hijack(name, def);
        build_macro_test(name, def);
    }
    void Ifndef(SourceLocation, const Token& name, const MacroDefinition& def) override {
        hijack(name, def);
        build_macro_test(name, def);
    }
    void Elifdef(SourceLocation, const Token& name, const MacroDefinition& def) override {
        hijack(name, def);
        build_macro_test(name, def);
    }
    void Elifndef(SourceLocation, const Token& name, const MacroDefinition& def) override {
        hijack(name, def);
        build_macro_test(name, def);
    }

private:
    // Build gate: checked code is compiled only as checked code, and its
    // meaning may not depend on how it is built. A conditional (#if, #elif,
    // #ifdef, #ifndef, defined()) in checked code may not test a macro that
    // belongs to the framework or the build: reserved names (KEEL_*, KLIB_*,
    // KL_*, __*, _Upper), whether defined or not (KEEL_SAFETY_PLUGIN_ACTIVE,
    // KEEL_FRAMEWORK), and any macro defined outside checked files
    // (predefines, the command line, trusted headers). Otherwise a block
    // could be hidden from every checked compile and reach the TCB through
    // a build that does not check it.
    void build_macro_test(const Token& name, const MacroDefinition& def) {
        if (!c_.checked(name.getLocation()))
            return;
        const IdentifierInfo* ii = name.getIdentifierInfo();
        if (!ii)
            return;
        StringRef n = ii->getName();
        const MacroInfo* mi = def.getMacroInfo();
        bool foreign = mi && !c_.checked(mi->getDefinitionLoc());
        if (!reserved(n) && !foreign)
            return;
        c_.report(name.getLocation(), "KS-WEAKEN",
                  "checked code may not test the framework/build macro '" + n +
                      "' in a conditional directive: checked code means the same in "
                      "every build");
    }

    // A macro defined in checked code that is used inside trusted code would
    // let a service rewrite the framework (`#define private public`,
    // `#define check_bounds(...) true`, predefining an include guard...).
    void hijack(const Token& name, const MacroDefinition& def) {
        const MacroInfo* mi = def.getMacroInfo();
        if (!mi)
            return;
        if (c_.zone(name.getLocation()) != Zone::Trusted)
            return;
        SourceLocation defloc = mi->getDefinitionLoc();
        if (!c_.checked(defloc))
            return;
        c_.report(defloc, "KS-WEAKEN",
                  "macro '" + name.getIdentifierInfo()->getName() +
                      "' defined in checked code is used inside trusted code (" +
                      name.getLocation().printToString(c_.sm()) + ")");
    }

    static bool reserved(StringRef n) {
        if (n.starts_with("__"))
            return true;
        if (n.size() >= 2 && n[0] == '_' && n[1] >= 'A' && n[1] <= 'Z')
            return true;
        return n.starts_with("KEEL_") || n.starts_with("KLIB_") || n.starts_with("KL_");
    }

    bool is_pragma_once(SourceLocation loc) {
        SourceManager& sm = c_.sm();
        if (loc.isMacroID())
            return false;
        bool invalid = false;
        StringRef buf = sm.getBufferData(sm.getFileID(loc), &invalid);
        if (invalid)
            return false;
        unsigned off = sm.getFileOffset(loc);
        size_t bol = buf.rfind('\n', off);
        bol = bol == StringRef::npos ? 0 : bol + 1;
        size_t eol = buf.find('\n', off);
        StringRef line = buf.slice(bol, eol == StringRef::npos ? buf.size() : eol);
        if (line.ends_with("\r"))
            line = line.drop_back();
        static llvm::Regex once("^[ \t]*#[ \t]*pragma[ \t]+once[ \t]*$");
        return once.match(line);
    }

    Checker& c_;
    Preprocessor& pp_;
};

} // namespace

void install_preprocessor_checks(Checker& c, Preprocessor& pp) {
    auto cb = std::make_unique<PPChecks>(c, pp);
    // The preprocessor owns the callbacks and outlives every comment.
    pp.addCommentHandler(cb.get());
    pp.addPPCallbacks(std::move(cb));
}

} // namespace keel_safety

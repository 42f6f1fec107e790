// Keel safety checker: shared state of one translation unit.
//
// The checker enforces docs/safety-profile.md on every declaration,
// statement, type and preprocessor directive whose *spelling* lies outside
// the trusted directories (framework/ and libs/trusted/ of the repository
// the plugin was built from). See plugin.cpp for the entry point.
#pragma once

#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"

#include <memory>
#include <string>

namespace keel_safety {

// Where a piece of source text comes from.
enum class Zone {
    Checked, // services/, libs/safe/, anything outside the repository
    Trusted, // framework/, libs/trusted/
    Build,   // command line, predefines, compiler-internal (no source file)
};

class Checker {
public:
    Checker(clang::CompilerInstance& ci, std::string root, bool main_file_checked);

    clang::CompilerInstance& ci() { return ci_; }
    clang::SourceManager& sm() { return ci_.getSourceManager(); }

    // Zone of the text at `loc`: the spelling location decides; text with no
    // file (scratch space, built-in buffer) is attributed to the macro
    // expansion that produced it, and to the build if there is none.
    Zone zone(clang::SourceLocation loc);
    bool checked(clang::SourceLocation loc) { return zone(loc) == Zone::Checked; }
    // Zone of a file by real path.
    Zone zone_of_path(llvm::StringRef real_path) const;
    // Real path of the file holding `loc`'s spelling ("" if none).
    std::string real_path_of(clang::SourceLocation loc);
    // True if `loc` is spelled in libs/safe/ (safe library code, which may
    // live in namespace klib).
    bool in_safe_lib(clang::SourceLocation loc);
    // True if the real path may be included from checked code.
    bool includable(llvm::StringRef real_path) const;

    // Reports `[rule] message` as an error that cannot be silenced.
    void report(clang::SourceLocation loc, llvm::StringRef rule, const llvm::Twine& msg);

    const std::string& root() const { return root_; }
    unsigned errors() const { return errors_; }

private:
    Zone zone_of_file(clang::FileID fid);

    clang::CompilerInstance& ci_;
    std::string root_;
    bool main_file_checked_;
    unsigned diag_id_ = 0;
    unsigned errors_ = 0;
    llvm::DenseMap<clang::FileID, Zone> file_zone_;
    llvm::DenseSet<std::pair<unsigned, unsigned>> reported_; // (raw loc, hash of message)
};

// The individual rule families (one file each).
std::unique_ptr<clang::ASTConsumer> make_ast_checker(Checker& checker);
void install_preprocessor_checks(Checker& checker, clang::Preprocessor& pp);
void check_flags(Checker& checker);
void check_polymorphism(Checker& checker, clang::ASTContext& ctx); // poly.cpp (KS-POLY)
void check_deep_const(Checker& checker, clang::ASTContext& ctx); // KS-CONST, deep_const.cpp
void check_init_order(Checker& checker, clang::ASTContext& ctx); // KS-INIT, init_order.cpp

} // namespace keel_safety

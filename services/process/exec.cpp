// execve: the format search (Linux's exec_binprm/search_binary_handler
// with binfmt_script and binfmt_elf) and the swap.
#include "exec.h"

#include "accounting.h"

#include "fork.h"
#include "loader.h"
#include "proc_view.h"
#include "table.h"
#include <klib/array.h>

namespace services::process {

namespace {

using fs::Errno;
constexpr usize BINPRM_BUF_SIZE = 256;

klib::Result<klib::String, Errno> string_of(klib::StringView s) {
    auto r = klib::String::from(s);
    if (r.is_err()) {
        return Errno::ENOMEM;
    }
    return r.release_value();
}

// A #! line: the interpreter and its optional (single) argument.
struct Shebang {
    klib::String name;
    klib::Optional<klib::String> arg;
};

bool spacetab(u8 c) {
    return c == ' ' || c == '\t';
}

// The first index in [first, last] whose byte is not a space/tab.
klib::Optional<usize> next_non_spacetab(const klib::Array<u8, BINPRM_BUF_SIZE + 1>& b, usize first,
                                        usize last) {
    for (usize i = first; i <= last; ++i) {
        if (!spacetab(b[i])) {
            return i;
        }
    }
    return klib::none;
}

// The first index in [first, last] whose byte is a space, tab or NUL.
klib::Optional<usize> next_terminator(const klib::Array<u8, BINPRM_BUF_SIZE + 1>& b, usize first,
                                      usize last) {
    for (usize i = first; i <= last; ++i) {
        if (spacetab(b[i]) || b[i] == 0) {
            return i;
        }
    }
    return klib::none;
}

klib::Result<klib::String, Errno> c_string_at(const klib::Array<u8, BINPRM_BUF_SIZE + 1>& b, usize at) {
    klib::String s;
    for (usize i = at; i < b.size() && b[i] != 0; ++i) {
        if (s.try_append(char(b[i])).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return s;
}

// Parses the first BINPRM_BUF_SIZE bytes of a file that starts with "#!"
// as Linux's load_script does: an interpreter path that may be truncated
// by the buffer is ENOEXEC; the argument may be truncated.
klib::Result<Shebang, Errno> parse_shebang(klib::Span<const u8> head) {
    klib::Array<u8, BINPRM_BUF_SIZE + 1> b{}; // zero padded, NUL at the end
    for (usize i = 0; i < head.size() && i < BINPRM_BUF_SIZE; ++i) {
        b[i] = head[i];
    }
    const usize buf_end = BINPRM_BUF_SIZE - 1;
    klib::Optional<usize> nl;
    for (usize i = 0; i < BINPRM_BUF_SIZE && !nl.has_value(); ++i) {
        if (b[i] == '\n') {
            nl = i;
        }
    }
    usize i_end = 0;
    if (nl.has_value()) {
        i_end = nl.value();
    } else {
        klib::Optional<usize> first = next_non_spacetab(b, 2, buf_end);
        if (!first.has_value() || !next_terminator(b, first.value(), buf_end).has_value()) {
            return Errno::ENOEXEC; // all blanks, or a truncated interpreter path
        }
        i_end = buf_end;
    }
    while (i_end > 2 && spacetab(b[i_end - 1])) {
        --i_end;
    }
    klib::Optional<usize> i_name = next_non_spacetab(b, 2, i_end);
    if (!i_name.has_value() || i_name.value() == i_end) {
        return Errno::ENOEXEC; // no interpreter name
    }
    klib::Optional<usize> i_sep = next_terminator(b, i_name.value(), i_end);
    klib::Optional<usize> i_arg;
    if (i_sep.has_value() && b[i_sep.value()] != 0) {
        i_arg = next_non_spacetab(b, i_sep.value(), i_end);
    }
    b[i_end] = 0;
    Shebang out;
    if (i_arg.has_value()) {
        b[i_sep.value()] = 0;
        out.arg = TRY(c_string_at(b, i_arg.value()));
    }
    out.name = TRY(c_string_at(b, i_name.value()));
    return out;
}

// argv for a script's interpreter: [name, arg?, script, argv[1]...].
klib::Result<void, Errno> splice_script_args(klib::Vec<klib::String>& argv, const Shebang& sb,
                                             klib::StringView script) {
    klib::Vec<klib::String> out;
    bool ok = out.try_push(TRY(string_of(sb.name.view()))).is_ok();
    if (ok && sb.arg.has_value()) {
        ok = out.try_push(TRY(string_of(sb.arg.value().view()))).is_ok();
    }
    ok = ok && out.try_push(TRY(string_of(script))).is_ok();
    for (usize i = 1; ok && i < argv.size(); ++i) {
        ok = out.try_push(klib::move(argv[i])).is_ok();
    }
    if (!ok) {
        return Errno::ENOMEM;
    }
    argv = klib::move(out);
    return {};
}

// The task name: the last component of `name`, 15 bytes at most.
klib::Array<u8, 16> comm_of(klib::StringView name) {
    usize base = 0;
    for (usize i = 0; i < name.size(); ++i) {
        if (name[i] == '/') {
            base = i + 1;
        }
    }
    klib::Array<u8, 16> comm{};
    for (usize i = 0; i < 15 && base + i < name.size(); ++i) {
        comm[i] = u8(name[base + i]);
    }
    return comm;
}

// The point of no return: nothing below can fail.
void commit(Thread& t, Loaded img, klib::Arc<mm::AddressSpace> space, klib::Arc<Files> files) {
    exec_end_other_threads(t);
    t.space = klib::move(space);
    t.files = klib::move(files);
    t.ctx = keel::UserContext();
    t.ctx.regs.rip = img.entry;
    t.ctx.regs.rsp = img.sp;
    t.clear_child_tid = 0;
    t.comm = img.comm;
    t.proc->state.with([&](ProcState& s) {
        s.brk_start = img.brk;
        s.brk_current = img.brk;
    });
    exec_reset_signals(t);
    release_vfork_parent(*t.proc); // a vfork parent runs on its own memory again
}

} // namespace

klib::Result<void, Errno> check_exec(const fs::FsContext& fs, const fs::PathNode& node) {
    const fs::Stat st = node.inode->stat();
    if (st.type() == fs::S_IFLNK) {
        return Errno::ELOOP;
    }
    if (st.type() != fs::S_IFREG || (node.mount->flags & fs::MS_NOEXEC) != 0) {
        return Errno::EACCES;
    }
    return fs::check_permission(fs, *node.inode, fs::MAY_EXEC);
}

klib::Result<klib::Arc<fs::PathNode>, Errno> open_exec(const fs::FsContext& fs,
                                                       const klib::Arc<fs::PathNode>& base,
                                                       klib::StringView path, bool follow) {
    if (path.empty()) {
        return Errno::ENOENT;
    }
    klib::Arc<fs::PathNode> node = TRY(fs::resolve(fs, base, path, follow));
    TRY(check_exec(fs, *node));
    return node;
}

klib::Result<klib::Arc<mm::PageCache>, Errno> inode_pages(klib::Arc<fs::Inode> inode) {
    return fs::pages_of(klib::move(inode));
}

// The format search: scripts hand over to their interpreter, up to
// MAX_EXEC_DEPTH levels; an ELF file ends it. `args.argv` is rewritten for
// scripts.
klib::Result<Loaded, Errno> prepare_exec(const fs::FsContext& fs, klib::Arc<fs::PathNode> file,
                                         ExecArgs& args) {
    if (args.argv.empty()) {
        // As Linux 6.1: a NULL argv gets an empty argv[0].
        if (args.argv.try_push(klib::String()).is_err()) {
            return Errno::ENOMEM;
        }
    }
    // The name a script's interpreter is given (Linux's bprm->interp).
    klib::String interp = TRY(string_of(args.filename.view()));
    klib::Arc<fs::PathNode> cur = klib::move(file);
    for (usize depth = 0;; ++depth) {
        if (depth > MAX_EXEC_DEPTH) {
            return Errno::ELOOP;
        }
        // do_open_execat's deny_write_access (a script's hold goes when
        // its interpreter's is taken).
        args.image = TRY(fs::deny_write_access(cur->inode->stat()));
        klib::Arc<mm::PageCache> pages = TRY(inode_pages(cur->inode.clone()));
        klib::Array<u8, BINPRM_BUF_SIZE> head{};
        const usize n = usize(klib::min<u64>(pages->size(), BINPRM_BUF_SIZE));
        if (read_file(*pages, 0, head.span().first(n)).is_err()) {
            return Errno::EIO;
        }
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
            const Shebang sb = TRY(parse_shebang(head.span().first(n)));
            if (args.path_inaccessible) {
                return Errno::ENOENT;
            }
            TRY(splice_script_args(args.argv, sb, interp.view()));
            interp = TRY(string_of(sb.name.view()));
            cur = TRY(open_exec(fs, fs.cwd, sb.name.view(), true));
            continue;
        }
        Loaded img = TRY(load_elf(
            pages,
            [&](klib::StringView path) -> klib::Result<klib::Arc<mm::PageCache>, Errno> {
                klib::Arc<fs::PathNode> node = TRY(open_exec(fs, fs.cwd, path, true));
                return inode_pages(node->inode.clone());
            },
            args.argv, args.envp, args.filename.view(), fs.cred));
        img.comm = comm_of(args.comm_from_file ? cur->name.view() : args.filename.view());
        return img;
    }
}

klib::Result<void, Errno> exec(Thread& t, klib::Arc<fs::PathNode> file, ExecArgs args) {
    const fs::FsContext fs = TRY(t.vfs->get());
    Loaded img = TRY(prepare_exec(fs, klib::move(file), args));
    // What the swap needs is allocated first: the new space's handle and
    // an fd table of this process's own (Linux's unshare_files), with the
    // close-on-exec fds closed.
    auto space = klib::Arc<mm::AddressSpace>::make(klib::move(img.space));
    auto files = t.files->copy();
    if (space.is_err() || files.is_err()) {
        return Errno::ENOMEM;
    }
    files.value()->close_on_exec();
    commit(t, klib::move(img), space.release_value(), files.release_value());
    hold_image(*t.proc, klib::move(args.image)); // the old image's file is writable again
    mark_execed(t.pid());                   // setpgid from the parent: EACCES now
    note_exec(t, args.filename.view());     // what /proc shows of it
    return {};
}

} // namespace services::process

// Finding 07: an Arc-owned object drops its last Arc while one of its (const)
// methods runs, without any lock. The rule book says self-drop "requires
// mutating an owner reachable from *this, i.e. going through a lock"; but the
// method can be handed a borrowing callback (FunctionRef) that reassigns the
// caller's Arc. Because the receiver is reached through Arc::operator->, the
// two-paths rule does not see `a` twice (a.get-style forms are refused).
// The method then reads its own field from the freed block.
#include <klib/arc.h>
#include <klib/function.h>

namespace services::redteam {

struct Node {
    int x = 7;
    int run(klib::FunctionRef<void()> cb) const {
        cb();     // drops the last Arc: *this is freed
        return x; // heap use-after-free (read)
    }
};

int attack(klib::Arc<Node>& a) {
    return a->run([&] { a = klib::Arc<Node>::make().value(); });
}

} // namespace services::redteam

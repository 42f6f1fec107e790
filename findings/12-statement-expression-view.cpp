// Finding 12: GNU statement expressions are accepted in checked code. Their
// value is the last expression, copied out *after* the block's locals are
// destroyed, so `({ klib::String s = ...; s.view(); })` yields a view of a
// freed String. Binding it to a named view local is refused (default-deny
// owner resolution), but passing it straight to a function, or using it as
// a range-for range, is accepted: the callee / loop reads freed memory.
#include <klib/string.h>

namespace services::redteam {

char first(klib::StringView v) {
    return v[0]; // reads the freed buffer
}

char attack_call() {
    return first(({
        klib::String s = klib::String::from("a heap string that dies inside the statement expression").value();
        s.view();
    }));
}

int attack_loop() {
    int sum = 0;
    for (char c : ({
             klib::String s = klib::String::from("another heap string, freed before the loop runs").value();
             s.view();
         })) {
        sum += c;
    }
    return sum;
}

} // namespace services::redteam

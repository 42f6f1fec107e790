#!/bin/bash
# usage: run-asan.sh CASE.cpp 'CALL'   (CALL uses svc:: functions; builds with ASan + klib hosted)
R=/work/wt/checker
case=$1; call=$2
cat > /tmp/rt/main_$$.cpp <<EOC
#include "$PWD/$case"
#include <cstdio>
int main() {
$call
  return 0;
}
EOC
/usr/lib/llvm-19/bin/clang++ -std=c++23 -DKLIB_HOSTED=1 -I$R/libs/trusted -I$R/libs/safe -I$R/tests/host -I$R/framework \
  -fsanitize=address,undefined -g -O0 -w -include cstddef /tmp/rt/main_$$.cpp $R/tests/host/support.cpp -o /tmp/rt/bin_$$ && /tmp/rt/bin_$$ 2>&1 | head -5
rm -f /tmp/rt/main_$$.cpp /tmp/rt/bin_$$

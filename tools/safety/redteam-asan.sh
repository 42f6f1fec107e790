#!/bin/bash
# usage: tools/safety/redteam-asan.sh CASE.cpp 'CALL'
# Builds a red-team case with the real klib headers (hosted) under ASan+UBSan
# and runs CALL (a statement using the case's functions) from main().
R=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); call=$2
mkdir -p /tmp/rt
cat > /tmp/rt/main_$$.cpp <<EOC
#include "$case"
#include <cstdio>
int main() {
$call
  return 0;
}
EOC
/usr/lib/llvm-19/bin/clang++ -std=c++23 -DKLIB_HOSTED=1 -I$R/libs/trusted -I$R/libs/safe -I$R/tests/host -I$R/framework/include \
  -fsanitize=address,undefined -g -O0 -w -include cstddef /tmp/rt/main_$$.cpp $R/tests/host/support.cpp -o /tmp/rt/bin_$$ && /tmp/rt/bin_$$ 2>&1 | head -8
rm -f /tmp/rt/main_$$.cpp /tmp/rt/bin_$$

#!/usr/bin/env bash
# findings/harness/run.sh NN: check findings/NN-*.cpp with tools/safe-cxx,
# then build findings/harness/NN.cpp (which #includes it) with the host
# klib flags of mk/host.mk (ASan+UBSan) and run it.
set -u
cd "$(dirname "$0")/../.." || exit 2
n=$1
src=$(ls findings/$n-*.cpp)
tools/safe-cxx "$src" && echo "safe-cxx: ACCEPTED $src"
CXX=${CXX:-/usr/lib/llvm-19/bin/clang++}
$CXX -std=c++23 -DKLIB_HOSTED=1 -Ilibs/trusted -Ilibs/safe -Itests/host -Iframework -I. \
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -g -O1 \
    findings/harness/$n.cpp tests/host/support.cpp -o /tmp/finding-$n && /tmp/finding-$n

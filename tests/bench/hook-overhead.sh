#!/bin/bash
# Benchmark, in the guest: the cost of dsamig's hooks, measured as dsamig
# measures it (dsamig bench --overhead, dsamig-bench(8) OVERHEAD): move_pages
# between nodes 0 and 1 with dsamig.ko loaded and backend=cpu against no
# module at all, in PAIRS short ABBA pairs, the migrating task's CPU time,
# the ratio with its 95% confidence interval. The goal is a ratio >= 0.98
# with an interval narrow enough to tell (under 2% wide).
#   tests/vm/run -- tests/bench/hook-overhead.sh [PAIRS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$top/build/dsamig" bench --overhead --repeats "${1:-200}"

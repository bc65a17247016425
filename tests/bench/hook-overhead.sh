#!/bin/bash
# Benchmark, in the guest: the cost of dsamig's hooks. Migration throughput
# (move_pages between nodes 0 and 1, no writers) with dsamig.ko loaded and
# backend=cpu against no module at all, alternated in one run so that both
# sides see the same machine. Prints the ratio; the goal is within 2%.
#   tests/vm/run -- tests/bench/hook-overhead.sh [PAIRS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ms=$top/build/tests/vm/tools/migstress
pairs=${1:-5}

rate() {
	"$ms" --json --writers 0 --pages 4096 --rounds 6 |
		sed -n 's/.*"pages_per_s": \([0-9]*\).*/\1/p'
}

[[ -d /sys/module/dsamig ]] && rmmod dsamig
rate >/dev/null		# warm up: first-touch and page tables
base=() hooked=()
for ((i = 0; i < pairs; i++)); do
	base+=("$(rate)")
	insmod "$top/build/kmod/$(uname -r)/dsamig.ko" backend=cpu
	hooked+=("$(rate)")
	rmmod dsamig
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
b=$(median "${base[@]}") h=$(median "${hooked[@]}")
echo "no module:          ${base[*]} pages/s (median $b)"
echo "dsamig backend=cpu: ${hooked[*]} pages/s (median $h)"
awk -v b="$b" -v h="$h" 'BEGIN { printf "hook overhead: backend=cpu / no module = %.3f (goal >= 0.98)\n", h / b }'

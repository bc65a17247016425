#!/bin/bash
# Benchmark, in the guest: pages/s of migration with each backend (dsa over
# dsasim, mt, cpu) per run size, measured side by side in one run, and the
# crossover run size where dsa overtakes cpu, against the threshold knob.
#   tests/vm/run -- tests/bench/backends.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ms=$top/build/tests/vm/tools/migstress
k=/sys/module/dsamig/parameters

rate() {
	"$ms" --json --writers 0 --pages 4096 --rounds 4 |
		sed -n 's/.*"pages_per_s": \([0-9]*\).*/\1/p'
}

# One simulated DSA device with one kernel WQ for dmaengine.
# shellcheck source=tests/vm/suites/dsasim.bash
. "$top/tests/vm/suites/dsasim.bash"
dsasim_load
dsasim_kernel_wq wq0.0 64
dsasim_enable wq0.0
insmod "$top/build/kmod/$(uname -r)/dsamig.ko" backend=dsa threshold=1
rate >/dev/null		# warm up

printf '%-10s %10s %10s %10s %9s %9s\n' run_pages dsa mt cpu dsa/cpu mt/cpu
crossover=
for size in 1 4 16 32 64 256 512; do
	echo "$size" > $k/max_batch
	declare -A r=()
	for b in dsa mt cpu; do
		echo $b > $k/backend
		r[$b]=$(rate)
	done
	awk -v s="$size" -v d="${r[dsa]}" -v m="${r[mt]}" -v c="${r[cpu]}" \
		'BEGIN { printf "%-10s %10d %10d %10d %9.2f %9.2f\n", s, d, m, c, d / c, m / c }'
	if [[ -z $crossover ]] && ((r[dsa] > r[cpu])); then
		crossover=$size
	fi
done
echo "crossover: dsa beats cpu from runs of ${crossover:-more than 512} pages; threshold knob default: 32"
echo dsa > $k/backend
rmmod dsamig

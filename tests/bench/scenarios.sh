#!/bin/bash
# Benchmark, in the guest: the paper's two scenarios, compaction of
# fragmented memory and DAMON promotion of a hot buffer, each measured by
# dsamig compact / dsamig promote without dsamig.ko, with backend=cpu and
# with backend=dsa over dsasim, side by side in one run, ROUNDS times
# (alternating), as pages/s inside migrate_pages() and ratios to the
# kernel alone.
#   tests/vm/run -- tests/bench/scenarios.sh [ROUNDS]   (default 3)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dsamig=$top/build/dsamig
memhold=$top/build/tests/vm/tools/memhold
rounds=${1:-3}

# One simulated DSA device with one kernel WQ for dmaengine.
# shellcheck source=tests/vm/suites/dsasim.bash
. "$top/tests/vm/suites/dsasim.bash"
dsasim_load
dsasim_kernel_wq wq0.0 64
dsasim_enable wq0.0

# with CONFIG: no module ("none"), or dsamig.ko with that backend
with() {
	[[ -d /sys/module/dsamig ]] && rmmod dsamig
	[[ $1 == none ]] || insmod "$top/build/kmod/$(uname -r)/dsamig.ko" backend="$1"
}

# measure ARGS -- CMD...: hold memory with memhold ARGS, run CMD (JSON out)
measure() {
	local args=() out
	while [[ $1 != -- ]]; do args+=("$1"); shift; done
	shift
	"$memhold" "${args[@]}" > /tmp/bench-memhold &
	local pid=$!
	until grep -q ready /tmp/bench-memhold; do sleep 0.2; done
	out=$("$@")
	kill -TERM "$pid"
	wait "$pid" > /dev/null || { echo "memhold found a changed page" >&2; exit 1; }
	jq -r '"\(.pages_migrated) \(.pages_per_migrate_s | floor) \(.pages_per_s | floor)"' <<<"$out"
}

declare -A compact promote
printf '%-8s %-8s %10s %14s %12s\n' scenario config pages "pages/s in mp" "pages/s run"
for ((r = 0; r < rounds; r++)); do
	for c in none cpu dsa; do
		with "$c"
		read -r pages mp run < <(measure --mb 256 --node 0 --fragment -- \
			"$dsamig" compact --node 0 --json --quiet)
		printf '%-8s %-8s %10d %14d %12d\n' compact "$c" "$pages" "$mp" "$run"
		compact[$c]+="$mp "
		read -r pages mp run < <(measure --mb 64 --node 1 --hot -- \
			"$dsamig" promote --from 1 --to 0 --duration 4s --json --quiet)
		printf '%-8s %-8s %10d %14d %12d\n' promote "$c" "$pages" "$mp" "$run"
		promote[$c]+="$mp "
	done
done
with none

# median of the rounds, then the ratios to the kernel alone
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo
printf '%-8s %12s %12s %12s %9s %9s\n' scenario none cpu dsa cpu/none dsa/none
for s in compact promote; do
	declare -n m=$s
	n=$(median "${m[none]}") c=$(median "${m[cpu]}") d=$(median "${m[dsa]}")
	awk -v s="$s" -v n="$n" -v c="$c" -v d="$d" \
		'BEGIN { printf "%-8s %12d %12d %12d %9.2f %9.2f\n", s, n, c, d, c / n, d / n }'
done
echo "(pages/s inside migrate_pages(), median of $rounds rounds; dsa = dsasim's timing model)"

#!/bin/bash
# Benchmark, in the guest: the cost of watching with dsamig top.
# 1. CPU time of dsamig's reader per million decoded events, against
#    trace-cmd record consuming the same events (both trace the same
#    migstress run, each in its own instance).
# 2. migstress's migration rate with dsamig top --batch running against
#    without it, alternated in one run (median of PAIRS pairs); goal < 2%.
#   tests/vm/run -- tests/bench/top-cost.sh [SECONDS] [PAIRS]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dsamig=$top/build/dsamig
ms=$top/build/tests/vm/tools/migstress
secs=${1:-10}
pairs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cpu_of OUT CMD...: run CMD with its output in OUT; print its and its
# children's user+sys seconds.
cpu_of() {
	local t out=$1
	shift
	t=$( ( "$@" > "$out" 2>&1; times ) | tail -1)
	awk '{ gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' <<<"$t"
}

# 1. The same stream: one page per move_pages() call, so many events. The
# whole run counts, start-up and ticks included.
events=(-e migrate:mm_migrate_pages -e migrate:mm_migrate_pages_start)
# trace_both LOAD: dsamig top and trace-cmd record side by side for secs + 4 s,
# migstress for secs s in the middle when LOAD is 1. Sets d_cpu t_cpu d_ev t_ev.
trace_both() {
	local dpid tpid
	cpu_of "$tmp/dsamig.json" "$dsamig" top --batch --json -d 1 --duration $((secs + 4)) \
		> "$tmp/dsamig.cpu" &
	dpid=$!
	cpu_of "$tmp/tc.out" trace-cmd record -q "${events[@]}" -o "$tmp/tc.dat" sleep $((secs + 4)) \
		> "$tmp/tc.cpu" &
	tpid=$!
	sleep 2
	if (($1)); then
		"$ms" --pages 1 --writers 0 --seconds "$secs" > /dev/null
	fi
	wait $dpid $tpid
	d_ev=$(sed -n 's/.*"events":\([0-9]*\).*/\1/p' "$tmp/dsamig.json" | awk '{ s += $1 } END { print s + 0 }')
	t_ev=$(trace-cmd report -q -i "$tmp/tc.dat" 2>/dev/null | grep -c 'mm_migrate_pages' || true)
	d_cpu=$(cat "$tmp/dsamig.cpu") t_cpu=$(cat "$tmp/tc.cpu")
}
trace_both 1
echo "with migstress: dsamig top $d_ev events ${d_cpu} s CPU, trace-cmd record $t_ev events ${t_cpu} s CPU"
awk -v de="$d_ev" -v dc="$d_cpu" -v te="$t_ev" -v tc="$t_cpu" 'BEGIN {
	d = dc / de * 1e6; t = tc / te * 1e6
	printf "reader CPU per million events: dsamig %.1f s, trace-cmd %.1f s; dsamig / trace-cmd = %.3f (goal < 1)\n", d, t, d / t }'

# 2. The cost of watching.
rate() {
	"$ms" --json --writers 0 --pages 4096 --rounds 6 |
		sed -n 's/.*"pages_per_s": \([0-9]*\).*/\1/p'
}
rate > /dev/null	# warm up
base=() watched=()
for ((i = 0; i < pairs; i++)); do
	base+=("$(rate)")
	"$dsamig" top --batch -d 1 > /dev/null &
	wpid=$!
	while [[ $(cat /sys/kernel/tracing/instances/dsamig-$wpid/tracing_on 2>/dev/null) != 1 ]]; do
		sleep 0.1
	done
	watched+=("$(rate)")
	kill -TERM $wpid
	wait $wpid
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
b=$(median "${base[@]}") w=$(median "${watched[@]}")
echo "unwatched:         ${base[*]} pages/s (median $b)"
echo "dsamig top -d 1:   ${watched[*]} pages/s (median $w)"
awk -v b="$b" -v w="$w" 'BEGIN { printf "cost of watching: watched / unwatched = %.3f (goal >= 0.98)\n", w / b }'

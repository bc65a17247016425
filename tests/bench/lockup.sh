#!/bin/bash
# Benchmark, in the guest: how long a CPU goes without rescheduling while a
# whole process moves between nodes (migratepages, i.e. migrate_pages(2):
# 8192 4 KiB pages and 24 THPs, 20,480 pages, two writers stamping them),
# with no module, backend=cpu, backend=mt, backend=dsa over dsasim (wait=poll
# and wait=irq) and backend=dsa with an engine error every 7th descriptor,
# side by side in one run: ROUNDS passes over them, one move there and back
# each.
# Per configuration: the move time and its ratio to no module; the largest
# wake-up lateness of a SCHED_FIFO thread on any CPU (latprobe: the longest
# stretch without a resched point, what the soft-lockup detector watches,
# at watchdog_thresh * 2 s), and the ratio to no module; the longest
# dsamig_run and its longest phases (sg, map, submit, wait, unmap); soft
# lockups the kernel reported. Fails only when a page changed.
#   tests/vm/run -- tests/bench/lockup.sh [ROUNDS]   (default 2)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tools=$top/build/tests/vm/tools
ko=$top/build/kmod/$(uname -r)/dsamig.ko
rounds=${1:-2}
tmp=$(mktemp -d)
inst=/sys/kernel/tracing/instances/bench-lockup

# shellcheck source=tests/vm/suites/dsasim.bash
. "$top/tests/vm/suites/dsasim.bash"

# with CONFIG: no module, or dsamig.ko (over a fresh dsasim WQ for dsa*)
with() {
	[[ -d /sys/module/dsamig ]] && rmmod dsamig
	dsasim_unload
	case $1 in
	none) return 0 ;;
	cpu | mt) insmod "$ko" backend="$1" ;;
	dsa*)
		dsasim_load
		dsasim_kernel_wq wq0.0 32
		dsasim_enable wq0.0
		[[ $1 != dsa-fail ]] || echo 7 > "$PARAMS/fail_every"
		local wait=poll
		[[ $1 != dsa-irq ]] || wait=irq
		insmod "$ko" backend=dsa wait=$wait
		;;
	esac
	mkdir "$inst"
	echo 1 > "$inst/events/dsamig/dsamig_run/enable"
}

# started FILE: until the tool writing FILE prints "ready"
started() {
	until grep -q ready "$1"; do sleep 0.2; done
}

# one CONFIG: prints "ms_per_move max_latency_us runs max_run_ns sg map submit wait unmap lockups"
one() {
	local c=$1 ms_pid lp_pid t0 t1 move_ns=0 moves=0 dir lat lockups
	with "$c"
	dmesg -C
	"$tools/migstress" --hold --json --pages 8192 --thp 24 --writers 2 > "$tmp/ms" &
	ms_pid=$!
	started "$tmp/ms"
	"$tools/latprobe" > "$tmp/lp" &
	lp_pid=$!
	started "$tmp/lp"
	for dir in "0 1" "1 0"; do
		t0=$(date +%s%N)
		# shellcheck disable=SC2086
		migratepages "$ms_pid" $dir
		t1=$(date +%s%N)
		move_ns=$((move_ns + t1 - t0)) moves=$((moves + 1))
	done
	kill -TERM "$lp_pid"
	wait "$lp_pid"
	kill -TERM "$ms_pid"
	wait "$ms_pid" || { cat "$tmp/ms" >&2; echo "lockup: a page changed ($c)" >&2; exit 1; }
	lat=$(tail -n 1 "$tmp/lp" | jq .max_us)
	lockups=$(dmesg | grep -c 'soft lockup' || true)
	if [[ -d $inst ]]; then
		echo 0 > "$inst/events/dsamig/dsamig_run/enable"
		# the longest run, and each phase's longest
		sed -n 's/.*sg_ns=\([0-9]*\) map_ns=\([0-9]*\) submit_ns=\([0-9]*\) wait_ns=\([0-9]*\) unmap_ns=\([0-9]*\).*/\1 \2 \3 \4 \5/p' \
			"$inst/trace" > "$tmp/runs"
		rmdir "$inst"
		awk -v m=$((move_ns / moves / 1000000)) -v l="$lat" -v k="$lockups" '
			{ t = $1 + $2 + $3 + $4 + $5; if (t > mt) mt = t
			  for (i = 1; i <= 5; i++) if ($i > p[i]) p[i] = $i; n++ }
			END { printf "%d %d %d %d %d %d %d %d %d %d\n", m, l, n, mt, p[1], p[2], p[3], p[4], p[5], k }' "$tmp/runs"
	else
		echo "$((move_ns / moves / 1000000)) $lat 0 0 0 0 0 0 0 $lockups"
	fi
}

configs=(none cpu mt dsa dsa-irq dsa-fail)
declare -A moves lats runs phases lockups
# ROUNDS passes over every configuration, in turn, so that all see the same host.
for ((r = 0; r < rounds; r++)); do
	for c in "${configs[@]}"; do
		out=$(one "$c")		# fails when a page changed
		read -r m l n mt sg map sub wt un k <<<"$out"
		echo "pass $r $c: $m ms/move, longest wake-up lateness $((l / 1000)) ms, $n runs, $k soft lockups"
		moves[$c]+="$m " lats[$c]+="$l " lockups[$c]=$((${lockups[$c]:-0} + k))
		runs[$c]=$((${runs[$c]:-0} + n))
		phases[$c]=$(awk -v a="${phases[$c]:-0 0 0 0 0 0}" -v b="$mt $sg $map $sub $wt $un" \
			'BEGIN { split(a, x); split(b, y)
				 for (i = 1; i <= 6; i++) printf "%d ", (x[i] > y[i] ? x[i] : y[i]) }')
	done
done
with none
rm -rf "$tmp"

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxof() { tr ' ' '\n' <<<"$1" | grep . | sort -n | tail -n 1; }
base_ms=$(median "${moves[none]}") base_lat=$(median "${lats[none]}")
echo
echo "guest load: $(cut -d' ' -f1-3 /proc/loadavg); watchdog_thresh $(cat /proc/sys/kernel/watchdog_thresh) s (soft lockup at twice that)"
printf '%-9s %8s %6s %11s %6s %11s %5s %9s %7s %7s %9s %8s %8s %7s\n' config ms/move ratio \
	lat_med_ms ratio lat_max_ms runs max_run_ms sg_ms map_ms submit_ms wait_ms unmap_ms lockups
for c in "${configs[@]}"; do
	read -r mt sg map sub wt un <<<"${phases[$c]}"
	awk -v c="$c" -v m="$(median "${moves[$c]}")" -v bm="$base_ms" -v l="$(median "${lats[$c]}")" \
		-v bl="$base_lat" -v lx="$(maxof "${lats[$c]}")" -v n="${runs[$c]}" -v mt="$mt" \
		-v sg="$sg" -v map="$map" -v sub_="$sub" -v wt="$wt" -v un="$un" -v k="${lockups[$c]}" '
		BEGIN { printf "%-9s %8d %6.2f %11.1f %6.2f %11.1f %5d %9.1f %7.2f %7.2f %9.2f %8.1f %8.2f %7d\n",
			c, m, m / bm, l / 1000, l / bl, lx / 1000, n, mt / 1e6, sg / 1e6, map / 1e6,
			sub_ / 1e6, wt / 1e6, un / 1e6, k }'
done
echo "(medians over $rounds passes; lat: largest SCHED_FIFO wake-up lateness on any CPU in a pass;"
echo " phases: the longest of each over all dsamig_run events; sg, map and unmap have no resched point)"

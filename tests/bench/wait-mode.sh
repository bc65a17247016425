#!/bin/bash
# Benchmark, in the guest: the dsa backend's wait knob, poll against irq,
# over dsasim (its idxd-exact completions: one irq-thread callback per
# descriptor), side by side in one run, ROUNDS rounds of the two (which goes
# first alternates).
# Workload: a whole process moved between nodes by migratepages
# (migrate_pages(2)): 8192 4 KiB pages and 24 THPs, there and back.
#  - idle: no writers, so that what the CPUs do is the migration's: the
#    move time, the CPU time of the migrating task (migratepages, user +
#    sys: the syscall runs in it), the busy CPU time of the whole system
#    (/proc/stat: everything but idle and iowait, over both vCPUs), and the
#    dsamig_run phases summed (setup = sg + map + submit + unmap, wait);
#  - busy: two writers stamping the pages meanwhile: the move time and the
#    writers' progress (stamps per second), i.e. what a poll takes from the
#    application.
# Prints the medians per mode and the ratios irq / poll.
#   tests/vm/run -- tests/bench/wait-mode.sh [ROUNDS]   (default 4)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
ms=$top/build/tests/vm/tools/migstress
rounds=${1:-4}
tmp=$(mktemp -d)
k=/sys/module/dsamig/parameters
inst=/sys/kernel/tracing/instances/bench-wait
hz=$(getconf CLK_TCK)

# shellcheck source=tests/vm/suites/dsasim.bash
. "$top/tests/vm/suites/dsasim.bash"
dsasim_load
dsasim_kernel_wq wq0.0 32
dsasim_enable wq0.0
insmod "$top/build/kmod/$(uname -r)/dsamig.ko" backend=dsa
mkdir "$inst"
echo 1 > "$inst/events/dsamig/dsamig_run/enable"

# busy jiffies of all CPUs: user nice system irq softirq steal
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# hold WRITERS: the workload in the background on node 0, until "ready"
hold() {
	"$ms" --hold --json --pages 8192 --thp 24 --writers "$1" > "$tmp/ms" &
	ms_pid=$!
	until grep -q ready "$tmp/ms"; do sleep 0.2; done
}

# release: stop the workload; fail when a page changed
release() {
	kill -TERM "$ms_pid"
	wait "$ms_pid" || { cat "$tmp/ms" >&2; echo "wait-mode: a page changed" >&2; exit 1; }
}

# move: there and back; prints "wall_ms task_cpu_ms"
move() {
	local t0 t1 cpu=0 dir u s
	t0=$(date +%s%N)
	for dir in "0 1" "1 0"; do
		# shellcheck disable=SC2086
		read -r u s < <({ TIMEFORMAT='%U %S'; time migratepages "$ms_pid" $dir; } 2>&1)
		cpu=$(awk -v c="$cpu" -v u="$u" -v s="$s" 'BEGIN { print c + (u + s) * 1000 }')
	done
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000)) $cpu"
}

# one MODE: prints "wall_ms task_cpu_ms sys_cpu_ms runs setup_ms wait_ms busy_wall_ms stamps_per_s"
one() {
	local b0 b1 wall cpu bwall runs setup wt sps
	echo "$1" > $k/wait
	echo > "$inst/trace"
	hold 0
	b0=$(busy)
	read -r wall cpu < <(move)
	b1=$(busy)
	release
	read -r runs setup wt < <(sed -n 's/.*sg_ns=\([0-9]*\) map_ns=\([0-9]*\) submit_ns=\([0-9]*\) wait_ns=\([0-9]*\) unmap_ns=\([0-9]*\).*/\1 \2 \3 \4 \5/p' \
		"$inst/trace" | awk '{ n++; s += $1 + $2 + $3 + $5; w += $4 }
			END { printf "%d %.1f %.1f\n", n, s / 1e6, w / 1e6 }')
	hold 2
	read -r bwall _ < <(move)
	release
	sps=$(tail -n 1 "$tmp/ms" | jq '.stamps / .seconds | floor')
	echo "$wall $cpu $(((b1 - b0) * 1000 / hz)) $runs $setup $wt $bwall $sps"
}

hold 0; move > /dev/null; release	# warm up
declare -A col
names=(wall_ms task_cpu_ms sys_cpu_ms runs setup_ms wait_ms busy_wall_ms stamps_per_s)
printf '%-5s %-5s' round mode
printf ' %12s' "${names[@]}"
echo
for ((r = 0; r < rounds; r++)); do
	order=(poll irq)
	((r % 2 == 0)) || order=(irq poll)	# neither always goes first
	for m in "${order[@]}"; do
		out=$(one "$m")		# fails when a page changed
		read -ra v <<<"$out"
		printf '%-5d %-5s' "$r" "$m"
		printf ' %12s' "${v[@]}"
		echo
		for i in "${!names[@]}"; do
			col[$m.$i]+="${v[$i]} "
		done
	done
done
echo 0 > "$inst/events/dsamig/dsamig_run/enable"
rmdir "$inst"
echo poll > $k/wait
rmmod dsamig
rm -rf "$tmp"

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo
printf '%-14s %12s %12s %10s\n' median poll irq irq/poll
for i in "${!names[@]}"; do
	p=$(median "${col[poll.$i]}") q=$(median "${col[irq.$i]}")
	awk -v n="${names[$i]}" -v p="$p" -v q="$q" \
		'BEGIN { printf "%-14s %12s %12s %10.2f\n", n, p, q, p ? q / p : 0 }'
done
echo "(idle: no writers; busy_wall_ms and stamps_per_s: two writers; times per move there and back;"
echo " sys_cpu_ms: busy time of all vCPUs from /proc/stat; load $(cut -d' ' -f1-3 /proc/loadavg))"

#!/bin/bash
# make demo: what dsamig shows in the test guest today. Runs inside the guest.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dsamig=$top/build/dsamig

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "uname -r"
uname -r
step "dsamig --version"
"$dsamig" --version
step "guest NUMA layout (node 0: CPUs; node 1: memory-only slow tier)"
printf '%-6s %-10s %12s %12s\n' NODE CPUS MEM_TOTAL MEM_FREE
for n in /sys/devices/system/node/node[0-9]*; do
	cpus=$(cat "$n/cpulist")
	awk -v node="${n##*node}" -v cpus="${cpus:--}" '
		/MemTotal/ { total = $4 } /MemFree/ { free = $4 }
		END { printf "%-6s %-10s %9d MiB %9d MiB\n", node, cpus, total / 1024, free / 1024 }
	' "$n/meminfo"
done
step "dsamig --help"
"$dsamig" --help

# The admin verbs: a kernel WQ on the simulated DSA device, dsamig.ko on it.
kmod=$top/build/kmod/$(uname -r)
dsasim=$kmod/dsasim.ko
if [[ -f $dsasim && -f $kmod/dsamig.ko ]]; then
	insmod "$dsasim"
	step "dsamig setup --dry-run   (dsasim.ko loaded: one simulated DSA device)"
	"$dsamig" setup --dry-run
	step "dsamig setup"
	"$dsamig" setup
	step "dsamig load"
	"$dsamig" load
	step "dsamig set threshold=32 wait=poll"
	"$dsamig" set threshold=32 wait=poll
	step "dsamig status"
	"$dsamig" status
	step "dsamig bench --from 0 --to 1 --sizes 1,8,64,512,2M --repeats 5   (the copy path alone)"
	"$dsamig" bench --from 0 --to 1 --sizes 1,8,64,512,2M --repeats 5 --quiet
	step "dsamig calibrate --from 0 --to 1 --repeats 5   (where dsa starts to win here)"
	"$dsamig" calibrate --from 0 --to 1 --repeats 5 --quiet
fi

# Last: a snapshot of migrations as dsamig top sees them, while migstress
# moves pages between the nodes (with dsamig.ko when the demo loaded it).
migstress=$top/build/tests/vm/tools/migstress
if [[ -x $migstress ]]; then
	step "dsamig top --batch -n 3 -d 1   (while migstress moves 2048 pages back and forth)"
	"$dsamig" top --batch -n 3 -d 1 &
	top_pid=$!
	until [[ $(cat "/sys/kernel/tracing/instances/dsamig-$top_pid/tracing_on" 2>/dev/null) == 1 ]]; do
		sleep 0.1
	done
	"$migstress" --pages 2048 --rounds 4 --writers 1 > /dev/null
	wait "$top_pid"
	step "dsamig stat -- migstress --pages 2048 --rounds 2"
	"$dsamig" stat -- "$migstress" --pages 2048 --rounds 2 --writers 1
fi

# Compaction on demand: fragment node 0 with memhold, then compact it.
memhold=$top/build/tests/vm/tools/memhold
# hold ARGS...: memhold in the background until it is ready; release: stop it
hold() {
	"$memhold" "$@" > /tmp/memhold.demo &
	memhold_pid=$!
	until grep -q ready /tmp/memhold.demo 2>/dev/null; do sleep 0.2; done
}
release() {
	kill -TERM "$memhold_pid"
	wait "$memhold_pid" || true
}
if [[ -x $memhold ]]; then
	step "dsamig compact --node 0   (memhold holds 256 MiB of node 0, every other page freed)"
	hold --mb 256 --node 0 --fragment
	"$dsamig" compact --node 0
	release
fi

# Promotion and demotion on demand: DAMON moves a hot buffer of the slow
# node to node 0, then a cold buffer of node 0 to the slow node; memhold
# says where its pages are at the end (move_pages status query).
if [[ -x $memhold ]]; then
	step "dsamig promote --from 1 --to 0 --duration 5s   (memhold keeps 64 MiB of node 1 hot)"
	hold --mb 64 --node 1 --hot
	"$dsamig" promote --from 1 --to 0 --duration 5s
	release
	echo "memhold: $(tail -n 1 /tmp/memhold.demo)"
	step "dsamig demote --from 0 --to 1 --duration 5s   (memhold holds 32 MiB of node 0, untouched)"
	hold --mb 32 --node 0
	"$dsamig" demote --from 0 --to 1 --duration 5s
	release
	echo "memhold: $(tail -n 1 /tmp/memhold.demo)"
fi

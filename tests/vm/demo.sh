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

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

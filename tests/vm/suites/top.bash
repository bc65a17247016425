# Helpers for the dsamig top and stat guest suites.

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
DSAMIG=$TOP/build/dsamig
MIGSTRESS=$TOP/build/tests/vm/tools/migstress
INSTANCES=/sys/kernel/tracing/instances

# pgmigrate: "succeeded failed" from /proc/vmstat
pgmigrate() {
	awk '/^pgmigrate_success / { s = $2 } /^pgmigrate_fail / { f = $2 } END { print s, f }' \
		/proc/vmstat
}

# wait_tracing PID: until dsamig PID's instance traces (its start is not instant under TCG).
wait_tracing() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ $(cat "$INSTANCES/dsamig-$1/tracing_on" 2>/dev/null) == 1 ]] && return 0
		sleep 0.1
	done
	echo "dsamig $1 did not start tracing" >&2
	return 1
}

# dsamig_instances: the dsamig tracing instances that exist, one a line.
dsamig_instances() {
	ls "$INSTANCES" | grep '^dsamig-' || true
}

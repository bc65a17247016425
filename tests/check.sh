#!/bin/bash
# Run dsamig's test layers and print one summary line.
#   tests/check.sh [unit] [cli] [vm]      (default: all three)
#   tests/check.sh vm-suite FILE...       (just these guest suites)
# Every layer speaks TAP; a layer that exits non-zero without a failing test
# line counts as one failure, so a crash is never a pass.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export DSAMIG="$top/build/dsamig"
layers=("$@")
[[ ${#layers[@]} -gt 0 ]] || layers=(unit cli vm)

pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run NAME COMMAND...: run one test program, stream its output, count its TAP.
run() {
	local name=$1 rc p f s
	shift
	printf '# %s\n' "$name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$log")
	p=$(($(grep -cE '^ok ' "$log") - s))
	f=$(grep -cE '^not ok ' "$log")
	if ((rc != 0 && f == 0)); then
		printf 'not ok - %s exited with status %d\n' "$name" "$rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# run_suite FILE: one guest suite in a guest of its own. A suite may ask for
# guest options on a line '# vm-options: ...'.
run_suite() {
	local opts=()
	read -ra opts < <(sed -n 's/^# vm-options: //p' "$1" | head -n 1)
	run "vm: $1" tests/vm/run "${opts[@]}" -- bats --tap "$1"
}

for layer in "${layers[@]}"; do
	case $layer in
	unit)
		for t in build/tests/unit/test_*; do
			[[ -x $t ]] && run "unit: ${t##*/}" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
		done
		;;
	cli)
		run "cli: tests/cli" bats --tap tests/cli
		;;
	vm)
		# The harness itself, from the host; then each guest suite in a guest of its own.
		run "vm: tests/vm/harness.bats" bats --tap tests/vm/harness.bats
		for s in tests/vm/suites/*.bats; do
			[[ -f $s ]] && run_suite "$s"
		done
		;;
	vm-suite)
		# The guest suites named after it, as the vm layer runs them.
		suites=("${layers[@]:1}")
		layers=()
		for s in "${suites[@]}"; do
			run_suite "$s"
		done
		break
		;;
	*)
		echo "check: unknown layer '$layer' (unit, cli, vm)" >&2
		exit 2
		;;
	esac
done

echo
echo "check: $pass passed, $fail failed, $skip skipped"
((fail == 0 && pass > 0))

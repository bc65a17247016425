# Helpers for the dsamig.ko guest suites.

TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
DSAMIG_KO=$TOP/kmod/dsamig/dsamig.ko
MIGSTRESS=$TOP/build/tests/vm/tools/migstress
KNOBS=/sys/module/dsamig/parameters
COUNTERS=/sys/kernel/dsamig
HEADER=$TOP/kmod/include/dsamig.h

dsamig_load() {
	insmod "$DSAMIG_KO" "$@"
}

dsamig_unload() {
	[[ -d /sys/module/dsamig ]] || return 0
	rmmod dsamig
}

# counter PATH: a counter under /sys/kernel/dsamig.
counter() {
	cat "$COUNTERS/$1"
}

# knob_default NAME: the default DSAMIG_KNOBS gives NAME in kmod/include.
knob_default() {
	sed -n "s/^[[:space:]]*X($1, [A-Z]*, [0-9]*, [0-9]*, \"\([^\"]*\)\",.*/\1/p" "$HEADER"
}

# json_field JSON KEY: a number from migstress's one-line JSON.
json_field() {
	sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" <<<"$1"
}

# migstress_ok ARGS...: run the workload; fail unless every page is intact
# and pages moved. Leaves its JSON in $ms.
migstress_ok() {
	ms=$("$MIGSTRESS" --json "$@")
	echo "$ms"
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	[ "$(json_field "$ms" moved)" -gt 0 ]
}

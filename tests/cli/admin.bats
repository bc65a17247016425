#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The admin verbs on the host: usage errors are one line and status 2, and a
# user who is not root is told so (status 1) before anything is touched.
# Nothing here needs or changes a kernel module.

load helper

# as_nobody ARGS...: dsamig as an unprivileged user.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" "$@"
}

@test "load, unload, set, get: unexpected arguments are usage errors" {
	run -2 --separate-stderr "$DSAMIG" load extra
	assert_equal "$stderr" "dsamig load: unexpected argument 'extra'; see 'dsamig load --help'"
	run -2 --separate-stderr "$DSAMIG" unload extra
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$DSAMIG" load --bogus
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr "$DSAMIG" set
	assert_equal "$stderr" "dsamig set: no KEY=VALUE to set; see 'dsamig set --help'"
}

@test "load: bad knob values are refused before anything else" {
	run -2 --separate-stderr "$DSAMIG" load --backend gpu
	assert_equal "$stderr" \
		"dsamig load: bad backend 'gpu': want one of: off dsa mt cpu; see 'dsamig load --help'"
	run -2 --separate-stderr "$DSAMIG" load --threshold 0
	assert_equal "$stderr" \
		"dsamig load: bad threshold '0': want a whole number from 1 to 65536; see 'dsamig load --help'"
	run -2 "$DSAMIG" load --threshold 0
	run -2 "$DSAMIG" load --threshold 65537
	run -2 "$DSAMIG" load --channels x
	run -2 "$DSAMIG" load --reasons damon,bogus
	run -2 "$DSAMIG" load --reasons 'damon compaction'
}

@test "load and set refuse a bad value with the same message and range" {
	local args knob value
	for args in "backend gpu" "threshold 65537" "channels 65" "channels x" \
		"reasons damon,bogus" "reasons damon,"; do
		read -r knob value <<<"$args"
		run -2 --separate-stderr "$DSAMIG" load "--$knob" "$value"
		local from_load=${stderr#dsamig load: }
		from_load=${from_load%; see *}
		run -2 --separate-stderr "$DSAMIG" set "$knob=$value"
		local from_set=${stderr#dsamig set: }
		from_set=${from_set%; see *}
		assert_equal "$from_load" "$from_set"
		[[ $from_set == "bad $knob '$value': want "* ]]
	done
}

@test "set and load: a knob given twice is refused, nothing is written" {
	# Root or not, and loaded or not: the parser refuses it first (status 2).
	run -2 --separate-stderr "$DSAMIG" set threshold=32 threshold=48
	assert_equal "$stderr" "dsamig set: threshold given twice; see 'dsamig set --help'"
	assert_output ""
	run -2 --separate-stderr "$DSAMIG" set threshold=32 wait=poll threshold=32
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr as_nobody set threshold=32 threshold=48
	assert_equal "$stderr" "dsamig set: threshold given twice; see 'dsamig set --help'"
	run -2 --separate-stderr "$DSAMIG" load --threshold 32 -t 48
	assert_equal "$stderr" "dsamig load: threshold given twice; see 'dsamig load --help'"
}

@test "set: unknown knobs, missing '=' and bad values are usage errors" {
	run -2 --separate-stderr "$DSAMIG" set nope=1
	assert_equal "$stderr" "dsamig set: no knob 'nope'; see 'dsamig set --help'"
	run -2 --separate-stderr "$DSAMIG" set threshold
	assert_equal "$stderr" "dsamig set: 'threshold' is not KEY=VALUE; see 'dsamig set --help'"
	run -2 --separate-stderr "$DSAMIG" set threshold=0
	assert_equal "$stderr" \
		"dsamig set: bad threshold '0': want a whole number from 1 to 65536; see 'dsamig set --help'"
	run -2 --separate-stderr "$DSAMIG" set backend=gpu
	assert_equal "$stderr" \
		"dsamig set: bad backend 'gpu': want one of: off dsa mt cpu; see 'dsamig set --help'"
	run -2 "$DSAMIG" set reasons=damon,
	run -2 "$DSAMIG" set dma_match='dma0 chan0'
	# One bad value among good ones: still a usage error.
	run -2 "$DSAMIG" set threshold=64 wait=never
}

@test "status: arguments are usage errors; as nobody it prints and exits 3 (not ready)" {
	run -2 --separate-stderr "$DSAMIG" status extra
	assert_equal "$stderr" "dsamig status: unexpected argument 'extra'; see 'dsamig status --help'"
	# No dsamig.ko on the host: not ready.
	run -3 as_nobody status --json
	[ "$(jq -r '.version' <<<"$output")" = "$(cat "$top/VERSION")" ]
	jq -e '.ready == false and .readiness == "dsamig.ko is not loaded"' <<<"$output"
	jq -e '.problems | map(.id) | index("module_not_loaded")' <<<"$output"
	# The hook targets are looked up by name, which anyone may read.
	jq -e '.kernel.missing_hook_targets | type == "array"' <<<"$output"
	# The keys, in order (dsamig-status(8)): one added is added here and there.
	jq -e 'keys_unsorted == ["version", "devices", "dma_channels", "module", "kernel",
				 "problems", "ready", "readiness"]' <<<"$output"
	jq -e '.module == {"loaded": false, "version": null, "knobs": null, "counters": null}' \
		<<<"$output"
	jq -e '.kernel | keys_unsorted == ["release", "tested_series", "hooks_armed", "tracefs",
					   "tracefs_state", "damon", "damon_migrate_hot", "iommu",
					   "missing_hook_targets"]' <<<"$output"
	jq -e '.problems | all(keys_unsorted == ["id", "problem", "remedy"])' <<<"$output"
	run -3 as_nobody status
	assert_line --regexp '^dsamig +[0-9.]+$'
	assert_line "not ready    dsamig.ko is not loaded"
}

@test "setup: bad arguments are usage errors" {
	run -2 --separate-stderr "$DSAMIG" setup eth0
	assert_equal "$stderr" "dsamig setup: 'eth0' is not a DSA device name (dsa0 ...); see 'dsamig setup --help'"
	run -2 --separate-stderr "$DSAMIG" setup --wq-size 0
	assert_equal "$stderr" "dsamig setup: bad --wq-size '0' (1 to 1024); see 'dsamig setup --help'"
	run -2 "$DSAMIG" setup --engines 17
	run -2 "$DSAMIG" setup --priority 16
	run -2 "$DSAMIG" setup --priority x
	run -2 --separate-stderr "$DSAMIG" setup --reset --wq-size 8
	assert_equal "$stderr" "dsamig setup: --reset takes no WQ options; see 'dsamig setup --help'"
}

@test "setup: not root says so and exits 1, with or without --reset" {
	run -1 --separate-stderr as_nobody setup
	assert_equal "$stderr" \
		"dsamig setup: must be run as root to configure DSA devices; try 'sudo dsamig setup'"
	run -1 --separate-stderr as_nobody setup --reset dsa0
	[[ $stderr == *"must be run as root"* ]]
}

@test "bash completion: setup options" {
	run -0 bash_complete dsamig setup --dr
	assert_output --dry-run
	run -0 bash_complete dsamig setup --wq-size ""
	assert_output ""
}

@test "get: an unknown knob is a usage error" {
	run -2 --separate-stderr "$DSAMIG" get threshold nope
	assert_equal "$stderr" "dsamig get: no knob 'nope'; see 'dsamig get --help'"
}

@test "not root: load, unload and set say so and exit 1" {
	run -1 --separate-stderr as_nobody load
	assert_equal "$stderr" \
		"dsamig load: must be run as root to load a kernel module; try 'sudo dsamig load'"
	run -1 --separate-stderr as_nobody load --backend mt --module /nonexistent.ko
	[[ $stderr == *"must be run as root"* ]]
	run -1 --separate-stderr as_nobody unload
	assert_equal "$stderr" \
		"dsamig unload: must be run as root to unload a kernel module; try 'sudo dsamig unload'"
	run -1 --separate-stderr as_nobody set threshold=64
	assert_equal "$stderr" \
		"dsamig set: must be run as root to change dsamig.ko's knobs; try 'sudo dsamig set'"
	assert_equal "$output" ""
}

@test "help of each admin verb" {
	local verb
	for verb in setup load unload set get status; do
		run -0 "$DSAMIG" help "$verb"
		assert_line --partial "Usage: dsamig $verb"
	done
}

@test "bash completion: admin options, knob names and values" {
	run -0 bash_complete dsamig load --b
	assert_output --backend
	run -0 bash_complete dsamig load --backend ""
	assert_equal "$output" $'off\ndsa\nmt\ncpu'
	run -0 bash_complete dsamig set thr
	assert_output threshold=
	run -0 bash_complete dsamig set backend = m
	assert_output mt
	run -0 bash_complete dsamig get time
	assert_output timeout_ms
}

@test "the completions name every knob of kmod/include/dsamig.h" {
	local knob n=0
	for knob in $(sed -n 's/^[[:space:]]*X(\([a-z_]*\), \(UINT\|ENUM\|LIST\|STRING\),.*/\1/p' \
		"$top/kmod/include/dsamig.h"); do
		run -0 grep -q "\b$knob\b" "$top/completions/dsamig.bash"
		run -0 grep -q "\b$knob\b" "$top/completions/_dsamig"
		n=$((n + 1))
	done
	[ "$n" -ge 9 ]
}

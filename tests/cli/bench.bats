#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsamig bench on the host: usage errors, the refusal of non-root users,
# --help, the man page and the completions, all before anything is touched.
# (The bench itself runs in the guest: tests/vm/suites/bench.bats.) Never
# run it here as root with good arguments: the migrate level would move
# this machine's pages, the copy level drive its dsamig.ko.

load helper

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# usage_error ARGS... -- MESSAGE: dsamig bench ARGS exits 2 with the one line
# "dsamig bench: MESSAGE; see 'dsamig bench --help'" and prints nothing else.
usage_error() {
	local args=()
	while [[ $1 != -- ]]; do
		args+=("$1")
		shift
	done
	run -2 --separate-stderr "$DSAMIG" bench "${args[@]}"
	assert_equal "$stderr" "dsamig bench: $2; see 'dsamig bench --help'"
	assert_output ""
}

@test "bench: usage errors exit 2 with one line" {
	usage_error --level fast -- "bad --level 'fast': copy or migrate"
	usage_error --from x -- "bad node 'x' for --from: a node number"
	usage_error --to -1 -- "bad node '-1' for --to: a node number"
	usage_error --repeats 0 -- "bad --repeats '0': a whole number from 1 to 1000"
	usage_error --repeats 1001 -- "bad --repeats '1001': a whole number from 1 to 1000"
	usage_error --sizes 0 -- "bad size '0' in --sizes: pages of 4 KiB (1 to 65536), or 2M, 4M... (2 MiB folios, up to 256M)"
	usage_error --sizes 1,65537 -- "bad size '65537' in --sizes: pages of 4 KiB (1 to 65536), or 2M, 4M... (2 MiB folios, up to 256M)"
	usage_error --sizes 3M -- "bad size '3M' in --sizes: pages of 4 KiB (1 to 65536), or 2M, 4M... (2 MiB folios, up to 256M)"
	usage_error --sizes 64K -- "bad size '64K' in --sizes: pages of 4 KiB (1 to 65536), or 2M, 4M... (2 MiB folios, up to 256M)"
	usage_error --sizes 512M -- "bad size '512M' in --sizes: pages of 4 KiB (1 to 65536), or 2M, 4M... (2 MiB folios, up to 256M)"
	usage_error --sizes , -- "bad --sizes ',': a list such as 1,8,64,2M"
	usage_error --sizes "$(seq -s, 33)" -- "too many --sizes: at most 32"
	usage_error --backends cpu,gpu -- "bad backend 'gpu' in --backends: cpu, mt, dsa or kernel"
	usage_error --backends off -- "bad backend 'off' in --backends: cpu, mt, dsa or kernel"
	usage_error --backends kernel -- "backend kernel needs --level migrate"
	usage_error --level migrate --from 1 --to 1 -- "--level migrate needs two nodes, and --from and --to are both 1"
	usage_error 5 -- "unexpected argument '5'"
}

@test "bench: the sizes and backends it takes pass the parser" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	# the next refusal is the root check's, not a usage error
	run -1 --separate-stderr as_nobody "$DSAMIG" bench --sizes 1,65536,2M,4m,256M,1,2 \
		--backends cpu,mt,dsa --repeats 1000 --from 0 --to 1
	assert_equal "$stderr" "dsamig bench: must be run as root to benchmark dsamig.ko's copies; try 'sudo dsamig bench'"
	run -1 as_nobody "$DSAMIG" bench --level migrate --backends kernel,cpu
	run -1 as_nobody "$DSAMIG" bench -l copy -s 8 -r 2 -b dsa -j -q
}

@test "bench: not root is refused before anything is read or written" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	run -1 --separate-stderr as_nobody "$DSAMIG" bench --json
	assert_equal "$stderr" "dsamig bench: must be run as root to benchmark dsamig.ko's copies; try 'sudo dsamig bench'"
	assert_output ""
	# nor is the SVG file created
	run -1 --separate-stderr as_nobody "$DSAMIG" bench --svg "$BATS_TEST_TMPDIR/x.svg"
	[ ! -e "$BATS_TEST_TMPDIR/x.svg" ]
}

@test "bench --help names every option" {
	local opt
	run -0 "$DSAMIG" bench --help
	for opt in --level --from --to --sizes --repeats --backends --svg --json --quiet; do
		assert_output --partial -- "$opt"
	done
	run -0 "$DSAMIG" help bench
	assert_output --partial -- --backends
}

@test "dsamig --help lists bench" {
	run -0 listed_verbs
	assert_line bench
}

@test "dsamig-bench(8) renders without warnings and documents every option and JSON key" {
	local key opt
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/dsamig-bench.8"
	assert_equal "$stderr" ""
	assert_line --partial 'dsamig-bench - '
	run -0 man_section "$top/man/dsamig-bench.8" OPTIONS
	for opt in --level --from --to --sizes --repeats --backends --svg --json --quiet --help; do
		assert_output --partial -- "$opt"
	done
	run -0 man_section "$top/man/dsamig-bench.8" JSON
	for key in level from to repeats backends sizes duration_s interrupted signal points \
		backend pages order bytes folios samples fallbacks segments total_ns median p25 p75 \
		min max phases sg_ns map_ns submit_ns wait_ns unmap_ns setup_ns transfer_ns copy_ns \
		ns_per_page; do
		assert_output --partial "$key"
	done
	run -0 man_section "$top/man/dsamig-bench.8" 'EXIT STATUS'
	assert_line --regexp '^       0 +'
	assert_line --regexp '^       1 +'
	assert_line --regexp '^       2 +'
}

@test "dsamig-bench(8) documents what the JSON has" {
	# every key the library writes is in the page: the keys of the source
	local key
	for key in $(grep -o 'json_[a-z0-9_]*(\(o\|j\|t\|ph\), "[a-z0-9_]*"' "$top/lib/bench.c" |
		sed 's/.*"\(.*\)"/\1/' | sort -u) $(grep -o 'json_object_object_add([a-z]*, "[a-z0-9_]*"' \
		"$top/lib/bench.c" | sed 's/.*"\(.*\)"/\1/' | sort -u); do
		run -0 man_section "$top/man/dsamig-bench.8" JSON
		assert_output --partial "$key"
	done
}

@test "bash completion: bench's options, levels, backends and nodes" {
	run -0 bash_complete dsamig bench --b
	assert_output -- --backends
	run -0 bash_complete dsamig bench --level ""
	assert_equal "$output" $'copy\nmigrate'
	run -0 bash_complete dsamig bench --backends cpu,d
	assert_output cpu,dsa
	run -0 bash_complete dsamig bench --from ""
	assert_line "0"
	run -0 bash_complete dsamig bench --repeats ""
	assert_output ""
}

@test "zsh completion: bench's options and levels" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh_complete 'dsamig bench --le'
	assert_output --partial -- --level
	run -0 zsh_complete 'dsamig bench --level '
	assert_equal "$(sort <<<"$output")" $'copy\nmigrate'
}

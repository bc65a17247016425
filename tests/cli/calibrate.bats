#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsamig calibrate on the host: usage errors, the refusal of non-root users,
# --help, the man page, the completions, and the analysis of a saved bench
# (--input) with its --save file. Measuring runs in the guest
# (tests/vm/suites/calibrate.bats): never run it here as root without
# --input, and never with --apply.

load helper

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# bench_json CPU_FIXED CPU_PAGE DSA_FIXED DSA_PAGE: a 'dsamig bench --json'
# result, cpu and dsa on those lines (ns) at 1 .. 512 pages, +-10% spread;
# dsa's transfer 50 us a descriptor + 1000 MB/s, also in one 2 MiB folio.
bench_json() {
	jq -n --argjson cf "$1" --argjson cp "$2" --argjson df "$3" --argjson dp "$4" '
	def pt(b; p; o; ns; seg; tr): {backend: b, pages: p, order: o, bytes: (p * 4096),
		samples: 10, fallbacks: 0, segments: seg,
		total_ns: {median: ns, p25: (ns * 0.9), p75: (ns * 1.1), min: (ns * 0.8),
			   max: (ns * 1.2)},
		phases: {sg_ns: 0, map_ns: 0, submit_ns: 0, wait_ns: tr, unmap_ns: 0},
		setup_ns: (ns - tr), transfer_ns: tr, copy_ns: 0};
	{level: "copy", from: 0, to: 1, repeats: 10, backends: ["cpu", "dsa"],
	 duration_s: 1.5, interrupted: false,
	 points: ([range(0; 10) | pow(2; .) | . as $p |
		pt("cpu"; $p; 0; $cf + $cp * $p; $p; 0),
		pt("dsa"; $p; 0; $df + $dp * $p; $p; 50000 * $p + 4096 * $p)] +
		[pt("dsa"; 512; 9; 3000000; 1; 50000 + 2097152)])}'
}

setup() {
	dir=$BATS_TEST_TMPDIR
}

@test "calibrate: usage errors exit 2 with one line" {
	run -2 --separate-stderr "$DSAMIG" calibrate 0
	assert_equal "$stderr" "dsamig calibrate: unexpected argument '0'; see 'dsamig calibrate --help'"
	run -2 --separate-stderr "$DSAMIG" calibrate --repeats 0
	assert_equal "$stderr" "dsamig calibrate: bad --repeats '0': a whole number from 1 to 1000; see 'dsamig calibrate --help'"
	run -2 --separate-stderr "$DSAMIG" calibrate --from x
	assert_equal "$stderr" "dsamig calibrate: bad node 'x' for --from: a node number; see 'dsamig calibrate --help'"
	run -2 --separate-stderr "$DSAMIG" calibrate --input f --to 1
	assert_equal "$stderr" "dsamig calibrate: --input excludes --from, --to and --repeats: the file says what was measured; see 'dsamig calibrate --help'"
	run -2 --separate-stderr "$DSAMIG" calibrate --save=
	assert_equal "$stderr" "dsamig calibrate: empty --save file; see 'dsamig calibrate --help'"
	# --save takes one FILE; a second word is an error
	run -2 --separate-stderr "$DSAMIG" calibrate --save a b
	assert_equal "$stderr" "dsamig calibrate: unexpected argument 'b'; see 'dsamig calibrate --help'"
	assert_output ""
}

@test "calibrate: not root is refused before anything is measured or set" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	run -1 --separate-stderr as_nobody "$DSAMIG" calibrate --quiet
	assert_equal "$stderr" "dsamig calibrate: must be run as root to run the bench through dsamig.ko; try 'sudo dsamig calibrate'"
	bench_json 100 1000 20000 300 >"$dir/b.json"
	run -1 --separate-stderr as_nobody "$DSAMIG" calibrate --input "$dir/b.json" --apply
	assert_equal "$stderr" "dsamig calibrate: must be run as root to set dsamig.ko's knobs; try 'sudo dsamig calibrate'"
	assert_output ""
}

@test "calibrate --help names every option" {
	local opt
	run -0 "$DSAMIG" calibrate --help
	for opt in --from --to --repeats --apply --save --input --json --quiet; do
		assert_output --partial -- "$opt"
	done
	assert_output --partial /etc/dsamig/calibration.conf
}

@test "calibrate --input: the threshold, the model, the lines and the engine of a saved bench" {
	bench_json 100 1000 20000 300 >"$dir/b.json"
	run -0 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json"
	assert_equal "$stderr" ""
	assert_line "Calibration of dsa against cpu, node 0 -> 1, 10 repeats (1.5 s)"
	assert_line "  threshold  32 pages: dsa is faster from 32 pages on, slower at 16"
	assert_line "  model      28.4 pages (21.6 .. 38.4 from the p25..p75 spread)"
	assert_line "  cpu line   100 ns + 1.0 us a page (r² 1.000, 10 sizes)"
	assert_line "  dsa line   20.0 us + 300 ns a page (r² 1.000, 10 sizes)"
	assert_line "  engine     50.0 us a descriptor + 1000.0 MB/s (r² 1.000, 11 points)"
	# standard input, JSON
	run -0 --separate-stderr "$DSAMIG" calibrate --input - --json <"$dir/b.json"
	[ "$(jq -c '[.found, .threshold, .backend, .bracket.lo, .bracket.hi, .model_pages]' <<<"$output")" = '[true,32,"dsa",16,32,28.4]' ]
	[ "$(jq -c '[.engine.desc_ns, .engine.mbps, .lines.cpu.per_page_ns, .lines.dsa.fixed_ns]' <<<"$output")" = '[50000,1000,1000,20000]' ]
	[ "$(jq '.bench.points | length' <<<"$output")" -eq 21 ]
	[ "$(jq -c '[.applied, .saved]' <<<"$output")" = '[false,null]' ]
}

@test "calibrate --input: dsa never wins, always wins" {
	bench_json 100 1000 20000 1100 >"$dir/b.json"
	run -0 "$DSAMIG" calibrate --input "$dir/b.json"
	assert_line "  threshold  none: dsa is slower than cpu at every size up to 512 pages; recommended backend=cpu"
	assert_line "  model      the lines do not cross: dsa's cost a page is not lower"
	run -0 "$DSAMIG" calibrate --input "$dir/b.json" --json
	[ "$(jq -c '[.found, .dsa_never_wins, .threshold, .backend, .model_pages]' <<<"$output")" = '[false,true,65536,"cpu",null]' ]
	bench_json 1000 1000 50 300 >"$dir/b.json"
	run -0 "$DSAMIG" calibrate --input "$dir/b.json" --json
	[ "$(jq -c '[.found, .dsa_always_wins, .threshold, .bracket.lo]' <<<"$output")" = '[true,true,1,0]' ]
}

@test "calibrate --input of dsa alone: the engine fit, no threshold" {
	bench_json 100 1000 20000 300 | jq '.points |= map(select(.backend == "dsa"))' >"$dir/b.json"
	run -0 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json"
	assert_line "  threshold  none: no size has both cpu and dsa points of 4 KiB"
	assert_line "  engine     50.0 us a descriptor + 1000.0 MB/s (r² 1.000, 11 points)"
	run -0 "$DSAMIG" calibrate --input "$dir/b.json" --json
	[ "$(jq -c '[.compared, .found, .threshold, .engine.desc_ns, .lines.cpu]' <<<"$output")" = '[false,false,null,50000,null]' ]
	run -1 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json" --save "$dir/c.conf"
	assert_equal "$stderr" "dsamig calibrate: no size has both cpu and dsa points: nothing saved"
	[ ! -e "$dir/c.conf" ]
}

@test "calibrate --input --save: the documented file, renamed into place" {
	bench_json 100 1000 20000 300 >"$dir/b.json"
	run -0 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json" --save "$dir/etc/cal.conf"
	assert_line "  saved      $dir/etc/cal.conf"
	run -0 grep -v '^#' "$dir/etc/cal.conf"
	assert_line threshold=32
	assert_line backend=dsa
	assert_line --regexp '^measured=20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z$'
	assert_line device=unknown
	assert_line bracket=16..32
	assert_line model_pages=28.4
	# every key the file has is documented in the man page's FILES
	for key in $(sed -n 's/^\([a-z_]*\)=.*/\1/p' "$dir/etc/cal.conf"); do
		man_section "$top/man/dsamig-calibrate.8" FILES | grep -qw -- "$key" ||
			fail "key $key not in dsamig-calibrate(8) FILES"
	done
	[ "$(stat -c %a "$dir/etc/cal.conf")" = 644 ]
	# no temporary file left beside it; --save=FILE replaces it
	bench_json 100 1000 20000 1100 >"$dir/b.json"
	run -0 "$DSAMIG" calibrate --input "$dir/b.json" --json --save="$dir/etc/cal.conf"
	[ "$(jq -r .saved <<<"$output")" = "$dir/etc/cal.conf" ]
	[ "$(ls "$dir/etc")" = cal.conf ]
	run -0 grep -x -e threshold=65536 -e backend=cpu "$dir/etc/cal.conf"
	assert_equal "${#lines[@]}" 2
}

@test "calibrate --save: nothing to save, or a file that cannot be written, exits 1" {
	# dsa faster in the middle, slower at 512: no recommendation
	bench_json 100 1000 20000 300 |
		jq '(.points[] | select(.backend == "dsa" and .pages == 512 and .order == 0)
		     | .total_ns.median) = 1e9' >"$dir/b.json"
	run -1 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json" --save "$dir/c.conf"
	assert_equal "$stderr" "dsamig calibrate: no threshold (dsa is not faster at the largest size): nothing saved"
	assert_line "  threshold  none: dsa is faster at some sizes but not at the largest; measure again with more --repeats"
	[ ! -e "$dir/c.conf" ]
	bench_json 100 1000 20000 300 >"$dir/b.json"
	run -1 --separate-stderr "$DSAMIG" calibrate --input "$dir/b.json" --save /proc/nope/c.conf
	[[ $stderr == "dsamig calibrate: cannot make /proc/nope: "* ]]
	run -1 --separate-stderr "$DSAMIG" calibrate --input "$dir/none.json"
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr%%:*}" "dsamig calibrate"
	echo '{"level": "copy"}' >"$dir/x.json"
	run -1 --separate-stderr "$DSAMIG" calibrate --input "$dir/x.json"
	assert_equal "$stderr" "dsamig calibrate: $dir/x.json: no points: not the output of 'dsamig bench --json'"
}

@test "dsamig-calibrate(8) renders without warnings, examples first" {
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/dsamig-calibrate.8"
	assert_equal "$stderr" ""
	run -0 man_section "$top/man/dsamig-calibrate.8" EXAMPLES
	assert_output --partial "dsamig calibrate --from 0 --to 1"
	run -0 man_section "$top/man/dsamig-calibrate.8" OPTIONS
	for opt in --from --to --repeats --apply --save --input --json --quiet; do
		assert_output --partial -- "$opt"
	done
}

@test "the completions complete calibrate's options" {
	run -0 bash_complete dsamig calibrate --
	for opt in --from --to --repeats --apply --save --input --json --quiet; do
		assert_line -- "$opt"
	done
	run -0 bash_complete dsamig calibrate --sa
	assert_output -- --save
	run -0 grep -E "^[[:space:]]*'calibrate:" "$top/completions/_dsamig"
	run -0 zsh_complete 'dsamig calibrate --re'
	assert_line -- --repeats
}

#!/usr/bin/env bats
# dsamig top against the guest kernel: batch JSON whose counts match
# /proc/vmstat, with and without dsamig.ko, and the screen in tmux.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash
load dsasim.bash

teardown() {
	# a dsamig top a failed test left in the background
	[ -z "${top_pid:-}" ] || { kill "$top_pid" 2>/dev/null; wait "$top_pid" 2>/dev/null; } || true
	tmux kill-server 2>/dev/null || true
	dsamig_unload
	dsasim_unload
	[ -z "$(dsamig_instances)" ]
}

# top_json ARGS...: dsamig top --batch --json in the background while
# migstress ARGS... runs; the workload must end within the first interval
# so that vmstat's deltas and dsamig's windows cover the same migrations.
top_json() {
	local pid
	"$DSAMIG" top --batch --json -n 3 -d 4 > "$BATS_TEST_TMPDIR/top.json" &
	pid=$!
	wait_tracing $pid
	before=$(pgmigrate)
	migstress_ok "$@"
	kill -0 $pid	# still tracing: the workload fell inside the window
	wait $pid
	after=$(pgmigrate)
	echo "pgmigrate before: $before, after: $after"
	cat "$BATS_TEST_TMPDIR/top.json"
}

# jsum FILTER: the sum of FILTER over the JSON objects.
jsum() {
	jq -s "map($1) | add" "$BATS_TEST_TMPDIR/top.json"
}

@test "top --batch --json --iterations 3: 3 JSON objects matching pgmigrate" {
	top_json --pages 512 --rounds 4 --writers 1
	[ "$(wc -l < "$BATS_TEST_TMPDIR/top.json")" -eq 3 ]
	jq -e . "$BATS_TEST_TMPDIR/top.json" > /dev/null
	[ "$(jq -s 'map(has("interval_s") and has("migrations") and has("dsa") and has("cpu")
		and has("lost_events")) | all' "$BATS_TEST_TMPDIR/top.json")" = true ]
	[ "$(jsum .lost_events)" -eq 0 ]
	[ "$(jq -s 'map(.module_loaded) | any' "$BATS_TEST_TMPDIR/top.json")" = false ]
	# all of vmstat's migrations, and the workload's own as syscall_or_cpuset
	[ "$(jsum .migrations_total.succeeded)" -eq $((${after% *} - ${before% *})) ]
	[ "$(jsum .migrations_total.failed)" -eq $((${after#* } - ${before#* })) ]
	[ "$(jsum .migrations.syscall_or_cpuset.succeeded)" -ge "$(json_field "$ms" moved)" ]
	[ "$(jsum '.dsa.pages')" -eq 0 ]
}

@test "top --batch --json with dsamig.ko (backend=cpu): module events, CPU pages" {
	dsamig_load backend=cpu threshold=32
	top_json --pages 512 --rounds 2 --writers 1
	[ "$(jq -s 'map(.module_loaded) | all' "$BATS_TEST_TMPDIR/top.json")" = true ]
	[ "$(jsum .migrations_total.succeeded)" -eq $((${after% *} - ${before% *})) ]
	[ "$(jsum '.cpu.pages + .cpu.backend_pages')" -gt 0 ]
}

@test "top --batch --json with dsamig.ko backend=dsa over dsasim: DSA pages and phase times" {
	dsasim_load
	dsasim_kernel_wq wq0.0 16
	dsasim_enable wq0.0
	dsamig_load backend=dsa threshold=32 ||
		skip "dsamig.ko does not load with backend=dsa over dsasim"
	top_json --pages 512 --rounds 2 --writers 1
	[ "$(jsum .migrations_total.succeeded)" -eq $((${after% *} - ${before% *})) ]
	[ "$(jsum .dsa.runs)" -gt 0 ]
	[ "$(jsum .dsa.pages)" -gt 0 ]
	for phase in sg_ns map_ns submit_ns wait_ns unmap_ns; do
		[ "$(jsum ".dsa.$phase")" -gt 0 ] || { echo "$phase is 0"; false; }
	done
}

@test "top --batch --csv: a header with calls and mt columns, then rows with sub-second times" {
	run -0 "$DSAMIG" top --csv -n 2 -d 0.5
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 0 --regexp '^time,interval_s,events,lost_events,compaction_succeeded,compaction_failed,compaction_calls,'
	assert_line --index 0 --partial ',syscall_or_cpuset_calls,'
	assert_line --index 0 --partial ',succeeded,failed,calls,dsa_runs,'
	assert_line --index 0 --partial ',dsa_sg_ns,dsa_map_ns,dsa_submit_ns,dsa_wait_ns,dsa_unmap_ns,'
	assert_line --index 0 --partial ',mt_runs,mt_pages,mt_fallback_runs,mt_sg_ns,mt_map_ns,mt_submit_ns,mt_wait_ns,mt_unmap_ns,cpu_pages,'
	assert_line --index 1 --regexp '^[0-9]{10}\.[0-9]{3},0\.[0-9]{3},'
	[ "$(head -1 <<<"$output" | tr , '\n' | wc -l)" -eq "$(tail -1 <<<"$output" | tr , '\n' | wc -l)" ]
}

@test "top --batch --json and text: sub-second times" {
	run -0 "$DSAMIG" top --json -n 1 -d 0.3
	assert_output --regexp '"time":[0-9]{10}\.[0-9]{3}[,}]'
	run -0 "$DSAMIG" top --batch -n 1 -d 0.3
	assert_line --index 2 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} +[0-9]'
}

@test "top --batch | head -1: the closed pipe ends it with status 0, its instance removed" {
	run -0 bash -c '"$0" top --batch -d 0.2 | head -1; echo "status ${PIPESTATUS[0]}"' "$DSAMIG"
	assert_line --index 0 "# dsamig.ko is not loaded: stock tracepoints only"
	assert_line --index 1 "status 0"
	[ -z "$(dsamig_instances)" ]
	run -0 bash -c '"$0" top --json -d 0.2 | head -c 10; echo; echo "status ${PIPESTATUS[0]}"' "$DSAMIG"
	assert_line --index 1 "status 0"
	[ -z "$(dsamig_instances)" ]
}

# wait_json_line FILE FROM FILTER: until a line after line FROM of FILE passes FILTER (10 s).
wait_json_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		# (jq 1.6's -e looks at the last line only: test for any output)
		tail -n +$(($2 + 1)) "$1" | jq -c "select($3)" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "no line after $2 of $1 passed $3:" >&2
	cat "$1" >&2
	return 1
}

@test "top follows dsamig.ko unloaded and loaded again: its events are read again" {
	local out=$BATS_TEST_TMPDIR/top.json n
	dsamig_load backend=cpu threshold=32
	"$DSAMIG" top --batch --json -d 0.5 > "$out" &
	top_pid=$!
	wait_tracing $top_pid
	dsamig_unload
	dsamig_load backend=cpu threshold=32
	n=$(wc -l < "$out")
	wait_json_line "$out" "$n" '.module_loaded'
	n=$(wc -l < "$out")
	migstress_ok --pages 512 --rounds 2 --writers 1
	wait_json_line "$out" "$n" '.migrations_total.succeeded > 0' || {
		kill -0 $top_pid && echo "top $top_pid still runs"
		grep -H . "$INSTANCES/dsamig-$top_pid"/{tracing_on,events/migrate/mm_migrate_pages/enable,events/dsamig/dsamig_run/enable,per_cpu/cpu*/stats}
		false
	}
	kill -TERM $top_pid
	wait $top_pid
	top_pid=
	cat "$out"
	[ "$(tail -n +$((n + 1)) "$out" | jq -s 'map(.module_loaded) | all')" = true ]
	[ "$(tail -n +$((n + 1)) "$out" | jq -s 'map(.cpu.pages + .cpu.backend_pages) | add')" -gt 0 ]
}

@test "top --batch text says the module is not loaded" {
	run -0 "$DSAMIG" top --batch -n 1 -d 0.5
	assert_line --index 0 "# dsamig.ko is not loaded: stock tracepoints only"
	assert_line --index 1 --regexp '^TIME +MIGR/s +FAIL/s +DSA pg/s +CPU pg/s'
}

# pane: the tmux pane's text
pane() {
	tmux capture-pane -p -t top
}

# wait_pane TEXT: until the pane shows TEXT (10 s at most).
wait_pane() {
	local i
	for ((i = 0; i < 100; i++)); do
		pane | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	pane
	echo "the pane never showed '$1'" >&2
	return 1
}

# screen_after_migrations COLS ROWS: dsamig top in a COLS x ROWS tmux pane,
# once it shows the migrations of a workload.
screen_after_migrations() {
	tmux new-session -d -s top -x "$1" -y "$2" "bash --norc"
	tmux send-keys -t top "$DSAMIG top -d 0.5; echo top-exit-\$?" Enter
	wait_pane "MIGRATIONS by reason"
	"$MIGSTRESS" --pages 512 --rounds 2 --writers 0 > /dev/null
	wait_pane "syscall_or_cpuset"
}

@test "the screen in tmux: panes, p pauses, q quits, the terminal is restored" {
	screen_after_migrations 100 50
	run pane
	assert_output --partial "dsamig.ko is not loaded"
	assert_output --partial "MIGRATE_PAGES() SIZE"
	assert_output --partial "COMPACTION and DAMON"
	assert_output --partial "fragmentation score (0-100):  node0"
	assert_output --partial "q quit  p pause"
	[ -n "$(dsamig_instances)" ]
	tmux send-keys -t top p
	wait_pane "[PAUSED]"
	tmux send-keys -t top t
	wait_pane "showing totals"
	tmux send-keys -t top '?'
	wait_pane "dsamig top keys"
	tmux send-keys -t top x q
	wait_pane "top-exit-0"
	# the shell echoes again: the terminal left cooked and echoing
	tmux send-keys -t top "echo usable-\$((40 + 2))" Enter
	wait_pane "usable-42"
	[ -z "$(dsamig_instances)" ]
}

@test "the screen fits 80x24 with dsamig.ko; at 60x15 it says what it hides, units kept" {
	dsamig_load backend=cpu threshold=32
	screen_after_migrations 80 24
	run pane
	for text in "COMPACTION and DAMON" "fragmentation score (0-100):  node0" \
		"  DAMON  regions applied/s" "RUN SIZE (pages)" "RUN LATENCY" COPIES "DSA PHASES" \
		"dsamig.ko:  backend cpu  threshold 32 pages" "q quit"; do
		assert_output --partial "$text"
	done
	refute_output --partial "hidden"
	tmux resize-window -t top -x 60 -y 15
	wait_pane "enlarge the terminal"
	run pane
	assert_line --regexp '^\.\.\. [0-9]+ panes?(, [0-9]+ columns?)? hidden:  enlarge the terminal$'
	# a column is shown whole, its unit in the header and on the values
	assert_line --regexp '^MIGRATIONS by reason +succeeded/s +failed/s +bytes/s$'
	assert_line --regexp '^  total +[0-9]+\.[0-9] +[0-9]+\.[0-9] +[0-9.]+ (B|KiB|MiB|GiB)$'
	assert_line --regexp '^COPIES +runs/s +pages/s +bytes/s +time/pg$'
	tmux send-keys -t top q
	wait_pane "top-exit-0"
}

@test "the screen: Ctrl-C quits and removes the instance" {
	tmux new-session -d -s top -x 80 -y 24 "bash --norc"
	tmux send-keys -t top "$DSAMIG top; echo top-exit-\$?" Enter
	wait_pane "MIGRATIONS by reason"
	tmux send-keys -t top C-c
	wait_pane "top-exit-0"
	tmux send-keys -t top "echo usable-\$((40 + 2))" Enter
	wait_pane "usable-42"
	[ -z "$(dsamig_instances)" ]
}

@test "a tiny terminal and a resize do not break the screen" {
	tmux new-session -d -s top -x 30 -y 6 "bash --norc"
	tmux send-keys -t top "$DSAMIG top -d 0.3; echo top-exit-\$?" Enter
	wait_pane "dsamig top"
	tmux resize-window -t top -x 120 -y 60
	wait_pane "COMPACTION and DAMON"
	tmux send-keys -t top q
	wait_pane "top-exit-0"
}

@test "SIGTERM ends top --batch and removes its instance; SIGKILL's is reaped next time" {
	"$DSAMIG" top --batch -d 0.5 > /dev/null &
	pid=$!
	wait_tracing $pid
	kill -TERM $pid
	wait $pid
	[ -z "$(dsamig_instances)" ]

	"$DSAMIG" top --batch -d 0.5 > /dev/null &
	pid=$!
	wait_tracing $pid
	kill -KILL $pid
	wait $pid || true
	[ "$(dsamig_instances)" = "dsamig-$pid" ]
	run -0 "$DSAMIG" top --batch -n 1 -d 0.2
	[ -z "$(dsamig_instances)" ]
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The dispatcher: global options, verbs, usage errors and exit statuses.

load helper

@test "--help shows usage, global options and the help command" {
	run --separate-stderr "$DSAMIG" --help
	assert_success
	assert_line --index 0 'Usage: dsamig [OPTION...] COMMAND [ARG...]'
	assert_line --regexp '^  -\?, --help +'
	assert_line --regexp '^      --usage +'
	assert_line --regexp '^  -V, --version +'
	assert_line --regexp '^  help +Show '
	assert_equal "$stderr" ""
}

@test "-? is --help" {
	run -0 "$DSAMIG" "-?"
	assert_equal "$output" "$("$DSAMIG" --help)"
}

@test "every command --help lists runs its own --help" {
	local verb n=0
	for verb in $(listed_verbs); do
		run --separate-stderr "$DSAMIG" "$verb" --help
		assert_success
		assert_line --index 0 --regexp "^Usage: dsamig $verb( |$)"
		assert_equal "$stderr" ""
		n=$((n + 1))
	done
	((n >= 1))
}

@test "--version prints the VERSION file" {
	run --separate-stderr "$DSAMIG" --version
	assert_success
	assert_output "dsamig $(cat "$top/VERSION")"
	assert_equal "$stderr" ""
}

@test "-V and an abbreviated --vers are --version" {
	run -0 "$DSAMIG" -V
	assert_output "dsamig $(cat "$top/VERSION")"
	run -0 "$DSAMIG" --vers
	assert_output "dsamig $(cat "$top/VERSION")"
}

@test "--usage prints one usage line" {
	run -0 --separate-stderr "$DSAMIG" --usage
	assert_output --regexp '^Usage: dsamig \[-\?V\] .*COMMAND \[ARG\.\.\.\]$'
	assert_equal "${#lines[@]}" 1
}

@test "an unknown command: exit 2, one line on stderr, nothing on stdout" {
	run -2 --separate-stderr "$DSAMIG" frob
	assert_equal "$stderr" "dsamig: 'frob' is not a dsamig command; see 'dsamig --help'"
	assert_output ""
}

@test "no command: a usage line and where to look on stderr, exit 2" {
	run -2 --separate-stderr "$DSAMIG"
	assert_equal "${stderr_lines[0]}" 'Usage: dsamig [OPTION...] COMMAND [ARG...]'
	assert_equal "${stderr_lines[1]}" \
		"dsamig: no command given; see 'dsamig --help' for the commands, or start with 'dsamig status'"
	assert_equal "${#stderr_lines[@]}" 2
	assert_output ""
}

@test "only global options and no command: the same hint, exit 2" {
	run -2 --separate-stderr "$DSAMIG" --
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[1]} == *"see 'dsamig --help'"* ]]
}

@test "an unknown long option: exit 2, one line naming it" {
	run -2 --separate-stderr "$DSAMIG" --frob
	assert_equal "$stderr" "dsamig: unrecognized option '--frob'"
	assert_output ""
}

@test "an unknown short option: exit 2, one line naming it" {
	run -2 --separate-stderr "$DSAMIG" -x help
	assert_equal "$stderr" "dsamig: invalid option -- 'x'"
	assert_output ""
}

@test "an argument to an option that takes none: exit 2, one line" {
	run -2 --separate-stderr "$DSAMIG" --version=1
	assert_equal "${#stderr_lines[@]}" 1
	assert_output ""
}

@test "options after the command belong to the command" {
	run -2 --separate-stderr "$DSAMIG" help --frob
	assert_equal "$stderr" "dsamig help: unrecognized option '--frob'"
	run -2 --separate-stderr "$DSAMIG" frob --version
	assert_equal "$stderr" "dsamig: 'frob' is not a dsamig command; see 'dsamig --help'"
	assert_output ""
}

@test "-- ends the global options" {
	run -0 "$DSAMIG" -- help
	assert_equal "$output" "$("$DSAMIG" --help)"
}

@test "dsamig help is dsamig --help" {
	run -0 --separate-stderr "$DSAMIG" help
	assert_equal "$output" "$("$DSAMIG" --help)"
	assert_equal "$stderr" ""
}

@test "dsamig help help shows the help command's usage" {
	run -0 --separate-stderr "$DSAMIG" help help
	assert_line --index 0 'Usage: dsamig help [OPTION...] [COMMAND]'
	assert_line --regexp '^  -\?, --help +'
	assert_equal "$output" "$("$DSAMIG" help --help)"
	assert_equal "$stderr" ""
}

@test "dsamig help nosuch: exit 2, one line" {
	run -2 --separate-stderr "$DSAMIG" help nosuch
	assert_equal "$stderr" "dsamig: 'nosuch' is not a dsamig command; see 'dsamig --help'"
	assert_output ""
}

@test "dsamig help with two commands: exit 2, one line" {
	run -2 --separate-stderr "$DSAMIG" help help help
	assert_equal "$stderr" "dsamig help: one command at a time; see 'dsamig help --help'"
	assert_output ""
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The man page and the completions know every command 'dsamig --help' lists,
# and no other, so a new verb cannot ship without them.

load helper

@test "dsamig --help lists at least one command" {
	run -0 listed_verbs
	assert_line help
}

@test "dsamig(8) renders without warnings" {
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/dsamig.8"
	assert_equal "$stderr" ""
	assert_line --partial 'dsamig - offload the page copies'
}

@test "dsamig(8) has the sections a man page needs" {
	local section
	for section in NAME SYNOPSIS DESCRIPTION EXAMPLES COMMANDS OPTIONS \
		'EXIT STATUS' 'SEE ALSO'; do
		run -0 man_section "$top/man/dsamig.8" "$section"
		refute_output ""
	done
}

@test "dsamig(8) COMMANDS documents exactly the commands --help lists" {
	local documented
	documented=$(man_section "$top/man/dsamig.8" COMMANDS |
		sed -n 's/^       \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' | sort)
	assert_equal "$documented" "$(listed_verbs | sort)"
}

@test "dsamig(8) OPTIONS documents every global option" {
	local opt
	for opt in --help --usage --version -V; do
		run -0 man_section "$top/man/dsamig.8" OPTIONS
		assert_output --partial -- "$opt"
	done
}

@test "dsamig(8) EXIT STATUS documents 0, 1 and 2" {
	run -0 man_section "$top/man/dsamig.8" 'EXIT STATUS'
	assert_line --regexp '^       0 +'
	assert_line --regexp '^       1 +'
	assert_line --regexp '^       2 +'
}

@test "the bash completion completes exactly the commands --help lists" {
	run -0 bash_complete dsamig ""
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
}

@test "the zsh completion names every command --help lists" {
	local verb
	for verb in $(listed_verbs); do
		run -0 grep -E "^[[:space:]]*'$verb:" "$top/completions/_dsamig"
	done
}

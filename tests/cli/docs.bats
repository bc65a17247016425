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

# page_verbs: the verbs that have a page of their own: all but help, which
# dsamig(8) documents.
page_verbs() {
	listed_verbs | grep -vx help
}

# sections FILE: the .SH section names of a man page, in order, one a line.
sections() {
	sed -n 's/^\.SH "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1"
}

@test "every command has a man page of its own, not a link to another" {
	local verb page n=0
	for verb in $(page_verbs); do
		page=$top/man/dsamig-$verb.8
		[ -f "$page" ] || fail "no man page $page for '$verb'"
		run -1 grep -q '^\.so ' "$page"
		run -0 sed -n '/^\.SH NAME$/{n;p;q}' "$page"
		# Named after its verb first (promote's page names demote too).
		[[ $output == "dsamig\-$verb \- "* || $output == "dsamig\-$verb, "* ]] ||
			fail "$page: NAME is '$output'"
		run -0 man_section "$page" SYNOPSIS
		assert_output --partial "dsamig $verb"
		run -0 man_section "$page" EXAMPLES
		assert_output --partial "dsamig $verb"
		n=$((n + 1))
	done
	((n >= 11))
}

@test "every man page renders without warnings" {
	local page
	for page in "$top"/man/*.8; do
		run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$page"
		assert_equal "$stderr" ""
	done
}

@test "every man page puts EXAMPLES first, after only NAME, SYNOPSIS and DESCRIPTION" {
	local page before
	for page in "$top"/man/*.8; do
		run -0 sections "$page"
		assert_line EXAMPLES
		before=$(sed '/^EXAMPLES$/q' <<<"$output" | sed '$d' | grep -vxE 'NAME|SYNOPSIS|DESCRIPTION' || true)
		[ -z "$before" ] || fail "${page##*/}: before EXAMPLES: $before"
	done
}

@test "dsamig(8) SEE ALSO lists the page of every command" {
	local verb
	run -0 sed -n '/^\.SH SEE ALSO/,$p' "$top/man/dsamig.8"
	for verb in $(page_verbs); do
		assert_line --regexp "^\.BR dsamig\\\\-$verb \(8\),?$"
	done
}

@test "every dsamig page a man page refers to exists" {
	local ref
	for ref in $(grep -ho 'dsamig\\-[a-z]* (8)' "$top"/man/*.8 | sed 's/\\//; s/ (8)//' | sort -u); do
		[ -f "$top/man/$ref.8" ] || fail "a page refers to $ref(8), which does not exist"
	done
}

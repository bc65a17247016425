# Shared by the tests/cli suites: assertions, the binary, and the verb list.
# SPDX-License-Identifier: GPL-2.0

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DSAMIG=${DSAMIG:-$top/build/dsamig}

# listed_verbs: the verbs 'dsamig --help' lists, one a line.
listed_verbs() {
	"$DSAMIG" --help | awk '/^Commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# man_section FILE NAME: the rendered text of one section of a man page.
man_section() {
	MANWIDTH=80 man -l "$1" 2>/dev/null | col -bx |
		awk -v name="$2" '/^[A-Z]/ { on = ($0 == name); next } on'
}

# bash_complete WORD...: what the bash completion offers for the command line
# WORD... (the last word is the one being completed), one a line.
bash_complete() {
	(
		# shellcheck source=/dev/null
		source "$top/completions/dsamig.bash"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_dsamig
		printf '%s\n' "${COMPREPLY[@]}"
	)
}

# zsh_complete LINE: what the zsh completion offers for LINE, one a line.
zsh_complete() {
	timeout 30 zsh -f "$BATS_TEST_DIRNAME/zcomplete.zsh" "$top/completions" "$1"
}

#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# completions/dsamig.bash and completions/_dsamig, run as the shells run them.

load helper

@test "bash: the file passes bash -n" {
	run -0 bash -n "$top/completions/dsamig.bash"
}

@test "bash: it registers _dsamig for dsamig" {
	run -0 bash -c 'source "$1"; complete -p dsamig' _ "$top/completions/dsamig.bash"
	assert_output 'complete -F _dsamig dsamig'
}

@test "bash: global options" {
	run -0 bash_complete dsamig -
	assert_equal "$output" $'--help\n--usage\n--version\n-V'
	run -0 bash_complete dsamig --v
	assert_output --version
}

@test "bash: commands, after global options and after --" {
	run -0 bash_complete dsamig he
	assert_output help
	run -0 bash_complete dsamig -V ""
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
	run -0 bash_complete dsamig -- ""
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
	run -0 bash_complete dsamig -- -
	assert_output ""
}

@test "bash: help completes one command name" {
	run -0 bash_complete dsamig help ""
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
	run -0 bash_complete dsamig help he
	assert_output help
	run -0 bash_complete dsamig help help ""
	assert_output ""
}

@test "bash: help's own options" {
	run -0 bash_complete dsamig help --
	assert_equal "$output" $'--help\n--usage'
}

@test "bash: an unknown command completes nothing" {
	run -0 bash_complete dsamig frob ""
	assert_output ""
}

@test "zsh: the file passes zsh -n" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh -n "$top/completions/_dsamig"
}

@test "zsh: commands and global options" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh_complete 'dsamig '
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
	run -0 zsh_complete 'dsamig -'
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' '-?' --help --usage -V --version | sort)"
}

@test "zsh: help completes command names, and nothing follows --version" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh_complete 'dsamig help '
	assert_equal "$(sort <<<"$output")" "$(listed_verbs | sort)"
	run -0 zsh_complete 'dsamig --version '
	assert_output ""
}

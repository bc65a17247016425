#!/bin/zsh -f
# SPDX-License-Identifier: GPL-2.0
# Print the candidates that zsh offers for a command line, one a line, with
# the completion functions of one directory first in fpath:
#   zcomplete.zsh DIR 'dsamig help '
# An interactive zsh in a pseudo-terminal is sent the line and a TAB, with
# compadd wrapped to print what it adds: completion only runs in a live ZLE.
zmodload zsh/zpty || exit 1

zpty comp zsh -f -i
zpty -w comp "PROMPT=; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w comp 'compadd() {
	builtin compadd "$@"; local -a m; builtin compadd -O m "$@"; print -rl -- "<M>"$^m
}'
zpty -w comp "print '<READY>'"
zpty -r comp line '*<READY>*'
zpty -n -w comp "$2"$'\t'
# Clear the edited line, then mark the end of the output.
zpty -w comp $'\C-u'"print '<DONE>'"

matches=()
while zpty -r comp line; do
	[[ $line == *'<DONE>'* && $line != *print* ]] && break
	[[ $line == *'<M>'* ]] && matches+=("${${line##*<M>}%%$'\r'*}")
done
zpty -d comp
print -rl -- ${(u)matches}

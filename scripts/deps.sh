#!/bin/bash
# Install the Debian packages that dsamig's build and tests need.
# Idempotent and quiet when everything is present; run as root.
set -euo pipefail

pkgs=(build-essential pkg-config
	libaccel-config-dev accel-config libkmod-dev kmod
	libtracefs-dev libtraceevent-dev libncurses-dev libjson-c-dev
	libcmocka-dev bats bats-support bats-assert libxml2-utils
	qemu-system-x86 busybox-static cpio pahole tmux zsh trace-cmd numactl jq
	file xz-utils gzip
	# the trixie userland that builds modules for trixie's kernels (tests/vm/userland.sh)
	mmdebstrap)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

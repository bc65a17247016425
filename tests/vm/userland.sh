#!/bin/bash
# A minimal Debian userland with the toolchain a suite's kernels are built
# with (trixie: gcc-14 and a glibc new enough for the kbuild host tools),
# made with mmdebstrap from Debian's archive into the shared cache. Modules
# for those kernels are built in it with chroot (scripts/kbuild.sh), as DKMS
# would on that distribution. Made once, reused by every run and clone.
#
# usage: tests/vm/userland.sh SUITE      prints the userland's path
# Cache: ${DSAMIG_CACHE:-/var/cache/dsamig}/userland/SUITE
set -euo pipefail

suite=${1:?usage: tests/vm/userland.sh SUITE}
base=${DSAMIG_CACHE:-/var/cache/dsamig}
dir=$base/userland/$suite

say() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

# What the kernel's linux-headers and linux-kbuild packages depend on.
pkgs=gcc-14,gcc-14-for-host,make,libc6-dev,libelf1t64,libssl3t64,zlib1g,pahole,kmod,xz-utils

mkdir -p "$base/userland"
exec 9>"$base/userland/$suite.lock"
flock 9
if [[ -f $dir/.dsamig-complete && $(<"$dir/.dsamig-complete") == "$pkgs" ]]; then
	echo "$dir"
	exit 0
fi

command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run 'make deps'"
mirror=${DSAMIG_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
	mirror=$(apt-cache policy 2>/dev/null |
		awk '$3 ~ /^(bookworm|trixie)\/main$/ && $2 ~ /^https?:/ { print $2; exit }')
fi
[[ -n $mirror ]] || die "no Debian mirror in the host's apt sources; set DSAMIG_DEBIAN_MIRROR"

say "making a $suite userland with $pkgs in $dir (once)"
rm -rf "$dir" "$dir.tmp"
mmdebstrap --quiet --mode=root --variant=apt --include="$pkgs" \
	--aptopt='Acquire::Languages "none"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	"$suite" "$dir.tmp" "deb $mirror $suite main" >&2 ||
	die "mmdebstrap of $suite failed"
rm -rf "$dir.tmp/var/cache/apt/archives/"*.deb "$dir.tmp/var/lib/apt/lists/"*_Packages*
echo "$pkgs" > "$dir.tmp/.dsamig-complete"
mv "$dir.tmp" "$dir"
say "$suite userland ready"
echo "$dir"

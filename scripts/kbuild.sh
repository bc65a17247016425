#!/bin/bash
# Build external modules for one guest kernel, with the toolchain that kernel
# was built with, into build/kmod/KVER/.
#
# usage: scripts/kbuild.sh KERNEL_ENV DIR... [-- MAKE_ARGS...]
#   KERNEL_ENV  a kernel.env written by tests/vm/kernel.sh (KVER, KDIR, USERLAND)
#   DIR         a module source directory of the tree (kmod/dsamig, ...)
#
# Each DIR is built in build/kmod/KVER/obj/DIR, a directory of symlinks to its
# sources (and to DIR/../include), so the kernels' objects never mix and the
# source directories stay clean; the .ko files are copied to build/kmod/KVER/.
# A kernel with USERLAND set (trixie's, built with gcc-14 against trixie's
# glibc) is built by chroot into that userland (tests/vm/userland.sh) in a
# private mount namespace where the tree and the kernel cache are bind-mounted
# at their own paths; the 6.12 of bookworm-backports builds on the host.
set -euo pipefail

die() { printf 'kbuild: error: %s\n' "$*" >&2; exit 1; }

top=$(cd "$(dirname "$0")/.." && pwd)
env_file=${1:?usage: scripts/kbuild.sh KERNEL_ENV DIR... [-- MAKE_ARGS...]}
shift
env_file=$(cd "$(dirname "$env_file")" && pwd)/$(basename "$env_file")
dirs=()
while [[ $# -gt 0 && $1 != -- ]]; do
	dirs+=("$1")
	shift
done
[[ ${1:-} == -- ]] && shift
make_args=("$@")

KVER= KDIR= USERLAND=
# shellcheck source=/dev/null
. "$env_file"
[[ -n $KVER && -f $KDIR/Makefile ]] || die "$env_file names no kernel headers"
out=$top/build/kmod/$KVER

# mirror SRC DST: DST holds a symlink to each source file of SRC, no more:
# not the *.mod.c that an in-place build (make KDIR=...) leaves in SRC, which
# modpost would write through for another kernel.
mirror() {
	mkdir -p "$2"
	find "$2" -maxdepth 1 -type l -delete
	find "$1" -maxdepth 1 -type f \( -name '*.[chS]' -o -name Kbuild -o -name Makefile \) \
		! -name '*.mod.c' -exec ln -s -t "$2" {} +
}

for d in "${dirs[@]}"; do
	d=${d%/}
	[[ -f $top/$d/Kbuild ]] || die "$d has no Kbuild"
	mirror "$top/$d" "$out/obj/$d"
	[[ ! -d $top/$d/../include ]] || mirror "$top/$d/../include" "$out/obj/$(dirname "$d")/include"
done

# The commands, run on the host or in the userland.
extra=
[[ ${#make_args[@]} -eq 0 ]] || extra=$(printf ' %q' "${make_args[@]}")
cmds=()
for d in "${dirs[@]}"; do
	d=${d%/}
	o=$(printf %q "$out/obj/$d")
	cmds+=("rm -f $o/.failed; make -s -C $(printf %q "$KDIR") M=$o$extra modules || { rc=1; touch $o/.failed; }")
done
# Every module is tried; the status says whether all built.
script="rc=0; $(printf '%s; ' "${cmds[@]}") exit \$rc"

rc=0
if [[ -z $USERLAND ]]; then
	bash -c "$script" || rc=$?
else
	ul=$("$top/tests/vm/userland.sh" "$USERLAND")
	kcache=$(dirname "$env_file")
	# Private namespace: the bind mounts vanish with it, the host's mount
	# table is untouched.
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		ul=$1 top=$2 kcache=$3 script=$4
		for p in "$top" "$kcache"; do
			mkdir -p "$ul$p"
			mount --bind "$p" "$ul$p"
		done
		mount --bind /dev "$ul/dev"
		mount -t proc proc "$ul/proc"
		exec chroot "$ul" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C.UTF-8 \
			/bin/bash -c "$script"' kbuild "$ul" "$top" "$kcache" "$script" || rc=$?
fi

for d in "${dirs[@]}"; do
	d=${d%/}
	# A module that failed to build leaves no stale .ko behind.
	for ko in "$out/obj/$d"/*.ko; do
		[[ -f $ko ]] || continue
		if [[ -e $out/obj/$d/.failed ]]; then
			rm -f "$out/${ko##*/}"
		else
			cp -p "$ko" "$out/"
		fi
	done
done
((rc == 0)) || printf 'kbuild: error: some modules did not build for %s\n' "$KVER" >&2
exit "$rc"

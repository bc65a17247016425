#!/bin/bash
# Fetch a Debian kernel (image, modules, headers, kbuild of one version) of
# one series into a private cache and make its headers usable there. The
# newest package of the series is resolved when the cache is made; the
# host's apt configuration is read for its Debian mirror but never changed.
#
# usage: tests/vm/kernel.sh [--kernel SERIES] [--print] [CACHE_DIR]
#   SERIES     6.12 (default: bookworm-backports), 6.12-trixie (Debian 13's
#              own, trixie main), 7.3 (trixie-backports)
#   CACHE_DIR  default $DSAMIG_VM_CACHE, else
#              ${DSAMIG_CACHE:-/var/cache/dsamig}/kernel/SERIES
#   --print    print the path of CACHE_DIR/kernel.env on stdout
# prints nothing else when the cache is complete; writes CACHE_DIR/kernel.env
set -euo pipefail

say() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

series=${DSAMIG_KERNEL:-6.12} print= cache=
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) series=${2:?--kernel needs a series}; shift 2 ;;
	--kernel=*) series=${1#--kernel=}; shift ;;
	--print) print=1; shift ;;
	-*) die "kernel.sh: unknown option '$1'" ;;
	*) cache=$1; shift ;;
	esac
done

# SERIES -> the suite it comes from, the version prefix, and the userland
# its modules build in (tests/vm/userland.sh; empty: the host, bookworm).
case $series in
6.12) suite=bookworm-backports match=6.12 userland= ;;
6.12-trixie) suite=trixie match=6.12 userland=trixie ;;
7.3) suite=trixie-backports match=7.3 userland=trixie ;;
*) die "unknown kernel series '$series' (6.12, 6.12-trixie, 7.3)" ;;
esac

base=${DSAMIG_CACHE:-/var/cache/dsamig}
cache=${cache:-${DSAMIG_VM_CACHE:-$base/kernel/$series}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
env_file=$cache/kernel.env

# One fetch at a time per cache: several clones share it.
exec 9>"$cache/.lock"
flock 9

# A complete cache is reused: the archive moves on, but a run must not.
if [[ -f $env_file && -z ${DSAMIG_KERNEL_REFRESH:-} ]]; then
	cached=$(sed -n 's/^SERIES=//p' "$env_file")
	[[ ${cached:-6.12} == "$series" ]] ||
		die "$cache holds kernel series ${cached:-6.12}, not $series (unset DSAMIG_VM_CACHE?)"
	[[ -z $print ]] || echo "$env_file"
	exit 0
fi

# The mirror that the host's apt uses for Debian (or DSAMIG_DEBIAN_MIRROR).
mirror=${DSAMIG_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
	mirror=$(apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^https?:/ { print $2; exit }')
fi
[[ -n $mirror ]] || die "no Debian bookworm mirror in the host's apt sources; set DSAMIG_DEBIAN_MIRROR"

apt_dir=$cache/apt
mkdir -p "$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial "$apt_dir"/prefs.d
printf 'deb %s %s main\n' "$mirror" "$suite" > "$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o "Dir::Etc::PreferencesParts=$apt_dir/prefs.d"
	-o Dir::Etc::Preferences=/dev/null
	-o "Dir::State=$apt_dir/state"
	-o "Dir::State::status=$apt_dir/state/status"
	-o "Dir::Cache=$apt_dir/cache"
	-o APT::Sandbox::User=root
	-o Debug::NoLocking=1)
touch "$apt_dir/state/status"

say "resolving the newest $match kernel in $suite"
apt-get "${apt_opts[@]}" -qq update || die "apt-get update of $suite failed"
has() { [[ -n $(apt-cache "${apt_opts[@]}" show "$1" 2>/dev/null | sed -n 1p) ]]; }

# The newest ABI of the series among the amd64 headers packages.
re="^linux-headers-(${match//./\\.}\\.[0-9]+\\+deb[0-9]+)-amd64\$"
abi=$(apt-cache "${apt_opts[@]}" pkgnames "linux-headers-$match." 2>/dev/null |
	sed -En "s/$re/\\1/p" | sort -V | tail -n 1)
[[ -n $abi ]] || die "$suite has no $match amd64 kernel"

# Up to 6.x one linux-image package holds vmlinuz and the modules; 7.x splits
# them into linux-binary (vmlinuz), linux-modules and linux-base.
if has "linux-modules-$abi-amd64"; then
	layout=split
	pkgs=("linux-modules-$abi-amd64")
	if has "linux-binary-unsigned-$abi-amd64"; then
		pkgs+=("linux-binary-unsigned-$abi-amd64")
	else
		pkgs+=("linux-binary-$abi-amd64")
	fi
	! has "linux-base-$abi-amd64" || pkgs+=("linux-base-$abi-amd64")
else
	layout=image
	if has "linux-image-$abi-amd64-unsigned"; then
		pkgs=("linux-image-$abi-amd64-unsigned")
	else
		pkgs=("linux-image-$abi-amd64")
	fi
fi
pkgs+=("linux-headers-$abi-amd64" "linux-headers-$abi-common" "linux-kbuild-$abi")

say "downloading ${pkgs[*]}"
dl=$apt_dir/debs
rm -rf "$dl" && mkdir -p "$dl"
(cd "$dl" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}") ||
	die "apt-get download failed"

root=$cache/root
rm -rf "$root" && mkdir -p "$root"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$root"
done
rm -rf "$dl"

# trixie's packages are merged-/usr: /usr/lib/modules, no /lib.
[[ -e $root/lib || ! -d $root/usr/lib/modules ]] || ln -s usr/lib "$root/lib"
kver=$(ls "$root/lib/modules")
[[ $kver == "$match".* ]] || die "unexpected kernel version '$kver' in the $layout packages"
moddir=$(cd "$root/lib/modules/$kver" && pwd -P)
hdr=$root/usr/src/linux-headers-$kver
[[ -d $hdr ]] || die "headers for $kver missing after unpacking"
# /boot/vmlinuz-KVER up to 6.x; 7.x's linux-binary puts it next to the modules.
vmlinuz=
for f in "$root/boot/vmlinuz-$kver" "$moddir/vmlinuz" "$moddir/vmlinuz.unsigned"; do
	[[ -f $f ]] && { vmlinuz=$f; break; }
done
[[ -n $vmlinuz ]] || die "no vmlinuz for $kver in the $layout packages"

# The packaged headers point at /usr/src and /usr/lib/linux-kbuild-* by
# absolute paths: point them into the cache instead.
grep -rlZ --include=Makefile -e '/usr/src/linux-headers' -e '/usr/lib/linux-kbuild' "$hdr" |
	xargs -0 -r sed -i -e "s|/usr/src/linux-headers|$root/usr/src/linux-headers|g" \
		-e "s|/usr/lib/linux-kbuild|$root/usr/lib/linux-kbuild|g"
find "$root/usr/src" "$moddir" -maxdepth 2 -type l | while read -r l; do
	t=$(readlink "$l")
	if [[ $t == /* ]]; then
		ln -sfn "$root$t" "$l"
	fi
done

# The guest loads modules with modprobe: uncompress them once for speed
# and for busybox's insmod in the initramfs, then index them.
find "$moddir" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 xz -d
depmod -b "$root" "$kver"

cat > "$env_file.tmp" <<EOT
SERIES=$series
SUITE=$suite
KVER=$kver
VMLINUZ=$vmlinuz
KDIR=$hdr
MODDIR=$moddir
USERLAND=$userland
EOT
mv "$env_file.tmp" "$env_file"
say "guest kernel $kver ($series, $suite) ready in $cache"
[[ -z $print ]] || echo "$env_file"

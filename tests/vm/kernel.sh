#!/bin/bash
# Fetch Debian's 6.12 kernel (image, headers, kbuild of one version) from
# bookworm-backports into a private cache and make its headers usable there.
# The host's apt configuration is read for its Debian mirror but never changed.
#
# usage: tests/vm/kernel.sh [CACHE_DIR]        (default: build/vm)
# prints nothing when the cache is complete; writes CACHE_DIR/kernel.env
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${1:-$top/build/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
env_file=$cache/kernel.env

# A complete cache is reused: the archive moves on, but a run must not.
if [[ -f $env_file && -z ${DSAMIG_KERNEL_REFRESH:-} ]]; then
	exit 0
fi

say() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

# The mirror that the host's apt uses for bookworm (or DSAMIG_DEBIAN_MIRROR).
mirror=${DSAMIG_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
	mirror=$(apt-cache policy 2>/dev/null |
		awk '$3 == "bookworm/main" && $2 ~ /^https?:/ { print $2; exit }')
fi
[[ -n $mirror ]] || die "no Debian bookworm mirror in the host's apt sources; set DSAMIG_DEBIAN_MIRROR"

apt_dir=$cache/apt
mkdir -p "$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial "$apt_dir"/prefs.d
printf 'deb %s bookworm-backports main\n' "$mirror" > "$apt_dir/sources.list"
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

say "resolving the current 6.12 kernel in bookworm-backports"
apt-get "${apt_opts[@]}" -qq update || die "apt-get update of bookworm-backports failed"

# linux-image-amd64 (the backports metapackage) names the current ABI.
abi=$(apt-cache "${apt_opts[@]}" show linux-image-amd64 2>/dev/null |
	sed -n 's/^Depends:.*linux-image-\(6\.12\.[^ ]*\)-amd64 .*/\1/p' | head -n 1)
[[ -n $abi ]] || die "bookworm-backports has no 6.12 linux-image-amd64"
pkgs=("linux-image-$abi-amd64-unsigned" "linux-headers-$abi-amd64"
	"linux-headers-$abi-common" "linux-kbuild-$abi")

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

kver=$(ls "$root/lib/modules")
[[ $kver == 6.12.* ]] || die "unexpected kernel version '$kver' in the image package"
hdr=$root/usr/src/linux-headers-$kver
[[ -d $hdr ]] || die "headers for $kver missing after unpacking"

# The packaged headers point at /usr/src and /usr/lib/linux-kbuild-* by
# absolute paths: point them into the cache instead.
grep -rlZ --include=Makefile -e '/usr/src/linux-headers' -e '/usr/lib/linux-kbuild' "$hdr" |
	xargs -0 -r sed -i -e "s|/usr/src/linux-headers|$root/usr/src/linux-headers|g" \
		-e "s|/usr/lib/linux-kbuild|$root/usr/lib/linux-kbuild|g"
find "$root/usr/src" "$root/lib/modules/$kver" -maxdepth 2 -type l | while read -r l; do
	t=$(readlink "$l")
	if [[ $t == /* ]]; then
		ln -sfn "$root$t" "$l"
	fi
done

# The guest loads modules with modprobe: uncompress them once for speed
# and for busybox's insmod in the initramfs, then index them.
find "$root/lib/modules/$kver" -name '*.ko.xz' -print0 | xargs -0 -r -P "$(nproc)" -n 64 xz -d
depmod -b "$root" "$kver"

cat > "$env_file.tmp" <<EOT
KVER=$kver
VMLINUZ=$root/boot/vmlinuz-$kver
KDIR=$hdr
MODDIR=$root/lib/modules/$kver
EOT
mv "$env_file.tmp" "$env_file"
say "guest kernel $kver ready in $cache"

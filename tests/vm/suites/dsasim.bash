# Helpers for the dsasim guest suites (and the benchmarks, which source it):
# load the simulated device, drive it through sysfs, run the unmodified
# accel-config against it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# The modules built for the running kernel (scripts/kbuild.sh).
KMOD=$TOP/build/kmod/$(uname -r)
DSASIM_KO=$KMOD/dsasim.ko
CLIENT_KO=$KMOD/dsasim_client.ko
DSA=/sys/bus/dsa/devices
DRV=/sys/bus/dsa/drivers
PARAMS=/sys/module/dsasim/parameters
STATS=/sys/kernel/debug/dsasim/dsa0
CLIENT=/sys/module/dsasim_client/parameters

dsasim_load() {
	insmod "$DSASIM_KO" "$@"
}

# Unbind everything and unload: each test starts from a fresh device.
dsasim_unload() {
	local d
	[[ -d /sys/module/dsasim_client ]] && rmmod dsasim_client
	[[ -d /sys/module/dsasim ]] || return 0
	for d in "$DSA"/wq*; do
		[[ -e $d/driver ]] && echo "${d##*/}" > "$d/driver/unbind"
	done
	for d in "$DSA"/dsa[0-9]*; do
		[[ -e $d/driver ]] && echo "${d##*/}" > "$d/driver/unbind"
	done
	rmmod dsasim
}

# accelcfg ARGS...: the unmodified accel-config. It refuses to run without
# /sys/module/idxd; give it one in a private mount namespace only.
accelcfg() {
	unshare --mount --propagation private bash -c '
		mount -t tmpfs -o mode=0755 dsasim-test /sys/module &&
		mkdir /sys/module/idxd && exec accel-config "$@"' accelcfg "$@"
}

# accelcfg_kernel_wq: the documented kernel WQ setup of dsa0, by accel-config.
accelcfg_kernel_wq() {
	accelcfg config-engine dsa0/engine0.0 --group-id=0 &&
		accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
			--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine &&
		accelcfg enable-device dsa0 && accelcfg enable-wq dsa0/wq0.0
}

# sysw FILE VALUE: one write(2) of VALUE, as echo does; prints strerror on failure.
sysw() {
	bash -c 'echo "$2" > "$1"' sysw "$1" "$2" 2>&1 | sed 's/.*: //'
	return "${PIPESTATUS[0]}"
}

# wq_dev WQ: the N of wqN.M, its device's number.
wq_dev() {
	local n=${1#wq}
	echo "${n%%.*}"
}

# A kernel WQ for dmaengine, configured through sysfs as the documentation
# says, with the first engine of its device (wqN.M: dsaN).
dsasim_kernel_wq() {
	local wq=${1:-wq0.0} size=${2:-16} group=${3:-0}
	echo "$group" > "$DSA/engine$(wq_dev "$wq").0/group_id"
	echo "$group" > "$DSA/$wq/group_id"
	echo dedicated > "$DSA/$wq/mode"
	echo "$size" > "$DSA/$wq/size"
	echo 10 > "$DSA/$wq/priority"
	echo kernel > "$DSA/$wq/type"
	echo dmaengine > "$DSA/$wq/name"
	echo dmaengine > "$DSA/$wq/driver_name"
}

dsasim_enable() {
	local wq=${1:-wq0.0}
	echo "dsa$(wq_dev "$wq")" > "$DRV/idxd/bind"
	echo "$wq" > "$DRV/dmaengine/bind"
}

cmd_status() {
	cat "$DSA/dsa0/cmd_status"
}

# dsasim_fault NAME VALUE [DEV]: one of dsasim's per-device faults (debugfs).
dsasim_fault() {
	echo "$2" > "/sys/kernel/debug/dsasim/${3:-dsa0}/fault/$1"
}

stat_of() {
	cat "$STATS/$1"
}

# client ARGS...: one pass of the test client module; its results stay
# readable (result NAME) until the next pass or rmmod.
client() {
	[[ -d /sys/module/dsasim_client ]] && rmmod dsasim_client
	insmod "$CLIENT_KO" "$@"
}

result() {
	cat "$CLIENT/$1"
}

# dsasim_kernel_wq_up: dsasim with one enabled kernel WQ (wq0.0, 32 entries),
# the set-up of suites that run dsamig.ko's dsa backend over it.
dsasim_kernel_wq_up() {
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
}

# dsasim_kernel_wq_down: WQs leave dmaengine while dsamig.ko holds their
# channels (it must give them back, and release any quarantined run), then
# the modules go. Needs dsamig.bash (dsamig_unload).
dsasim_kernel_wq_down() {
	local d
	for d in "$DSA"/wq*; do
		[[ -e $d/driver ]] && echo "${d##*/}" > "$d/driver/unbind"
	done
	dsamig_unload
	dsasim_unload
}

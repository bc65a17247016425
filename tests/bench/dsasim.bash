# Sourced by benchmarks: load dsasim.ko and give dmaengine one simulated DSA
# device with one dedicated kernel work queue (wq0.0), as dsamig setup would.
# Needs $top (the source tree).
dsasim_wq() {
	local dsa=/sys/bus/dsa
	insmod "$top/kmod/dsasim/dsasim.ko"
	echo 0 > $dsa/devices/engine0.0/group_id
	echo 0 > $dsa/devices/wq0.0/group_id
	echo dedicated > $dsa/devices/wq0.0/mode
	echo 64 > $dsa/devices/wq0.0/size
	echo 10 > $dsa/devices/wq0.0/priority
	echo kernel > $dsa/devices/wq0.0/type
	echo dmaengine > $dsa/devices/wq0.0/name
	echo dmaengine > $dsa/devices/wq0.0/driver_name
	echo dsa0 > $dsa/drivers/idxd/bind
	echo wq0.0 > $dsa/drivers/dmaengine/bind
}

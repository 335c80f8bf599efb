#!/bin/sh
# Guest /init (busybox sh). Kernel command-line words name=value without a dot
# arrive here as environment variables: probesizes (required), probemode.
# Order matters: capture-root runs BEFORE the probe is loaded.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
up() { cut -d' ' -f1 /proc/uptime; }
echo "@@INIT uptime=$(up)"
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko 2>/dev/null; done
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host0 /mnt/host; then
	echo "@@FAIL 9p mount"
	poweroff -f
fi
O=/mnt/host
echo "@@T capture-start $(up)"
capture-root $O/root 2>$O/capture.err
echo "capture_rc=$?" > $O/status
echo "@@T capture-done $(up)"
insmod /lib/modules/headroom_probe.ko sizes="${probesizes:-1G}" mode="${probemode:-old}"
echo "insmod_rc=$?" >> $O/status
# dmesg, not the console: "quiet" keeps pr_info off the serial line
dmesg | grep 'headroom_probe: ' > $O/probe.txt
rmmod headroom_probe
echo "rmmod_rc=$?" >> $O/status
if grep -q headroom_probe /proc/iomem; then
	echo "iomem_clean=no" >> $O/status
	grep headroom_probe /proc/iomem > $O/iomem-leftover
else
	echo "iomem_clean=yes" >> $O/status
fi
echo "@@T probe-done $(up)"
cat $O/status
sed 's/^\[[ 0-9.]*\] //' $O/probe.txt
sync
umount $O
echo "@@DONE uptime=$(up)"
poweroff -f

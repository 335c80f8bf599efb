#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest /init (busybox sh). Kernel command-line words name=value without a dot
# arrive here as environment variables: probesizes (required), probemode,
# hmmtests (1: also run hmm-tests when test_hmm loaded).
# Order matters: capture-root runs BEFORE the probe is loaded. The probe's
# answer is read from sysfs before rmmod; its dmesg lines are kept for
# information only.
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
# the answer (kernel-answer v1 text), as a live "headroom validate" reads it
cat /sys/module/headroom_probe/parameters/answer > $O/answer
echo "answer_rc=$?" >> $O/status
# the probe released every region before init returned: with the module
# still loaded, /proc/iomem must already be clean
if grep -q headroom_probe /proc/iomem; then
	echo "iomem_clean=no" >> $O/status
	grep headroom_probe /proc/iomem > $O/iomem-leftover
else
	echo "iomem_clean=yes" >> $O/status
fi
# dmesg, not the console: "quiet" keeps pr_info off the serial line
dmesg | grep 'headroom_probe: ' > $O/probe.txt
# kernel warnings so far (the series WARNs on a pagemap of 128 GiB or more)
dmesg | grep -A24 -E '(WARNING|BUG):' > $O/warnings
rmmod headroom_probe
echo "rmmod_rc=$?" >> $O/status
echo "@@T probe-done $(up)"
# lib/test_hmm, the kernel's own device-private consumer (a kernel tree built
# with TEST_HMM=m): two 256 MiB chunks at load, carved from physical address
# space by the stock kernel, not by the series. After the probe, so the
# capture and the answer see the machine without it.
if [ -f /lib/modules/test_hmm.ko ]; then
	insmod /lib/modules/test_hmm.ko
	rc=$?
	{
		echo "# headroom test_hmm v1"
		echo "insmod $rc"
		grep hmm_dmirror /proc/iomem | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : .*/iomem 0x\1-0x\2/'
		dmesg | grep -E 'added new [0-9]+ MB chunk' | sed 's/^\[[ 0-9.]*\] /chunk /'
	} > $O/test-hmm
	if [ $rc -eq 0 ] && [ -n "${hmmtests:-}" ] && [ -x /bin/hmm-tests ]; then
		echo "@@T hmm-tests-start $(up)"
		timeout 600 /bin/hmm-tests > $O/hmm-tests.txt 2>&1
		echo "hmm_tests_rc=$?" >> $O/status
		echo "@@T hmm-tests-done $(up)"
	fi
	[ $rc -eq 0 ] && rmmod test_hmm
fi
cat $O/status
cat $O/answer
sync
umount $O
echo "@@DONE uptime=$(up)"
poweroff -f

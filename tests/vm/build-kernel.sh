#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-kernel.sh [DIR]                                     (default /var/tmp/headroom-kernel)
# build-kernel.sh --source 7.3 [--series SERIES_DIR | --stock] [DIR]
#
# Without --source: the guest kernel of trim.x86_64, Debian's linux-source-6.1
# with the x86 KASLR direct-map trim active, which no Debian kernel has (they
# set CONFIG_ZONE_DEVICE=y, and carry the backport of 269031b15c14, so they
# never trim): ZONE_DEVICE/PCI_P2PDMA off, GET_FREE_REGION via CXL_REGION.
# Tree DIR/linux-source-6.1, release 6.1.192-headroom-kaslr. 9 min on 2 cores.
#
# With --source SERIES (7.3): Debian's linux-source-SERIES from the archive
# suite that has it (trixie-backports for 7.3; HVM_SOURCE_SUITE overrides),
# downloaded with a private apt list under DIR/apt (the host's sources are not
# touched, nothing is installed), as the device-private guest kernel of
# matrix73*.x86_64: ZONE_DEVICE, DEVICE_PRIVATE, TEST_HMM=m, MEMORY_HOTPLUG,
# MEMORY_HOTREMOVE, TRANSPARENT_HUGEPAGE, MIGRATION. By default the patch
# series SERIES_DIR (the raw mails of "Remove device private pages from
# physical address space"; default ../shared/kernel-series/device-private-v6
# beside the repository) is applied with git apply (no fuzz), then the port
# fix-up tests/vm/device-private-v6-on-7.3.patch (GNU patch). --stock builds
# without them. The tree is DIR/linux-<debian version>-<stock|p<hash>>, where
# hash covers the series mails and the fix-up, so a changed series never
# reuses a build; a finished build is reused as is. Its path is printed last
# and written to DIR/last-<stock|patched>.
# Release 7.3.4-headroom (stock) or 7.3.4-headroom-dp (patched).
#
# Both: x86_64_defconfig trimmed of large driver trees, KPROBES and
# KALLSYMS_ALL for the probe, IKCONFIG_PROC (the capture takes
# /proc/config.gz), virtio-pci, 9p and the serial console built in, no debug
# info; bzImage, modules and modules_prepare under nice with -j$(nproc)
# (HVM_JOBS overrides); with --source also the static hmm-tests selftest
# (tools/testing/selftests/mm/hmm-tests in the tree). Installs what the
# build needs when it is missing.
set -eu
HVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC= SERIES=$HVM_DIR/../../../shared/kernel-series/device-private-v6 STOCK=
while [ $# -gt 0 ]; do
	case $1 in
	--source) SRC=$2; shift 2 ;;
	--series) SERIES=$2; shift 2 ;;
	--stock) STOCK=1; shift ;;
	-*) echo "build-kernel: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
D=${1:-/var/tmp/headroom-kernel}
FIXUP=$HVM_DIR/device-private-v6-on-7.3.patch
missing=
for p in flex bison libelf-dev libssl-dev bc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
mkdir -p "$D" && D=$(cd "$D" && pwd) && cd "$D"

# What every lab kernel needs (the initramfs has no modules of a tree) and
# what only costs build time.
LAB_CONFIG="-e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d MODVERSIONS -e KPROBES -e KALLSYMS -e KALLSYMS_ALL
	-e PROC_KCORE -e IKCONFIG -e IKCONFIG_PROC
	-e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_BTF
	-e PCI -e VIRTIO_MENU -e VIRTIO -e VIRTIO_PCI -e VIRTIO_PCI_LEGACY -e NET -e NET_9P -e NET_9P_VIRTIO
	-e NETWORK_FILESYSTEMS -e 9P_FS -e 9P_FS_POSIX_ACL
	-e SERIAL_8250 -e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD -e RD_GZIP -e DEVTMPFS -e DEVTMPFS_MOUNT -e ACPI
	-d DRM -d SOUND -d WIRELESS -d WLAN -d CFG80211 -d USB_SUPPORT -d NETFILTER -d ETHERNET -d AGP -d HAMRADIO
	-d BT -d RFKILL -d MACINTOSH_DRIVERS -d FB -d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN
	-d SECURITY_SELINUX -d AUDIT -d KVM_GUEST -d HYPERVISOR_GUEST -d XEN"

# The 7.3 guests need far less than x86_64_defconfig (a full build takes hours
# on 2 shared cores): no IP, no network, disk, input or VT drivers, no local
# filesystems but 9p, no power management beyond ACPI power-off, no tracing.
# They keep ACPI, PCI, EFI (OVMF boots the bzImage through the EFI stub),
# virtio-pci, 9p, the serial console and what the probe and test_hmm need.
SMALL_CONFIG="-d INET -d NETDEVICES -d SCSI -d ATA -d MD -d BLK_DEV -d VT -d INPUT -d SERIO -d HID
	-d I2C -d HWMON -d WATCHDOG -d RTC_CLASS -d CPU_FREQ -d EXT4_FS -d NFS_FS -d AUTOFS_FS -d QUOTA
	-d SECURITY -d HIBERNATION -d SUSPEND -d FTRACE -d PROFILING -d CGROUPS -d BPF_SYSCALL
	-d HW_RANDOM -d DMADEVICES -d PCCARD -d PTP_1588_CLOCK -d MEDIA_SUPPORT -d VIRTUALIZATION
	-d NVRAM -d LOGO -d KEXEC -d CRASH_DUMP -d MAGIC_SYSRQ -d AGP -d HPET_TIMER_DUMMY
	-d BLK_DEV_BSG -d PARTITION_ADVANCED -d MSDOS_PARTITION -d EFI_PARTITION -d NLS -d ISO9660_FS
	-d FAT_FS -d VFAT_FS -d MSDOS_FS -d TMPFS_POSIX_ACL -d CPU_IDLE_GOV_HALTPOLL -d X86_MCE -d PERF_EVENTS_INTEL_UNCORE
	-d BLK_CGROUP -d XFRM -d WIRELESS -d NET_SCHED -d PACKET -d UNIX -d DNS_RESOLVER"

# require KEY=VALUE... in .config, and refuse =y for the names after --off
check_config() {
	local k off=
	for k in "$@"; do
		if [ "$k" = --off ]; then off=1; continue; fi
		if [ -n "$off" ]; then
			if grep -q "^CONFIG_$k=y" .config; then echo "build-kernel: CONFIG_$k=y" >&2; exit 1; fi
		else
			grep -qx "CONFIG_$k" .config || { echo "build-kernel: .config lacks CONFIG_$k" >&2; exit 1; }
		fi
	done
}

build() {
	nice -n 10 make -s -j"${HVM_JOBS:-$(nproc)}" "$@"
	# modpost of an external module wants Module.symvers (else "undefined!"
	# warnings for every kernel symbol; the module still loads)
	[ -f Module.symvers ] || cp vmlinux.symvers Module.symvers
}

if [ -z "$SRC" ]; then
	if [ ! -f linux-source-6.1/Makefile ]; then
		apt-get download linux-source-6.1 2>&1 | grep -v unsandboxed || true
		rm -rf deb && dpkg-deb -x linux-source-6.1_*_all.deb deb
		tar xf deb/usr/src/linux-source-6.1.tar.xz
		rm -rf deb
	fi
	cd linux-source-6.1
	make -s x86_64_defconfig
	# shellcheck disable=SC2086
	scripts/config --set-str LOCALVERSION "-headroom-kaslr" -d LOCALVERSION_AUTO \
		-e RANDOMIZE_BASE -e RANDOMIZE_MEMORY --set-val RANDOMIZE_MEMORY_PHYSICAL_PADDING 0xa -e X86_5LEVEL \
		-e SPARSEMEM_VMEMMAP -e MEMORY_HOTPLUG -d ZONE_DEVICE -d PCI_P2PDMA -d DEVICE_PRIVATE \
		-e CXL_BUS -e CXL_PCI -e CXL_MEM -e CXL_ACPI -e CXL_REGION -e CXL_PORT $LAB_CONFIG
	make -s olddefconfig
	# what the trim depends on, as built
	check_config RANDOMIZE_MEMORY=y RANDOMIZE_MEMORY_PHYSICAL_PADDING=0xa GET_FREE_REGION=y \
		KALLSYMS_ALL=y IKCONFIG_PROC=y 9P_FS=y --off ZONE_DEVICE PCI_P2PDMA KASAN
	build bzImage modules_prepare
	echo "built $(cat include/config/kernel.release) in $PWD"
	exit 0
fi

# --source SERIES: private apt list, only for apt-get download
SUITE=${HVM_SOURCE_SUITE:-trixie-backports}
A=$D/apt
mkdir -p "$A/lists/partial" "$A/cache"
echo "deb http://deb.debian.org/debian $SUITE main" > "$A/sources.list"
APT="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache"
# shellcheck disable=SC2086
apt-get $APT update -qq
# shellcheck disable=SC2086
VER=$(apt-cache $APT show "linux-source-$SRC" 2>/dev/null | sed -n 's/^Version: //p' | sort -rV | head -1)
[ -n "$VER" ] || { echo "build-kernel: no linux-source-$SRC in $SUITE" >&2; exit 1; }
DEB=linux-source-${SRC}_${VER}_all.deb
# shellcheck disable=SC2086
[ -f "$A/$DEB" ] || (cd "$A" && apt-get $APT download "linux-source-$SRC=$VER" 2>&1 | grep -v unsandboxed || true)
[ -f "$A/$DEB" ] || { echo "build-kernel: download of linux-source-$SRC=$VER failed" >&2; exit 1; }

if [ -n "$STOCK" ]; then
	KIND=stock KEY=stock LOCAL=-headroom
else
	ls "$SERIES"/0001-*.patch >/dev/null || { echo "build-kernel: no series in $SERIES" >&2; exit 1; }
	[ -f "$FIXUP" ] || { echo "build-kernel: no $FIXUP" >&2; exit 1; }
	SERIES=$(cd "$SERIES" && pwd)
	# the cover letter (0000) carries no diff
	PATCHES=$(ls "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-')
	# shellcheck disable=SC2086
	KEY=p$(cat $PATCHES "$FIXUP" | sha256sum | cut -c1-12)
	KIND=patched LOCAL=-headroom-dp
fi
T=$D/linux-${VER//[~+]/_}-$KEY
if [ ! -f "$T/.headroom-built" ]; then
	rm -rf "$T" "$T.tmp" && mkdir -p "$T.tmp"
	dpkg-deb --fsys-tarfile "$A/$DEB" | tar x -C "$T.tmp" --wildcards '*.tar.xz'
	tar xf "$T.tmp"/usr/src/linux-source-"$SRC".tar.xz -C "$T.tmp"
	mv "$T.tmp/linux-source-$SRC" "$T" && rm -rf "$T.tmp"
	cd "$T"
	echo "linux-source-$SRC $VER" > .headroom-source
	if [ "$KIND" = patched ]; then
		# every hunk of the series that applies as posted (offsets, no fuzz);
		# the rest is in the fix-up, hunk by hunk, ported by hand
		for p in $PATCHES; do
			git apply --reject --whitespace=nowarn "$p" 2>>.headroom-apply.log || true
		done
		find . -name '*.rej' | sort > .headroom-rejects
		find . -name '*.rej' -delete
		patch -p1 -s --no-backup-if-mismatch -F0 < "$FIXUP"
		echo "$SERIES $KEY" >> .headroom-source
	fi
	make -s x86_64_defconfig
	# shellcheck disable=SC2086
	scripts/config --set-str LOCALVERSION "$LOCAL" -d LOCALVERSION_AUTO \
		-e RANDOMIZE_BASE -e RANDOMIZE_MEMORY --set-val RANDOMIZE_MEMORY_PHYSICAL_PADDING 0xa -e X86_5LEVEL \
		-e SPARSEMEM_VMEMMAP -e MEMORY_HOTPLUG -e MEMORY_HOTREMOVE -e ACPI_HOTPLUG_MEMORY -e MIGRATION \
		-e TRANSPARENT_HUGEPAGE -e ZONE_DEVICE -e DEVICE_PRIVATE -m TEST_HMM -e HMM_MIRROR $LAB_CONFIG \
		$SMALL_CONFIG -e EFI -e EFI_STUB -e BINFMT_SCRIPT -e BINFMT_ELF -e DEVTMPFS -e TMPFS -e SHMEM -e FUTEX
	make -s olddefconfig
	check_config ZONE_DEVICE=y DEVICE_PRIVATE=y TEST_HMM=m MEMORY_HOTPLUG=y MEMORY_HOTREMOVE=y \
		TRANSPARENT_HUGEPAGE=y MIGRATION=y GET_FREE_REGION=y KALLSYMS_ALL=y IKCONFIG_PROC=y 9P_FS=y
	build bzImage modules modules_prepare
	touch .headroom-built
fi
cd "$T"
# the kernel's own selftest of device-private memory, static (the guest has
# busybox only), from this same tree, with its exported headers
HMMT=tools/testing/selftests/mm
if [ ! -x $HMMT/hmm-tests ]; then
	nice -n 10 make -s headers
	nice -n 10 gcc -static -O2 -Wall -U_FORTIFY_SOURCE -no-pie -I . -I tools/testing/selftests \
		-isystem usr/include -I tools/include $HMMT/hmm-tests.c $HMMT/vm_util.c \
		$HMMT/hugepage_settings.c -lrt -lpthread -lm -o $HMMT/hmm-tests 2>&1 | grep -v 'statically linked' || true
	[ -x $HMMT/hmm-tests ] || { echo "build-kernel: hmm-tests did not build" >&2; exit 1; }
fi
echo "$T" > "$D/last-$KIND"
echo "built $(cat include/config/kernel.release) ($(head -1 .headroom-source)) in $T"

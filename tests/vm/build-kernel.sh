#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-kernel.sh [DIR]   (default /var/tmp/headroom-kernel)
# Builds the guest kernel of trim.x86_64: Debian's linux-source-6.1 (apt-get
# download, unpacked, nothing installed) with the x86 KASLR direct-map trim
# active, which no Debian kernel has (they set CONFIG_ZONE_DEVICE=y, and carry
# the backport of 269031b15c14, so they never trim). x86_64_defconfig, then:
# ZONE_DEVICE/PCI_P2PDMA off, RANDOMIZE_MEMORY on with the default padding
# (0xa), X86_5LEVEL, MEMORY_HOTPLUG, GET_FREE_REGION (selected by CXL_REGION),
# KPROBES and KALLSYMS_ALL for the probe, IKCONFIG_PROC (the capture takes
# /proc/config.gz), virtio-pci, 9p and the serial console built in, no debug
# info, and some large driver trees off to save build time. Builds bzImage and
# modules_prepare with -j$(nproc) (9 min on 2 cores), leaving the tree
# DIR/linux-source-6.1 that HVM_KERNEL_TREE (lib.sh) and trim.x86_64 name.
# Installs what the build needs when it is missing (root, Debian's archive).
set -eu
missing=
for p in flex bison libelf-dev libssl-dev bc; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
D=${1:-/var/tmp/headroom-kernel}
mkdir -p "$D" && cd "$D"
if [ ! -f linux-source-6.1/Makefile ]; then
	apt-get download linux-source-6.1 2>&1 | grep -v unsandboxed || true
	rm -rf deb && dpkg-deb -x linux-source-6.1_*_all.deb deb
	tar xf deb/usr/src/linux-source-6.1.tar.xz
	rm -rf deb
fi
cd linux-source-6.1
make -s x86_64_defconfig
scripts/config --set-str LOCALVERSION "-headroom-kaslr" -d LOCALVERSION_AUTO \
	-e RANDOMIZE_BASE -e RANDOMIZE_MEMORY --set-val RANDOMIZE_MEMORY_PHYSICAL_PADDING 0xa -e X86_5LEVEL \
	-e SPARSEMEM_VMEMMAP -e MEMORY_HOTPLUG -d ZONE_DEVICE -d PCI_P2PDMA -d DEVICE_PRIVATE \
	-e CXL_BUS -e CXL_PCI -e CXL_MEM -e CXL_ACPI -e CXL_REGION -e CXL_PORT \
	-e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d MODVERSIONS -e KPROBES -e KALLSYMS -e KALLSYMS_ALL \
	-e PROC_KCORE -e IKCONFIG -e IKCONFIG_PROC \
	-e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_BTF \
	-e PCI -e VIRTIO_MENU -e VIRTIO -e VIRTIO_PCI -e VIRTIO_PCI_LEGACY -e NET -e NET_9P -e NET_9P_VIRTIO \
	-e NETWORK_FILESYSTEMS -e 9P_FS -e 9P_FS_POSIX_ACL \
	-e SERIAL_8250 -e SERIAL_8250_CONSOLE -e BLK_DEV_INITRD -e RD_GZIP -e DEVTMPFS -e DEVTMPFS_MOUNT -e ACPI \
	-d DRM -d SOUND -d WIRELESS -d WLAN -d CFG80211 -d USB_SUPPORT -d NETFILTER -d ETHERNET -d AGP -d HAMRADIO \
	-d BT -d RFKILL -d MACINTOSH_DRIVERS -d FB -d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN \
	-d SECURITY_SELINUX -d AUDIT -d KVM_GUEST -d HYPERVISOR_GUEST -d XEN
make -s olddefconfig
# what the trim depends on, as built
for k in RANDOMIZE_MEMORY=y RANDOMIZE_MEMORY_PHYSICAL_PADDING=0xa GET_FREE_REGION=y KALLSYMS_ALL=y IKCONFIG_PROC=y 9P_FS=y; do
	grep -qx "CONFIG_$k" .config || { echo "build-kernel: .config lacks CONFIG_$k" >&2; exit 1; }
done
for k in ZONE_DEVICE PCI_P2PDMA KASAN; do
	if grep -q "^CONFIG_$k=y" .config; then echo "build-kernel: CONFIG_$k=y, no trim" >&2; exit 1; fi
done
make -j"$(nproc)" bzImage modules_prepare
# modpost of an external module wants Module.symvers (else "undefined!" warnings
# for every kernel symbol; the module still loads): vmlinux's exports suffice
[ -f Module.symvers ] || cp vmlinux.symvers Module.symvers
echo "built $(cat include/config/kernel.release) in $PWD"

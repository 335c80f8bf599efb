#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# prepare.sh: fetch the guest kernel (not installed), build the probe against
# the matching headers, build the busybox initramfs. Output in $HVM_WORK
# (default /var/tmp/headroom-vm; $HVM_WORK/arm64 for HVM_ARCH=arm64;
# $HVM_WORK/<abi>[/arm64] for a non-default HVM_RELEASE, see lib.sh):
# vmlinuz, initramfs.cpio.gz, release. With HVM_KERNEL_TREE (a kernel built
# from source, see lib.sh and build-kernel.sh) nothing is downloaded: the
# tree's bzImage, the probe built against the tree, no modules in the
# initramfs, and the config captured from the guest's /proc/config.gz
# ($HVM_WORK/tree-<release>).
set -eu
. "$(dirname "$0")/lib.sh"

REL=$(hvm_release)
mkdir -p "$AWORK"
cd "$AWORK"

# 1. guest packages: apt-get download + dpkg-deb -x, so the host's /boot and
#    initramfs triggers are untouched. arm64 needs a temporary foreign
#    architecture (removed again by the trap, also on failure).
PKGS="linux-image-$REL"
[ "$HVM_ARCH" = arm64 ] && PKGS="linux-image-$REL:arm64 linux-headers-$REL:arm64 busybox-static:arm64"
if [ -n "$HVM_TREE" ]; then
	# a kernel tree (HVM_KERNEL_TREE, lib.sh): nothing to download
	[ -f "$HVM_TREE/arch/x86/boot/bzImage" ] || { echo "no $HVM_TREE/arch/x86/boot/bzImage" >&2; exit 1; }
	cp "$HVM_TREE/arch/x86/boot/bzImage" vmlinuz
	# the initramfs carries no modules of a tree: these must be built in
	for k in VIRTIO_PCI NET_9P NET_9P_VIRTIO 9P_FS DEVTMPFS BLK_DEV_INITRD SERIAL_8250_CONSOLE IKCONFIG_PROC MODULES MODULE_UNLOAD KALLSYMS_ALL; do
		grep -qx "CONFIG_$k=y" "$HVM_TREE/.config" || { echo "$HVM_TREE/.config: CONFIG_$k is not y" >&2; exit 1; }
	done
elif [ ! -f "img/boot/vmlinuz-$REL" ]; then
	rm -rf img dl && mkdir -p img dl
	if [ "$HVM_ARCH" = arm64 ]; then
		trap 'dpkg --remove-architecture arm64; apt-get update -qq >/dev/null 2>&1' EXIT
		dpkg --add-architecture arm64
		apt-get update -qq >/dev/null
	fi
	# shellcheck disable=SC2086
	(cd dl && apt-get download $PKGS 2>&1 | grep -v 'unsandboxed' || true)
	for d in dl/*.deb; do dpkg-deb -x "$d" img; done
	if [ "$HVM_ARCH" = arm64 ]; then
		dpkg --remove-architecture arm64
		apt-get update -qq >/dev/null 2>&1 || true
		trap - EXIT
	fi
fi
if [ -z "$HVM_TREE" ]; then
	[ -f "img/boot/vmlinuz-$REL" ] || { echo "download of $PKGS failed" >&2; exit 1; }
	cp "img/boot/vmlinuz-$REL" vmlinuz
fi
echo "$REL" > release

# 2. headers for the probe. x86_64 uses the host's /usr/src/linux-headers-<rel>
#    when it is installed (the default kernel); otherwise, and always for arm64,
#    the headers come from the archive, unpacked under img/ (never installed):
#    linux-headers-<rel>, then the -common package its Makefile includes and
#    the (host, amd64) linux-kbuild package its scripts/ link names, unless the
#    host already has those. The unpacked tree is then pointed at itself: the
#    Makefile's absolute include of /usr/src/linux-headers-<abi>-common, and
#    the scripts/ and tools/ links. Idempotent on a cached img/.
rm -rf probe && mkdir probe
cp "$REPO/probes/headroom_probe.c" "$REPO/probes/headroom_answer.h" "$REPO/probes/Kbuild" probe/
MAKEARGS=
if [ -n "$HVM_TREE" ]; then
	HDR=$HVM_TREE	# the build tree itself (modules_prepare done)
elif [ "$HVM_ARCH" = x86_64 ] && [ -d "/usr/src/linux-headers-$REL" ]; then
	HDR=/usr/src/linux-headers-$REL
else
	HDR=$AWORK/img/usr/src/linux-headers-$REL
	if [ ! -f "$HDR/Makefile" ]; then	# x86_64: image was downloaded alone
		(cd dl && apt-get download "linux-headers-$REL" 2>&1 | grep -v 'unsandboxed' || true)
		for d in dl/linux-headers-"$REL"_*.deb; do dpkg-deb -x "$d" img; done
	fi
	[ -f "$HDR/Makefile" ] || { echo "download of linux-headers-$REL failed" >&2; exit 1; }
	common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*-common\)/Makefile$|\1|p' "$HDR/Makefile")
	t=$(readlink "$HDR/scripts"); kb=${t##*/lib/}; kb=${kb%%/*}	# linux-kbuild-<ver>
	need=
	[ -z "$common" ] || [ -d "/usr/src/$common" ] || [ -d "img/usr/src/$common" ] || need="$need $common"
	[ -d "/usr/lib/$kb" ] || [ -d "img/usr/lib/$kb" ] || need="$need $kb"
	if [ -n "$need" ]; then
		# shellcheck disable=SC2086
		(cd dl && apt-get download $need 2>&1 | grep -v 'unsandboxed' || true)
		for p in $need; do
			for d in dl/"$p"_*.deb; do [ -f "$d" ] && dpkg-deb -x "$d" img; done
		done
	fi
	if [ -n "$common" ] && [ ! -d "/usr/src/$common" ]; then
		[ -d "img/usr/src/$common" ] || { echo "download of $common failed" >&2; exit 1; }
		sed -i "s|^include /usr/src/$common/Makefile\$|include $AWORK/img/usr/src/$common/Makefile|" "$HDR/Makefile"
	fi
	# scripts/ and tools/ (also in -common): the unpacked linux-kbuild, else the host's
	if [ -d "img/usr/lib/$kb" ]; then kbdir=$AWORK/img/usr/lib/$kb; else kbdir=/usr/lib/$kb; fi
	[ -d "$kbdir" ] || { echo "missing $kb (download failed?)" >&2; exit 1; }
	for h in "$HDR" ${common:+"$AWORK/img/usr/src/$common"}; do
		[ -d "$h" ] || continue
		for l in scripts tools; do [ -L "$h/$l" ] && ln -sfn "$kbdir/$l" "$h/$l"; done
	done
	if [ "$HVM_ARCH" = arm64 ]; then
		command -v aarch64-linux-gnu-gcc-12 >/dev/null ||
			{ echo "install gcc-aarch64-linux-gnu" >&2; exit 1; }
		MAKEARGS="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
	fi
fi
[ -d "$HDR" ] || { echo "missing $HDR" >&2; exit 1; }
# 6.12's modfinal runs pahole for module BTF (CONFIG_DEBUG_INFO_BTF_MODULES);
# without dwarves on the host, build the probe without BTF (it is not needed)
command -v pahole >/dev/null || MAKEARGS="$MAKEARGS CONFIG_DEBUG_INFO_BTF_MODULES="
# shellcheck disable=SC2086
make -s -C "$HDR" $MAKEARGS M="$AWORK/probe" modules >probe/build.log 2>&1 ||
	{ cat probe/build.log >&2; exit 1; }
grep -aq "vermagic=$REL " probe/headroom_probe.ko ||
	{ echo "probe vermagic does not match $REL" >&2; exit 1; }

# 3. initramfs: busybox, virtio + 9p modules (dependency order for insmod),
#    capture-root, the probe, and the guest's own kernel config as
#    /boot/config-<release> so capture-root records it.
R=initramfs
rm -rf $R && mkdir -p $R/bin $R/proc $R/sys $R/dev $R/tmp $R/mnt/host $R/lib/modules $R/boot
if [ "$HVM_ARCH" = x86_64 ]; then cp /bin/busybox $R/bin/busybox; else cp img/bin/busybox $R/bin/busybox; fi
ln -s busybox $R/bin/sh              # kernel needs /bin/sh, else "No working init"
M=img/lib/modules/$REL/kernel
# HVM_EXTRA_MODS="bochs virtio-gpu": more modules (GPU drivers for the PCI
# captures), each after the modules its .modinfo "depends=" names.
declare -A added
MODS="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
      drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/virtio/virtio_mmio
      fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p"
: > $R/lib/modules/order
for m in $MODS; do
	f=$(ls $M/$m.ko* 2>/dev/null | head -1)
	[ -n "$f" ] || continue              # built in or absent on this kernel
	case $f in
	*.xz) xz -dc "$f" > "$R/lib/modules/$(basename "$m").ko" ;;
	*) cp "$f" $R/lib/modules/ ;;
	esac
	basename "$m" >> $R/lib/modules/order
	added[$(basename "$m")]=1
done
add_module() {
	local name=${1//-/_} f out dep
	[ -z "${added[$name]:-}" ] || return 0
	added[$name]=1
	f=$(find "$M" -regextype egrep -regex ".*/${name//_/[-_]}\.ko(\.xz)?" | head -1)
	[ -n "$f" ] || return 0              # built in
	out=$R/lib/modules/$(basename "${f%.xz}")
	case $f in *.xz) xz -dc "$f" > "$out" ;; *) cp "$f" "$out" ;; esac
	for dep in $(objcopy -O binary --only-section=.modinfo "$out" /dev/stdout | tr '\0' '\n' |
		     sed -n 's/^depends=//p' | tr , ' '); do
		add_module "$dep"
	done
	basename "${out%.ko}" >> $R/lib/modules/order
}
for m in ${HVM_EXTRA_MODS:-}; do add_module "$m"; done
cp probe/headroom_probe.ko $R/lib/modules/
# a tree built with TEST_HMM=m (build-kernel.sh --source): lib/test_hmm.ko,
# which init.sh loads after the probe, and the static hmm-tests selftest
if [ -n "$HVM_TREE" ] && [ -f "$HVM_TREE/lib/test_hmm.ko" ]; then
	grep -aq "vermagic=$REL " "$HVM_TREE/lib/test_hmm.ko" ||
		{ echo "test_hmm.ko vermagic does not match $REL" >&2; exit 1; }
	cp "$HVM_TREE/lib/test_hmm.ko" $R/lib/modules/
	hmmt=$HVM_TREE/tools/testing/selftests/mm/hmm-tests
	[ ! -x "$hmmt" ] || cp "$hmmt" $R/bin/hmm-tests
fi
# A kernel tree has no package: its modules (none are needed; 9p, virtio must be
# built in) and its config come from the guest itself, /proc/config.gz
# (CONFIG_IKCONFIG_PROC), which capture-root records. init.sh loads only the
# modules listed in lib/modules/order, which is then empty.
[ -n "$HVM_TREE" ] || cp "img/boot/config-$REL" "$R/boot/config-$REL"
cp "$REPO/tests/capture-root" $R/bin/capture-root
cp "$HVM_DIR/init.sh" $R/init
chmod +x $R/init $R/bin/capture-root
(cd $R && find . | cpio -o -H newc --quiet | gzip -1 > ../initramfs.cpio.gz)
[ "$HVM_ARCH" = x86_64 ] && cp /usr/share/OVMF/OVMF_VARS_4M.fd vars-template.fd
echo "prepared $REL in $AWORK ($(du -h initramfs.cpio.gz | cut -f1) initramfs)"

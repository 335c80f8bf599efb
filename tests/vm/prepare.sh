#!/bin/bash
# prepare.sh: fetch the guest kernel (not installed), build the probe against
# the matching headers, build the busybox initramfs. Output in $HVM_WORK
# (default /var/tmp/headroom-vm): vmlinuz, initramfs.cpio.gz, release.
set -eu
. "$(dirname "$0")/lib.sh"

REL=$(hvm_release)
HDR=/usr/src/linux-headers-$REL
[ -d "$HDR" ] || { echo "missing $HDR" >&2; exit 1; }
mkdir -p "$WORK"
cd "$WORK"

# 1. guest kernel: apt-get download + dpkg-deb -x, so the host's /boot and
#    initramfs triggers are untouched
if [ ! -f "img/boot/vmlinuz-$REL" ]; then
	rm -rf img dl && mkdir -p img dl
	(cd dl && apt-get download "linux-image-$REL" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	dpkg-deb -x dl/linux-image-"$REL"_*.deb img
fi
cp "img/boot/vmlinuz-$REL" vmlinuz
echo "$REL" > release

# 2. probe module: build a copy so the repository stays free of kbuild output
rm -rf probe && mkdir probe
cp "$REPO/probes/headroom_probe.c" "$REPO/probes/Kbuild" probe/
make -s -C "$HDR" M="$WORK/probe" modules >probe/build.log 2>&1 || { cat probe/build.log >&2; exit 1; }
grep -aq "vermagic=$REL " probe/headroom_probe.ko ||
	{ echo "probe vermagic does not match $REL" >&2; exit 1; }

# 3. initramfs: busybox, virtio + 9p modules (dependency order for insmod),
#    capture-root, the probe, and the guest's own kernel config as
#    /boot/config-<release> so capture-root records it.
R=initramfs
rm -rf $R && mkdir -p $R/bin $R/proc $R/sys $R/dev $R/tmp $R/mnt/host $R/lib/modules $R/boot
cp /bin/busybox $R/bin/busybox
ln -s busybox $R/bin/sh              # kernel needs /bin/sh, else "No working init"
M=img/lib/modules/$REL/kernel
MODS="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
      drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci fs/netfs/netfs
      fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p"
: > $R/lib/modules/order
for m in $MODS; do
	f=$(ls $M/$m.ko* 2>/dev/null | head -1)
	[ -n "$f" ] || continue              # built in or absent on this kernel
	case $f in
	*.xz) xz -dc "$f" > $R/lib/modules/$(basename "$m").ko ;;
	*) cp "$f" $R/lib/modules/ ;;
	esac
	basename "$m" >> $R/lib/modules/order
done
cp probe/headroom_probe.ko $R/lib/modules/
cp "img/boot/config-$REL" "$R/boot/config-$REL"
cp "$REPO/tests/capture-root" $R/bin/capture-root
cp "$HVM_DIR/init.sh" $R/init
chmod +x $R/init $R/bin/capture-root
(cd $R && find . | cpio -o -H newc --quiet | gzip -1 > ../initramfs.cpio.gz)
cp /usr/share/OVMF/OVMF_VARS_4M.fd vars-template.fd
echo "prepared $REL in $WORK ($(du -h initramfs.cpio.gz | cut -f1) initramfs)"

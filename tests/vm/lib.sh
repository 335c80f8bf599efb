# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the tests/vm scripts: common paths and the guest kernel version.
# Build outputs and guest runs live outside the repository (HVM_WORK) so the
# working tree stays clean; only tests/cases/vm-* (vm612-* etc.) is written in
# the repo.
HVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HVM_DIR/../.." && pwd)
WORK=${HVM_WORK:-/var/tmp/headroom-vm}
CASES=${HVM_CASES:-$REPO/tests/cases}

# Guest architecture: x86_64 (default) or arm64 (stretch; cross-built probe).
HVM_ARCH=${HVM_ARCH:-x86_64}
case $HVM_ARCH in
x86_64) DEBARCH=amd64 QEMU_BIN=qemu-system-x86_64 CONSOLE=ttyS0 ;;
arm64) DEBARCH=arm64 QEMU_BIN=qemu-system-aarch64 CONSOLE=ttyAMA0 ;;
*) echo "unknown HVM_ARCH $HVM_ARCH" >&2; exit 2 ;;
esac

# The default guest kernel = the ABI of the installed linux-headers-amd64
# metapackage, so a Debian point release moves host headers and guests
# together (never hard-code 6.1.0-NN). Prints e.g. 6.1.0-56.
hvm_default_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "linux-headers-amd64 is not installed" >&2; return 1; }
	# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> 6.1.0-56
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	echo "${dep%-amd64}"
}

# HVM_RELEASE picks another guest kernel: a Debian kernel ABI, with or without
# the flavour (6.12.117+deb12, 6.12.117+deb12-amd64, 6.1.0-56), or a series
# (6.12): the newest ABI of that series for which both linux-image-<abi>-amd64
# and linux-headers-<abi>-amd64 are in the apt index (amd64 names are used for
# arm64 too, since the arm64 index is only there while prepare.sh runs).
hvm_abi() {
	local r=${HVM_RELEASE:-} esc abi
	[ -n "$r" ] || { hvm_default_abi; return; }
	r=${r%-amd64}; r=${r%-arm64}
	case $r in
	*-*|*.*.*) echo "$r"; return ;;
	esac
	esc=${r//./\\.}
	for abi in $(apt-cache search --names-only "^linux-headers-$esc(\\.[0-9]+\\+deb[0-9]+|\\.0-[0-9]+)-amd64\$" |
		awk '{ sub(/^linux-headers-/, "", $1); sub(/-amd64$/, "", $1); print $1 }' | sort -rV); do
		if apt-cache show "linux-image-$abi-amd64" >/dev/null 2>&1; then echo "$abi"; return; fi
	done
	echo "no linux-image and linux-headers pair for series $r in the apt index" >&2
	return 1
}

# HVM_KERNEL_TREE=DIR: a kernel built from source instead of a Debian package
# (x86_64 only; see build-kernel.sh). DIR is the build tree after "make bzImage
# modules_prepare": the guest boots DIR/arch/x86/boot/bzImage and the probe is
# built against DIR. The release is DIR's include/config/kernel.release (e.g.
# 6.1.192-headroom-kaslr), its work dir $WORK/tree-<release>, its cases
# vmk-<name>/ (HVM_CASE_PREFIX overrides). It wins over HVM_RELEASE.
HVM_TREE=
if [ -n "${HVM_KERNEL_TREE:-}" ]; then
	[ "$HVM_ARCH" = x86_64 ] || { echo "HVM_KERNEL_TREE: x86_64 only" >&2; exit 2; }
	HVM_TREE=$(cd "$HVM_KERNEL_TREE" && pwd) || exit 1
	[ -f "$HVM_TREE/include/config/kernel.release" ] ||
		{ echo "HVM_KERNEL_TREE $HVM_TREE: no include/config/kernel.release (not built?)" >&2; exit 1; }
	HVM_ABI=$(cat "$HVM_TREE/include/config/kernel.release")
	HVM_RELEASE=$HVM_ABI HVM_ABI_FOR=$HVM_ABI HVM_KERNEL_TREE=$HVM_TREE
	export HVM_ABI HVM_RELEASE HVM_ABI_FOR HVM_KERNEL_TREE
fi

# Resolve once (HVM_RELEASE becomes the ABI); children (run-one.sh and
# convert.sh under xargs) inherit the result. A changed HVM_RELEASE resolves anew.
if [ -z "${HVM_ABI:-}" ] || [ "${HVM_RELEASE:-}" != "${HVM_ABI_FOR:-}" ]; then
	HVM_ABI=$(hvm_abi) || exit 1
	HVM_DEFAULT_ABI=$(hvm_default_abi 2>/dev/null || true)
	HVM_RELEASE=$HVM_ABI HVM_ABI_FOR=$HVM_ABI
	export HVM_ABI HVM_DEFAULT_ABI HVM_RELEASE HVM_ABI_FOR
fi
# guest kernel release (uname -r), e.g. 6.1.0-56-amd64, 6.12.117+deb12-arm64
# (a kernel tree: its own kernel.release, which has no Debian flavour)
hvm_release() { if [ -n "$HVM_TREE" ]; then echo "$HVM_ABI"; else echo "$HVM_ABI-$DEBARCH"; fi; }

# Per-release work dirs: the default kernel keeps the historical paths
# ($WORK, $WORK/arm64), any other in $WORK/<abi> ($WORK/<abi>/arm64), so
# switching kernels never invalidates another kernel's cache.
# Case prefix: vm- for the default kernel, vm<major><minor>- for others
# (6.12.117+deb12 -> vm612-); HVM_CASE_PREFIX overrides.
if [ -n "$HVM_TREE" ]; then
	RWORK=$WORK/tree-$HVM_ABI
	CASE_PREFIX=${HVM_CASE_PREFIX:-vmk-}
elif [ "$HVM_ABI" = "${HVM_DEFAULT_ABI:-}" ]; then
	RWORK=$WORK
	CASE_PREFIX=${HVM_CASE_PREFIX:-vm-}
else
	RWORK=$WORK/$HVM_ABI
	mm=${HVM_ABI%%[-+]*}; mm=$(echo "$mm" | cut -d. -f1,2 | tr -d .)
	CASE_PREFIX=${HVM_CASE_PREFIX:-vm$mm-}
fi
case $HVM_ARCH in
x86_64) AWORK=$RWORK ;;
arm64) AWORK=$RWORK/arm64 ;;
esac

# shellcheck shell=bash disable=SC2034
# Sourced by the tests/vm scripts: common paths and the guest kernel version.
# Build outputs and guest runs live outside the repository (HVM_WORK) so the
# working tree stays clean; only tests/cases/vm-* is written in the repo.
HVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HVM_DIR/../.." && pwd)
WORK=${HVM_WORK:-/var/tmp/headroom-vm}
CASES=${HVM_CASES:-$REPO/tests/cases}

# Guest architecture: x86_64 (default) or arm64 (stretch; cross-built probe).
HVM_ARCH=${HVM_ARCH:-x86_64}
case $HVM_ARCH in
x86_64) DEBARCH=amd64 QEMU_BIN=qemu-system-x86_64 CONSOLE=ttyS0 AWORK=$WORK ;;
arm64) DEBARCH=arm64 QEMU_BIN=qemu-system-aarch64 CONSOLE=ttyAMA0 AWORK=$WORK/arm64 ;;
*) echo "unknown HVM_ARCH $HVM_ARCH" >&2; exit 2 ;;
esac

# Guest kernel = the ABI of the installed linux-headers-amd64 metapackage, so a
# Debian point release moves host headers and guests together (never
# hard-code 6.1.0-NN). Prints e.g. 6.1.0-56-amd64 (or -arm64).
hvm_release() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "linux-headers-amd64 is not installed" >&2; return 1; }
	# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> 6.1.0-56
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	echo "${dep%-amd64}-$DEBARCH"
}

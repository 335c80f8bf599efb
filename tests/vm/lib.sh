# Sourced by the tests/vm scripts: common paths and the guest kernel version.
# Build outputs and guest runs live outside the repository (HVM_WORK) so the
# working tree stays clean; only tests/cases/vm-* is written in the repo.
HVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HVM_DIR/../.." && pwd)
WORK=${HVM_WORK:-/var/tmp/headroom-vm}
CASES=${HVM_CASES:-$REPO/tests/cases}

# Guest kernel = the ABI of the installed linux-headers-amd64 metapackage, so a
# Debian point release moves both together (never hard-code 6.1.0-NN).
hvm_release() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "linux-headers-amd64 is not installed" >&2; return 1; }
	# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> 6.1.0-56-amd64
	dep=${dep%% *}
	echo "${dep#linux-headers-}"
}

# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the test drivers that run headroom as nobody (as root, so that a file made unreadable
# stays unreadable, or to see what an unprivileged user sees). nobody cannot be trusted to reach
# anything in the clone, which may sit under a 0700 directory (root's home), so everything it
# runs is copied into a world-readable directory of the driver's own.
#
# nobody_install BIN DIR: copy headroom into DIR/headroom, world-readable, and set run_as to the
# command prefix that drops to nobody (empty when not root). Under a test wrapper (valgrind),
# BIN is the generated wrapper script; HEADROOM_REAL_BIN (set by tests/CMakeLists.txt) names the
# real binary, which is copied too, and HEADROOM_WRAPPED points the wrapper at that copy.
# Returns non-zero, with a message, when nobody still cannot run the copy.
nobody_install() {
	local bin=$1 dir=$2 real=${HEADROOM_REAL_BIN:-$1}

	chmod 755 "$dir" || return 1
	run_as=()
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv > /dev/null || { echo "running as root needs setpriv to drop to nobody" >&2; return 1; }
		run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	if [ "$(realpath "$real")" = "$(realpath "$bin")" ]; then
		install -m 755 "$real" "$dir/headroom" || return 1
	else
		install -m 755 "$real" "$dir/headroom.real" && install -m 755 "$bin" "$dir/headroom" || return 1
		export HEADROOM_WRAPPED=$dir/headroom.real
	fi
	"${run_as[@]}" test -x "$dir/headroom" -a -r "$dir/headroom" || {
		echo "nobody cannot reach $dir: give TMPDIR a directory every user can enter" >&2
		return 1
	}
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-one.sh NAME "QEMU ARGS" "KERNEL APPEND" SIZES [MODE]   (env HVM_ARCH=arm64 for arm64)
# MODE (the probe's mode=) defaults to $HVM_PROBE_MODE, else old; the guest's
# time limit is $HVM_TIMEOUT seconds (default 120).
# Boots one TCG guest (bzImage, not PVH: PVH boot skips KASLR) and leaves
# $HVM_WORK/runs/NAME/{share/,console.txt,result}. result is one of:
#   ok | refused <qemu message> | failed <why>
# "@VARS@" in QEMU ARGS becomes a fresh copy of OVMF_VARS_4M (pflash needs a
# writable vars store; never write the system copy).
set -eu
. "$(dirname "$0")/lib.sh"
N=$1 QARGS=$2 APPEND=$3 SIZES=$4 MODE=${5:-${HVM_PROBE_MODE:-old}}
D=$AWORK/runs/$N
rm -rf "$D" && mkdir -p "$D/share"
[ -f "$AWORK/vars-template.fd" ] && cp "$AWORK/vars-template.fd" "$D/vars.fd"
QARGS=${QARGS//@VARS@/$D/vars.fd}
T0=$(date +%s.%N)
rc=0
# word splitting of QARGS is intended: matrix args contain no spaces
# shellcheck disable=SC2086
timeout "${HVM_TIMEOUT:-120}" ${QEMU:-$QEMU_BIN} -accel tcg -nographic -no-reboot \
	-kernel "$AWORK/vmlinuz" -initrd "$AWORK/initramfs.cpio.gz" \
	-append "console=$CONSOLE quiet panic=-1 $APPEND probesizes=$SIZES probemode=$MODE" \
	-virtfs "local,path=$D/share,mount_tag=host0,security_model=none,id=host0" \
	$QARGS </dev/null >"$D/console.txt" 2>&1 || rc=$?
T1=$(date +%s.%N)
wall=$(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}')
echo "$wall" > "$D/wall"
rm -f "$D/vars.fd"
if ! grep -q '@@INIT' "$D/console.txt"; then
	if [ $rc -ne 0 ] && grep -q '^qemu-system' "$D/console.txt"; then
		# QEMU rejected the configuration before running anything
		msg=$(grep -m1 '^qemu-system' "$D/console.txt" | sed 's/^qemu-system-[a-z0-9_]*: //' | tr -d '\r')
		echo "refused $msg" > "$D/result"
	else
		echo "failed rc=$rc, no guest init" > "$D/result"
	fi
elif [ $rc -ne 0 ]; then
	echo "failed qemu rc=$rc" > "$D/result"
elif ! grep -q '@@DONE' "$D/console.txt"; then
	echo "failed guest did not finish" > "$D/result"
else
	echo ok > "$D/result"
fi
printf '%-34s %5ss %s\n' "$N" "$wall" "$(cat "$D/result")"

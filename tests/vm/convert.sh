#!/bin/bash
# convert.sh NAME SIZES [CONFIG-LINE]
# Turns $HVM_WORK/runs/NAME/share (written by the guest) into the replayable
# case $CASES/vm-NAME/: root/ (capture-root output), kernel-answer, args, and
# vm-config (the matrix line, for provenance); other files in the case dir
# are left alone. Refuses to write a case unless
# the probe answered every size and left nothing in /proc/iomem.
set -eu
. "$(dirname "$0")/lib.sh"
N=$1 SIZES=$2 CONFIG=${3:-}
S=$AWORK/runs/$N/share
C=$CASES/vm-$N
die() { echo "convert $N: $*" >&2; exit 1; }

[ -f "$S/status" ] || die "no status file (guest did not run)"
for k in capture_rc=0 insmod_rc=0 rmmod_rc=0 iomem_clean=yes; do
	grep -qx "$k" "$S/status" || die "status lacks $k: $(tr '\n' ' ' < "$S/status")"
done
[ -s "$S/capture.err" ] && die "capture-root complained: $(cat "$S/capture.err")"
[ -f "$S/root/proc/iomem" ] || die "capture has no proc/iomem"

# probe lines without the dmesg timestamp and prefix
P=$(sed -e 's/^\[[ 0-9.]*\] //' -e 's/^headroom_probe: //' "$S/probe.txt")
line() { printf '%s\n' "$P" | grep -m1 "^$1 " | cut -d' ' -f2-; }
iomem_end=$(line iomem_end)
dm_end=$(line direct_map_end)
[ -n "$iomem_end" ] && [ -n "$dm_end" ] || die "probe did not report its limits"
printf '%s\n' "$P" | grep -q '^error ' && die "probe error: $(printf '%s\n' "$P" | grep '^error ')"
requests=$(printf '%s\n' "$P" | grep '^request ' || true)
IFS=, read -r -a want <<< "$SIZES"
[ "$(printf '%s\n' "$requests" | grep -c .)" -eq "${#want[@]}" ] ||
	die "expected ${#want[@]} request lines, got: $requests"
done_line=$(line "done")
ok=$(echo "$done_line" | awk '{print $4}'); rel=$(echo "$done_line" | awk '{print $6}')
[ -n "$ok" ] && [ "$ok" = "$rel" ] || die "probe did not release every region: $done_line"

# Other files in the case (expected.*, added by the replay tests) are kept:
# only root/, kernel-answer, vm-config and the --request pairs of args are ours.
mkdir -p "$C"
rm -rf "$C/root"
cp -a "$S/root" "$C/root"
{
	echo "# headroom kernel answer v1"
	echo "release $(cat "$S/root/proc/sys/kernel/osrelease")"
	echo "version $(cat "$S/root/proc/version")"
	echo "iomem_end $iomem_end"
	echo "direct_map_end $dm_end"
	printf '%s\n' "$requests"
} > "$C/kernel-answer"
# args: our --request pairs first, then any other options already there
# (e.g. "--device-private on" added by hand) in their old order
{
	for s in "${want[@]}"; do printf -- '--request\n%s\n' "$s"; done
	[ -f "$C/args" ] && awk 'skip { skip = 0; next } $0 == "--request" { skip = 1; next } { print }' "$C/args"
} > "$C/args.new"
mv "$C/args.new" "$C/args"
[ -n "$CONFIG" ] && printf '%s\n' "$CONFIG" > "$C/vm-config"
echo "case $C"

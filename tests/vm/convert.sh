#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# convert.sh NAME SIZES [CONFIG-LINE]
# Turns $HVM_WORK/runs/NAME/share (written by the guest) into the replayable
# case $CASES/vm-NAME/ (vm612-NAME etc. for a non-default HVM_RELEASE, see
# lib.sh): root/ (capture-root output), kernel-answer (the probe's
# own answer file, copied as is), args, and vm-config (the matrix line, for
# provenance), and from a kernel tree with TEST_HMM=m test-hmm (what loading
# lib/test_hmm did) and hmm-tests.txt (the selftest's output, when run);
# other files in the case dir are left alone. Refuses to write a case unless
# the answer is complete and well formed (v1, or v2 from the probe's
# mode=new: one pagemap line per size too), names the captured kernel,
# answers every size in order, and nothing was left in /proc/iomem.
set -eu
. "$(dirname "$0")/lib.sh"
N=$1 SIZES=$2 CONFIG=${3:-}
S=$AWORK/runs/$N/share
C=$CASES/$CASE_PREFIX$N
A=$S/answer
die() { echo "convert $N: $*" >&2; exit 1; }

[ -f "$S/status" ] || die "no status file (guest did not run)"
for k in capture_rc=0 insmod_rc=0 answer_rc=0 iomem_clean=yes rmmod_rc=0; do
	grep -qx "$k" "$S/status" || die "status lacks $k: $(tr '\n' ' ' < "$S/status")"
done
[ -s "$S/capture.err" ] && die "capture-root complained: $(cat "$S/capture.err")"
[ -f "$S/root/proc/iomem" ] || die "capture has no proc/iomem"

# the answer file (/sys/module/headroom_probe/parameters/answer) must be v1
# (v2: mode=new) and nothing else: every line known, no "error" or
# "truncated" line
[ -s "$A" ] || die "no answer file"
V=$(head -1 "$A")
case $V in
"# headroom kernel answer v1"|"# headroom kernel answer v2") ;;
*) die "answer header: $V" ;;
esac
bad=$(grep -vE '^(# headroom kernel answer v[12]|release .+|version .+|iomem_end 0x[0-9a-f]+|direct_map_end (0x[0-9a-f]+|absent)|request 0x[0-9a-f]+ (0x[0-9a-f]+-0x[0-9a-f]+|error -[0-9]+)|new_scheme (present|absent)|pagemap 0x[0-9a-f]+ (offset 0x[0-9a-f]+-0x[0-9a-f]+|error -[0-9]+) alloc 0x[0-9a-f]+ memavail -?[0-9]+ vmalloc -?[0-9]+ slab -?[0-9]+ warn (yes|no|unknown))$' "$A" || true)
[ -z "$bad" ] || die "answer has unexpected lines: $bad"
for k in release version iomem_end direct_map_end; do
	[ "$(grep -c "^$k " "$A")" = 1 ] || die "answer needs exactly one $k line"
done
[ "$(grep '^release ' "$A")" = "release $(cat "$S/root/proc/sys/kernel/osrelease")" ] ||
	die "answer release differs from the capture's osrelease"
[ "$(grep '^version ' "$A")" = "version $(cat "$S/root/proc/version")" ] ||
	die "answer version differs from the capture's /proc/version"
# one request line per size, in order, for the size asked (memparse suffixes)
IFS=, read -r -a want <<< "$SIZES"
got=$(awk '$1 == "request" { print $2 }' "$A")
bytes() {	# memparse: a number with an optional K/M/G/T/P/E suffix (bash: 64-bit)
	local n=${1%[KkMmGgTtPpEe]} k
	case ${1^^} in *K) k=1 ;; *M) k=2 ;; *G) k=3 ;; *T) k=4 ;; *P) k=5 ;; *E) k=6 ;; *) k=0 ;; esac
	printf '0x%x\n' $((n << (10 * k)))
}
exp=$(for s in "${want[@]}"; do bytes "$s"; done)
[ "$got" = "$exp" ] ||
	die "request sizes $(echo "$got" | tr '\n' ' ')differ from the matrix's $(echo "$exp" | tr '\n' ' ')"
if [ "$V" = "# headroom kernel answer v2" ]; then
	[ "$(grep -c '^new_scheme ' "$A")" = 1 ] || die "answer v2 needs exactly one new_scheme line"
	if grep -qx 'new_scheme present' "$A"; then
		pm=$(awk '$1 == "pagemap" { print $2 }' "$A")
		[ "$pm" = "$exp" ] || die "pagemap sizes $(echo "$pm" | tr '\n' ' ')differ from the matrix's"
	fi
fi

# Other files in the case (expected.*, added by the replay tests) are kept:
# only root/, kernel-answer, vm-config and the --request pairs of args are ours.
mkdir -p "$C"
rm -rf "$C/root"
cp -a "$S/root" "$C/root"
cp "$A" "$C/kernel-answer"
for f in test-hmm hmm-tests.txt; do
	rm -f "$C/$f"
	[ ! -f "$S/$f" ] || cp "$S/$f" "$C/$f"
done
# a kernel tree from build-kernel.sh --source: which Debian source, which series
if [ -n "$HVM_TREE" ] && [ -f "$HVM_TREE/.headroom-source" ]; then
	cp "$HVM_TREE/.headroom-source" "$C/kernel-source"
fi
# args: our --request pairs first, then any other options already there
# (e.g. "--device-private on" added by hand) in their old order
{
	for s in "${want[@]}"; do printf -- '--request\n%s\n' "$s"; done
	[ -f "$C/args" ] && awk 'skip { skip = 0; next } $0 == "--request" { skip = 1; next } { print }' "$C/args"
} > "$C/args.new"
mv "$C/args.new" "$C/args"
[ -n "$CONFIG" ] && printf '%s\n' "$CONFIG" > "$C/vm-config"
echo "case $C"

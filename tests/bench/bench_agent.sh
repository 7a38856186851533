#!/bin/bash
# bench_agent.sh - speed of vifs-agent.
#
#  1. Inventory of a generated 2,000-device `lspci -xxx` dump (14 PCI
#     segments, each a host bridge, 16 root ports and an 8-function device
#     behind each port); goal: under 100 ms.  `lspci -F` on the same dump
#     is printed as a reference.
#  2. Inventory of this machine against `lspci -vvv -nn` in the same run;
#     goal: no slower than 1.5 times lspci.
#
# Figures are medians of RUNS runs (default 15).  Needs VIFS_AGENT_BIN or
# VIFS_BUILDDIR (the agent is then VIFS_BUILDDIR/agent/vifs-agent).
set -u

agent=${VIFS_AGENT_BIN:-${VIFS_BUILDDIR:-.}/agent/vifs-agent}
runs=${RUNS:-15}
if [ ! -x "$agent" ]; then
    echo "bench_agent: no vifs-agent at $agent" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gen_dump SEGMENTS: prints a dump of SEGMENTS * 145 functions.  (awk has
# no hex constants: offsets and values are decimal.)
gen_dump() {
    awk -v segs="$1" '
    function clear(   i) { for (i = 0; i < 256; i++) c[i] = 0 }
    function w16(o, v) { c[o] = v % 256; c[o + 1] = int(v / 256) % 256 }
    function w32(o, v) { w16(o, v % 65536); w16(o + 2, int(v / 65536)) }
    function emit(addr, desc,   l, i, s) {
        print addr " " desc
        for (l = 0; l < 16; l++) {
            s = sprintf("%02x:", l * 16)
            for (i = 0; i < 16; i++)
                s = s sprintf(" %02x", c[l * 16 + i])
            print s
        }
        print ""
    }
    function ids(v, d, cls, hdr) {
        clear(); w16(0, v); w16(2, d); w16(4, 6); w16(6, 16)
        c[8] = 1; c[9] = cls % 256; c[10] = int(cls / 256) % 256
        c[11] = int(cls / 65536); c[14] = hdr; c[52] = 64
    }
    BEGIN {
        for (s = 0; s < segs; s++) {
            seg = sprintf("%04x", s)
            ids(32902, 10672, 393216, 0)          # 8086:29b0 host bridge
            c[6] = 0; c[52] = 0
            emit(seg ":00:00.0", "Host bridge: generated")
            for (p = 1; p <= 16; p++) {
                ids(32902, 10560, 394240, 1)      # 8086:2940 root port
                c[24] = 0; c[25] = p; c[26] = p
                c[64] = 16; c[65] = 128; w16(66, 66)
                c[128] = 1; c[129] = 0
                emit(sprintf("%s:00:%02x.0", seg, p), "PCI bridge: gen")
                for (f = 0; f < 8; f++) {
                    ids(32902, 4297, 131072, f == 0 ? 128 : 0)
                    c[64] = 16; c[65] = 96; w16(66, 2)
                    if (f % 2 == 0)
                        w32(68, 268435456)      # DevCap FLReset
                    c[96] = 1; c[97] = 0
                    if (f % 4 == 3)
                        c[100] = 8               # NoSoftRst
                    emit(sprintf("%s:%02x:00.%d", seg, p, f),
                        "Ethernet controller: gen")
                }
            }
        }
    }'
}

# median_ms CMD...: runs CMD $runs times, prints the median in ms.
median_ms() {
    local i t0 t1
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        "$@" > /dev/null 2>&1
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 ))
    done | sort -n | awk '{ v[NR] = $1 } END {
        printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}

gen_dump 14 > "$work/big.lspci"
n=$(grep -c '^[0-9a-f]\{4\}:' "$work/big.lspci")
"$agent" inventory -q --no-hwdb --dump "$work/big.lspci" -o "$work/big.xml" ||
    { echo "bench_agent: inventory of the dump failed" >&2; exit 1; }
got=$(grep -c '<device ' "$work/big.xml")
[ "$got" = "$n" ] ||
    { echo "bench_agent: $got devices in the inventory, $n in the dump" >&2
      exit 1; }

dump_agent=$(median_ms "$agent" inventory -q --no-hwdb \
    --dump "$work/big.lspci" -o "$work/out.xml")
dump_lspci=$(median_ms lspci -F "$work/big.lspci" -vvv -nn)
live_agent=$(median_ms "$agent" inventory -q -o "$work/live.xml")
live_lspci=$(median_ms lspci -vvv -nn)

awk -v n="$n" -v da="$dump_agent" -v dl="$dump_lspci" \
    -v la="$live_agent" -v ll="$live_lspci" -v runs="$runs" 'BEGIN {
    printf "vifs-agent benchmark (median of %d runs)\n", runs
    printf "  dump of %d devices: inventory %.2f ms (goal < 100 ms: %s); " \
        "lspci -F -vvv -nn %.2f ms; ratio %.2f\n", n, da,
        da < 100 ? "met" : "MISSED", dl, da / dl
    printf "  this machine: inventory %.2f ms; lspci -vvv -nn %.2f ms; " \
        "ratio %.2f (goal <= 1.5: %s)\n", la, ll, la / ll,
        la / ll <= 1.5 ? "met" : "MISSED"
}'

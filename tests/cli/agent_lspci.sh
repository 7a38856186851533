#!/usr/bin/env bash
# vifs-agent lspci: the ESXi-style listing of the sample 1 dump with its
# esx.conf must match the listing ESXi printed for that host
# (seed-sample1.esxi-lspci.txt) line for line in address, order, class
# name and [vmkname] suffix.  Device names come from pci.ids, which words
# some of them differently from VMware's list (fixtures README), so the
# names are checked against lspci's own reading of pci.ids instead.
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

command -v lspci > /dev/null || tap_die "lspci missing (pciutils)"
WANT=$FIX/seed-sample1.esxi-lspci.txt

st=$(status "$AGENT" lspci --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf")
tap_eq "lspci of sample 1 exits 0" 0 "$st"
cp "$T/out" "$T/got.txt"
tap_eq "nothing on standard error" "" "$(cat "$T/err")"
tap_eq "as many lines as ESXi's listing" "$(wc -l < "$WANT")" \
    "$(wc -l < "$T/got.txt")"

# columns FILE: "address|class|suffix" per line.
columns() {
    sed -E 's/^([0-9]{2}:[0-9]{2}\.[0-9]{2}) ([^:]+): (.*)$/\1|\2|\3/' "$1" |
        awk -F'|' '{
            s = ""
            if (match($3, / \[vm[a-z]+[0-9]+\]$/))
                s = substr($3, RSTART + 1)
            print $1 "|" $2 "|" s
        }'
}
columns "$WANT" > "$T/want.cols"
columns "$T/got.txt" > "$T/got.cols"
tap_file_eq "address, order, class name and suffix match ESXi" \
    "$T/want.cols" "$T/got.cols"
tap_eq "three devices carry a vmkname" 3 \
    "$(grep -c '|\[vm' "$T/got.cols")"
tap_match "vmnic0 on 00:25.00" '^00:25\.00 Network controller: .* \[vmnic0\]$' \
    "$(grep '^00:25.00' "$T/got.txt")"

# Names: vendor and device as lspci reads them from pci.ids.
lspci -F "$FIX/seed-sample1.lspci" -mm 2> /dev/null |
    awk -F'"' '{ sub(/ $/, "", $1); print $1 "|" $4 "|" $6 }' |
    while IFS='|' read -r a v d; do
        b=${a%%:*} s=${a#*:}
        printf '%02d:%02d.%02d %s %s\n' "0x$b" "0x${s%%.*}" "0x${a##*.}" \
            "$v" "$d"
    done > "$T/lspci-names"
sed -E 's/^([^ ]+) [^:]+: (.*)$/\1 \2/; s/ \[vm[a-z]+[0-9]+\]$//' \
    "$T/got.txt" > "$T/got-names"
tap_file_eq "vendor and device names as lspci gives them" \
    "$T/lspci-names" "$T/got-names"
# Where the wording agrees with VMware's list, the line is ESXi's exactly.
same=$(grep -cxFf "$WANT" "$T/got.txt")
tap_run "at least 18 lines equal ESXi's whole ($same)" test "$same" -ge 18

# Without esx.conf there are no suffixes.
st=$(status "$AGENT" lspci --dump "$FIX/seed-sample1.lspci")
tap_eq "lspci without esx.conf exits 0" 0 "$st"
tap_eq "no suffix without esx.conf" 0 "$(grep -c '\[vm' "$T/out")"

# A device that pci.ids does not know.
sed 's/^00: 86 80 b0 29/00: 86 80 ff ef/' "$FIX/seed-sample1.lspci" \
    > "$T/unknown.lspci"
"$AGENT" lspci --no-hwdb --dump "$T/unknown.lspci" > "$T/unknown.txt"
tap_eq "unknown device id" "00:00.00 Bridge: Intel Corporation Device efff" \
    "$(head -1 "$T/unknown.txt")"

tap_done

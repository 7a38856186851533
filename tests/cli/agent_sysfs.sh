#!/usr/bin/env bash
# vifs-agent --sysfs: a sysfs-like tree made from the sample 1 dump gives
# the same inventory as the dump itself; the tree may be named by its root
# (DIR/bus/pci) or by DIR itself.
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

S1=$FIX/seed-sample1.lspci

# finish DIR: the attribute files libpci's sysfs back-end reads.
finish() {
    local d=$1 h i
    h=($(od -An -tx1 -v -N64 "$d/config"))
    printf '0x%s%s\n' "${h[1]}" "${h[0]}" > "$d/vendor"
    printf '0x%s%s\n' "${h[3]}" "${h[2]}" > "$d/device"
    printf '0x%s%s%s\n' "${h[11]}" "${h[10]}" "${h[9]}" > "$d/class"
    printf '0x%s\n' "${h[8]}" > "$d/revision"
    # Bridges keep their subsystem in a capability: without these files
    # libpci reads it from the configuration space, as from the dump.
    if [ $((0x${h[14]} & 0x7f)) = 0 ]; then
        printf '0x%s%s\n' "${h[45]}" "${h[44]}" > "$d/subsystem_vendor"
        printf '0x%s%s\n' "${h[47]}" "${h[46]}" > "$d/subsystem_device"
    fi
    echo 0 > "$d/irq"
    for i in 0 1 2 3 4 5 6; do
        echo "0x0000000000000000 0x0000000000000000 0x0000000000000000"
    done > "$d/resource"
}

# dump_to_sysfs DUMP DIR: DIR/bus/pci/devices/<address>/ for each device.
dump_to_sysfs() {
    local addr= line b bytes d=
    mkdir -p "$2/bus/pci/devices"
    while IFS= read -r line; do
        if [[ $line =~ ^([0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\  ]]; then
            addr=0000:${BASH_REMATCH[1]}
            d=$2/bus/pci/devices/$addr
            mkdir -p "$d"
            : > "$d/config"
        elif [[ -n $addr && $line =~ ^[0-9a-f]{2}:\ (.*)$ ]]; then
            bytes=
            for b in ${BASH_REMATCH[1]}; do bytes+="\\x$b"; done
            printf "$bytes" >> "$d/config"
        elif [[ -z $line && -n $addr ]]; then
            finish "$d"
            addr=
        fi
    done < "$1"
    [ -z "$addr" ] || finish "$d"
}

dump_to_sysfs "$S1" "$T/sys"
tap_eq "tree of 28 devices" 28 "$(ls "$T/sys/bus/pci/devices" | wc -l)"
tap_eq "256 bytes of config each" 256 \
    "$(stat -c %s "$T/sys/bus/pci/devices/0000:00:1b.0/config")"

"$AGENT" inventory -q --no-hwdb --dump "$S1" \
    --esxconf "$FIX/seed-sample1.esx.conf" -o "$T/dump.xml" ||
    tap_die "inventory of the dump failed"
st=$(status "$AGENT" inventory -q --no-hwdb --sysfs "$T/sys" \
    --esxconf "$FIX/seed-sample1.esx.conf" -o "$T/sysfs.xml")
tap_eq "inventory of the tree exits 0" 0 "$st"
valid "tree inventory validates" "$T/sysfs.xml"
tap_eq "source of the tree" "sysfs $T/sys/bus/pci" \
    "$(xp "concat(//source/@kind,' ',//source/@path)" "$T/sysfs.xml")"
tap_eq "no host name for another tree" "" \
    "$(xp 'string(//source/@host)' "$T/sysfs.xml")"
sed '1,3d' "$T/dump.xml" > "$T/dump.body"
sed '1,3d' "$T/sysfs.xml" > "$T/sysfs.body"
tap_file_eq "tree and dump give the same devices and findings" \
    "$T/dump.body" "$T/sysfs.body"

st=$(status "$AGENT" lspci --sysfs "$T/sys/bus/pci" \
    --esxconf "$FIX/seed-sample1.esx.conf")
tap_eq "--sysfs DIR/bus/pci accepted" 0 "$st"
cp "$T/out" "$T/tree.txt"
"$AGENT" lspci --dump "$S1" --esxconf "$FIX/seed-sample1.esx.conf" \
    > "$T/dump.txt"
tap_file_eq "same listing from tree and dump" "$T/dump.txt" "$T/tree.txt"

st=$(status "$AGENT" inventory --sysfs "$T/nothing")
tap_eq "--sysfs of a missing directory: exit 1" 1 "$st"
tap_match "--sysfs of a missing directory: message" \
    "nothing: no PCI devices there" "$(cat "$T/err")"

# A tree with no devices is an empty inventory, not an error.
mkdir -p "$T/empty/devices"
st=$(status "$AGENT" inventory -q --sysfs "$T/empty")
tap_eq "empty tree: exit 0" 0 "$st"
tap_eq "empty tree: no devices" 0 "$(xp 'count(//device)' "$T/out")"

tap_done

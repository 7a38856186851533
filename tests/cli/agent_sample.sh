#!/usr/bin/env bash
# vifs-agent inventory of the sample 1 dump with its esx.conf and the
# passthru.map fixture: the facts tests/fixtures/pci/README.md lists
# (classes, topology, multi-function slots, capabilities, owners), the
# schema, stable output, and the findings of the sample 2 esx.conf.
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

X=$T/s1.xml
st=$(status "$AGENT" inventory --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf" \
    --passthru-map "$VIFS_FIXTURES/passthru.map" -o "$X")
tap_eq "inventory of sample 1 exits 0" 0 "$st"
[ -s "$X" ] || tap_die "no inventory written"
valid "sample 1 inventory validates against inventory.xsd" "$X"
tap_eq "28 devices" 28 "$(xp 'count(//device)' "$X")"
tap_eq "devices count attribute" 28 "$(xp 'string(//devices/@count)' "$X")"
tap_eq "source is the dump" dump "$(xp 'string(//source/@kind)' "$X")"

# Devices sorted by address (libpci returns dumps in reverse order).
xpl '//device/@address' "$X" > "$T/addrs"
sort "$T/addrs" | tap_file_eq "devices in address order" - "$T/addrs"
tap_eq "first device" 0000:00:00.0 "$(head -1 "$T/addrs")"

# Classes (base class and subclass) and programming interfaces.
while read -r a cls pif; do
    tap_eq "$a class" "$cls" "$(dev "$X" "$a" id/@class)"
    [ "$pif" = - ] ||
        tap_eq "$a prog-if" "$pif" "$(dev "$X" "$a" id/@prog-if)"
done <<'EOF'
00:00.0 0600 -
00:02.0 0300 -
00:03.0 0780 -
00:03.2 0101 85
00:03.3 0700 02
00:19.0 0200 -
00:1a.0 0c03 00
00:1a.1 0c03 00
00:1a.2 0c03 00
00:1a.7 0c03 20
00:1b.0 0403 -
00:1c.0 0604 -
00:1d.0 0c03 00
00:1d.1 0c03 00
00:1d.2 0c03 00
00:1d.7 0c03 20
00:1e.0 0604 01
00:1f.0 0601 -
00:1f.2 0101 8f
00:1f.3 0c05 -
00:1f.5 0101 85
00:1f.6 1180 -
01:00.0 0604 -
02:00.0 0c03 10
02:00.1 0c03 10
02:00.2 0c03 20
03:00.0 0300 -
03:01.0 0100 -
EOF
tap_eq "esx.conf address of 00:1b.0" 000:27.0 \
    "$(dev "$X" 00:1b.0 @esxconf-address)"
tap_eq "ids of 00:1b.0" 8086:293e \
    "$(dev "$X" 00:1b.0 id/@vendor):$(dev "$X" 00:1b.0 id/@device)"
tap_eq "subsystem of 03:01.0" 9004:7861 \
    "$(dev "$X" 03:01.0 id/@subvendor):$(dev "$X" 03:01.0 id/@subdevice)"
tap_eq "subsystem of 03:00.0" 1682:1351 \
    "$(dev "$X" 03:00.0 id/@subvendor):$(dev "$X" 03:00.0 id/@subdevice)"
tap_eq "vendor name from pci.ids" "Intel Corporation" \
    "$(dev "$X" 00:1b.0 name/@vendor)"
tap_eq "base class name" "Multimedia controller" \
    "$(dev "$X" 00:1b.0 name/@base-class)"

# Bridges and who is behind them.
tap_eq "00:1c.0 bus numbers" 00/01/02 "$(dev "$X" 00:1c.0 bridge/@primary)/$(
    dev "$X" 00:1c.0 bridge/@secondary)/$(dev "$X" 00:1c.0 bridge/@subordinate)"
tap_eq "01:00.0 bus numbers" 01/02/02 "$(dev "$X" 01:00.0 bridge/@primary)/$(
    dev "$X" 01:00.0 bridge/@secondary)/$(dev "$X" 01:00.0 bridge/@subordinate)"
tap_eq "00:1e.0 bus numbers" 00/03/03 "$(dev "$X" 00:1e.0 bridge/@primary)/$(
    dev "$X" 00:1e.0 bridge/@secondary)/$(dev "$X" 00:1e.0 bridge/@subordinate)"
tap_eq "three bridges" 3 "$(xp 'count(//device/bridge)' "$X")"
while read -r a parent; do
    tap_eq "parent of $a" "0000:$parent" "$(dev "$X" "$a" parent/@address)"
    tap_eq "parent of $a from bus ranges" bus-range \
        "$(dev "$X" "$a" parent/@from)"
done <<'EOF'
01:00.0 00:1c.0
02:00.0 01:00.0
02:00.1 01:00.0
02:00.2 01:00.0
03:00.0 00:1e.0
03:01.0 00:1e.0
EOF
tap_eq "every other device sits on the root bus" 6 \
    "$(xp 'count(//device/parent)' "$X")"
tap_eq "everything below 00:1c.0 is reset with it" \
    "0000:01:00.0 0000:02:00.0 0000:02:00.1 0000:02:00.2" \
    "$(xpl "//device[@address='0000:00:1c.0']/reset/with/@address" "$X" |
        tr '\n' ' ' | sed 's/ $//')"
tap_eq "everything below 00:1e.0 is reset with it" \
    "0000:03:00.0 0000:03:01.0" \
    "$(xpl "//device[@address='0000:00:1e.0']/reset/with/@address" "$X" |
        tr '\n' ' ' | sed 's/ $//')"

# Multi-function slots: the bit on function 0 only, the flag on all.
tap_eq "multi-function bit" \
    "0000:00:03.0 0000:00:1a.0 0000:00:1d.0 0000:00:1f.0 0000:02:00.0" \
    "$(xpl "//device[header/@multifunction-bit='yes']/@address" "$X" |
        tr '\n' ' ' | sed 's/ $//')"
tap_eq "functions of multi-function slots" 19 \
    "$(xp "count(//device[header/@multifunction='yes'])" "$X")"
tap_eq "slot 00:1f resets together" \
    "0000:00:1f.0 0000:00:1f.3 0000:00:1f.5 0000:00:1f.6" \
    "$(xpl "//device[@address='0000:00:1f.2']/reset/with/@address" "$X" |
        tr '\n' ' ' | sed 's/ $//')"

# Capabilities.
while read -r a type; do
    tap_eq "$a PCIe type" "$type" "$(dev "$X" "$a" capabilities/@pcie)"
done <<'EOF'
00:19.0 rc-integrated-endpoint
00:1b.0 rc-integrated-endpoint
00:1c.0 root-port
01:00.0 pcie-to-pci-bridge
EOF
tap_eq "the others are conventional PCI" 24 \
    "$(xp "count(//device[capabilities/@pcie='none'])" "$X")"
tap_eq "only 00:1b.0 has FLR" 0000:00:1b.0 \
    "$(xpl "//device[capabilities/@flr='yes']/@address" "$X")"
tap_eq "00:19.0 has no FLR" no "$(dev "$X" 00:19.0 capabilities/@flr)"
tap_eq "00:1b.0 resets by FLR" flr "$(dev "$X" 00:1b.0 reset/@method)"
tap_eq "power management" "$(printf '0000:%s\n' 00:02.0 00:03.0 00:03.2 \
    00:03.3 00:19.0 00:1a.7 00:1b.0 00:1c.0 00:1d.7 00:1f.2 00:1f.5 00:1f.6 \
    01:00.0 02:00.0 02:00.1 02:00.2 03:00.0 03:01.0)" \
    "$(xpl "//device[capabilities/@pm='yes']/@address" "$X")"
for a in 00:1a.0 00:1a.1 00:1a.2 00:1d.0 00:1d.1 00:1d.2 00:1f.3; do
    tap_eq "$a without capability list: no PM, no PCIe" no/none \
        "$(dev "$X" "$a" capabilities/@pm)/$(dev "$X" "$a" capabilities/@pcie)"
done
tap_eq "256-byte dump: extended capabilities of PCIe devices unknown" 4 \
    "$(xp "count(//device[capabilities/@acs='unknown'])" "$X")"
tap_eq "00:19.0 sets NoSoftRst: no d3d0, no bridge above: none" \
    yes/none "$(dev "$X" 00:19.0 capabilities/@no-soft-reset)/$(
    dev "$X" 00:19.0 reset/@method)"

# passthru.map overrides.
line=$(grep -n '^8086  2920' "$VIFS_FIXTURES/passthru.map" | cut -d: -f1)
tap_eq "00:1f.2 map entry" "d3d0/false/$line" \
    "$(dev "$X" 00:1f.2 reset/@map-method)/$(dev "$X" 00:1f.2 reset/@map-shareable)/$(
    dev "$X" 00:1f.2 reset/@map-line)"
tap_eq "NVIDIA wildcard gives 03:00.0 a bridge reset" bridge/d3d0 \
    "$(dev "$X" 03:00.0 reset/@method)/$(dev "$X" 03:00.0 reset/@capabilities)"
tap_eq "no entry, no map attributes" "" "$(dev "$X" 00:1b.0 reset/@map-method)"

# esx.conf: owners, bridges, vmknames.
for a in 00:1b.0 00:1e.0 01:00.0; do
    tap_eq "$a passthru" passthru/passthru \
        "$(dev "$X" "$a" esx/@owner)/$(dev "$X" "$a" esx/@effective)"
done
while read -r a bridge owner; do
    tap_eq "$a passthru through $bridge" "$owner/passthru/0000:$bridge" \
        "$(dev "$X" "$a" esx/@owner)/$(dev "$X" "$a" esx/@effective)/$(
        dev "$X" "$a" esx/@via-bridge)"
done <<'EOF'
03:00.0 00:1e.0 none
03:01.0 00:1e.0 none
02:00.0 01:00.0 vmkernel
02:00.1 01:00.0 vmkernel
02:00.2 01:00.0 vmkernel
EOF
for a in 00:03.2 00:1a.0 00:1a.1 00:1a.2 00:1a.7 00:1d.0 00:1d.1 00:1d.2 \
    00:1d.7 00:1f.2 00:1f.5; do
    tap_eq "$a vmkernel" vmkernel/vmkernel \
        "$(dev "$X" "$a" esx/@owner)/$(dev "$X" "$a" esx/@effective)"
done
while read -r a key name; do
    tap_eq "$a vmkname" "$key/$name" \
        "$(dev "$X" "$a" esx/@key)/$(dev "$X" "$a" esx/@vmkname)"
done <<'EOF'
00:19.0 000:25.0 vmnic0
00:1f.2 000:31.2 vmhba0
00:1f.5 000:31.5 vmhba1
EOF
tap_eq "00:19.0 has no owner line" none "$(dev "$X" 00:19.0 esx/@owner)"
tap_eq "functions without esx.conf lines" "$(printf '0000:%s\n' 00:00.0 \
    00:02.0 00:03.0 00:03.3 00:1c.0 00:1f.0 00:1f.3 00:1f.6 03:00.0 03:01.0)" \
    "$(xpl '//device[not(esx/@key)]/@address' "$X")"
tap_eq "findings: the three overridden vmkernel owners" \
    "owner-overridden owner-overridden owner-overridden" \
    "$(xpl '//finding/@rule' "$X" | tr '\n' ' ' | sed 's/ $//')"
tap_match "findings reach standard error" \
    "seed-sample1.esx.conf:18: warning: owner-overridden: 0000:02:00.0" \
    "$(cat "$T/err")"

# Stable output: the same bytes again, to stdout too.
"$AGENT" inventory -q --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf" \
    --passthru-map "$VIFS_FIXTURES/passthru.map" > "$T/again.xml"
tap_file_eq "second run gives the same bytes" "$X" "$T/again.xml"

# The dump in another order gives the same inventory.
awk 'BEGIN { RS = ""; ORS = "\n\n" } { b[NR] = $0 } END {
    for (i = NR; i > 0; i--) print b[i] }' "$FIX/seed-sample1.lspci" \
    > "$T/reversed.lspci"
"$AGENT" inventory -q --no-hwdb --dump "$T/reversed.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf" \
    --passthru-map "$VIFS_FIXTURES/passthru.map" |
    sed "s#$T/reversed.lspci#$FIX/seed-sample1.lspci#" > "$T/rev.xml"
tap_file_eq "reversed dump, same inventory" "$X" "$T/rev.xml"

# Sample 2's esx.conf against sample 1's devices: lint findings and
# /device/ entries for absent devices; --strict turns errors into exit 1.
X2=$T/s2.xml
st=$(status "$AGENT" inventory --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample2.esx.conf" -o "$X2")
tap_eq "findings alone exit 0" 0 "$st"
valid "sample 2 inventory validates" "$X2"
tap_eq "absent devices of sample 2" "18 19 20 21" \
    "$(xpl "//finding[@rule='device-not-present']/@line" "$X2" |
        tr '\n' ' ' | sed 's/ $//')"
tap_eq "lint: key without slash on line 1" key-no-slash \
    "$(xp "string(//finding[@line='1']/@rule)" "$X2")"
tap_eq "lint: /devcie/ on line 3" unknown-component/error \
    "$(xp "string(//finding[@line='3']/@rule)" "$X2")/$(
    xp "string(//finding[@line='3']/@severity)" "$X2")"
tap_eq "03:00.0 passthru through 00:1e.0 in sample 2 too" passthru \
    "$(dev "$X2" 03:00.0 esx/@effective)"
tap_eq "no 001:00.0 line: 02:00.0 stays with the VMkernel" vmkernel \
    "$(dev "$X2" 02:00.0 esx/@effective)"
st=$(status "$AGENT" inventory -q --strict --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample2.esx.conf")
tap_eq "--strict with error findings exits 1" 1 "$st"
tap_match "--strict still writes the inventory" "<findings count=\"6\">" \
    "$(cat "$T/out")"
st=$(status "$AGENT" inventory -q --strict --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf")
tap_eq "--strict with warnings only exits 0" 0 "$st"
tap_eq "-q prints no findings" "" "$(cat "$T/err")"

# A passthru device that holds a vmkname, a bridge covering one, a split
# slot.
cat > "$T/bad.conf" <<'EOF'
/device/000:31.2/owner = "passthru"
/device/000:31.2/vmkname = "vmhba0"
/device/000:30.0/owner = "passthru"
/device/003:01.0/vmkname = "vmhba2"
EOF
st=$(status "$AGENT" inventory --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$T/bad.conf" -o "$T/bad.xml")
tap_eq "inventory with dangerous esx.conf exits 0" 0 "$st"
tap_eq "passthru device holding vmhba0" 0000:00:1f.2/2/error \
    "$(xp "string(//finding[@rule='passthru-vmkname']/@device)" "$T/bad.xml")/$(
    xp "string(//finding[@rule='passthru-vmkname']/@line)" "$T/bad.xml")/$(
    xp "string(//finding[@rule='passthru-vmkname']/@severity)" "$T/bad.xml")"
tap_eq "bridge 00:1e.0 covers vmhba2" 0000:03:01.0 \
    "$(xp "string(//finding[@rule='bridge-covers-vmkname']/@device)" \
    "$T/bad.xml")"
tap_eq "slot 00:1f split" 0000:00:1f.0 \
    "$(xp "string(//finding[@rule='split-multifunction']/@device)" \
    "$T/bad.xml")"
tap_match "stderr names the line" \
    "bad.conf:2: error: passthru-vmkname: 0000:00:1f.2 \(000:31.2\) is passthru but holds vmhba0" \
    "$(cat "$T/err")"

tap_done

#!/usr/bin/env bash
# vifs-agent --dump: dumps libpci would misread are refused with the line
# at fault and exit 1 (libpci's own errors too, without it ending the
# process); 64-byte dumps give "unknown" facts; 4096-byte dumps give the
# extended capabilities (ACS, SR-IOV).
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

S1=$FIX/seed-sample1.lspci

# device ADDR: the lines of one device of sample 1 (header to last bytes).
device() {
    sed -n "/^$1 /,/^\$/p" "$S1" | sed '/^$/d'
}

# refused NAME FILE REGEX: inventory of FILE exits 1, prints no XML and a
# message matching REGEX.
refused() {
    local st
    st=$(status "$AGENT" inventory -q --dump "$2")
    tap_eq "$1: exit 1" 1 "$st"
    tap_eq "$1: no output" "" "$(cat "$T/out")"
    tap_match "$1: message" "$3" "$(cat "$T/err")"
}

{ device 00:1b.0; echo; device 00:1c.0; echo; } > "$T/two.lspci"

sed 's/^00:1c.0 PCI bridge.*/00:1c.0/' "$T/two.lspci" > "$T/nodesc.lspci"
refused "header without description" "$T/nodesc.lspci" \
    "nodesc.lspci:19: device header '00:1c.0' has no description"

{ device 00:1b.0; echo; device 00:1c.0 | tail -n +2; } > "$T/orphan.lspci"
refused "bytes after a blank line" "$T/orphan.lspci" \
    "orphan.lspci:19: configuration bytes outside a device"

{ device 00:1b.0; echo; device 00:1c.0 | head -4; } > "$T/short.lspci"
refused "truncated device" "$T/short.lspci" \
    "short.lspci:19: device 00:1c.0 has 48 bytes of configuration space, at least 64"

{ device 00:1b.0; echo; device 00:1c.0 | head -9; } > "$T/part.lspci"
st=$(status "$AGENT" inventory -q --dump "$T/part.lspci" -o "$T/part.xml")
tap_eq "128 bytes (lspci -x of a CardBus bridge): exit 0" 0 "$st"
tap_eq "128 bytes: no warning" "" "$(cat "$T/err")"
tap_eq "128 bytes: facts unknown" unknown \
    "$(dev "$T/part.xml" 00:1c.0 capabilities/@flr)"
{ device 00:1b.0; echo; device 00:1c.0 | head -10; } > "$T/part.lspci"
st=$(status "$AGENT" inventory -q --dump "$T/part.lspci" -o "$T/part.xml")
tap_eq "device cut after 144 bytes: exit 0" 0 "$st"
tap_match "device cut after 144 bytes: warning" \
    "part.lspci:19: device 00:1c.0 has 144 bytes .*facts past byte 64 are unknown" \
    "$(cat "$T/err")"

{ device 00:1b.0 | head -3; echo '20: 00 00 0'; } > "$T/cut.lspci"
refused "device cut mid-line" "$T/cut.lspci" \
    "cut.lspci:4: malformed bytes at column 11"

sed '3s/^10: 04 c0/10: 04 cx/' "$T/two.lspci" > "$T/hex.lspci"
refused "malformed byte" "$T/hex.lspci" "hex.lspci:3: malformed bytes"

sed '3s/^10: 04 c0/10: 04  c0/' "$T/two.lspci" > "$T/space.lspci"
refused "double space" "$T/space.lspci" "space.lspci:3: malformed bytes"

{ cat "$T/two.lspci"; device 00:1b.0; } > "$T/dup.lspci"
refused "the same device twice" "$T/dup.lspci" \
    "dup.lspci:37: the device of line 1 appears again"

head -c -1 "$T/two.lspci" | head -c -1 > "$T/nonl.lspci"
refused "no final newline" "$T/nonl.lspci" \
    "nonl.lspci:35: the last line has no newline"

sed '1s/$/ '"$(printf 'x%.0s' $(seq 260))"'/' "$T/two.lspci" > "$T/long.lspci"
refused "line too long" "$T/long.lspci" "long.lspci:1: line longer than 253"

sed 's/^00:1c.0 /00:1c.8 /' "$T/two.lspci" > "$T/func.lspci"
refused "function 8" "$T/func.lspci" "func.lspci:19: '00:1c.8' is no PCI address"

sed 's/^00:1c.0 /00:2c.0 /' "$T/two.lspci" > "$T/slot.lspci"
refused "device 2c" "$T/slot.lspci" "slot.lspci:19: '00:2c.0' is no PCI address"

sed 's/^00:1b.0 /10000:00:1b.0 /' "$T/two.lspci" > "$T/seg.lspci"
refused "segment above ffff" "$T/seg.lspci" "'10000:00:1b.0' is no PCI address"

{ device 00:1b.0 | head -1; printf '1000: 00\n'; } > "$T/far.lspci"
refused "offset beyond 4096" "$T/far.lspci" "far.lspci:2: offset beyond 4096"

printf 'Intel Corporation device list\nnothing else\n' > "$T/none.lspci"
refused "no device" "$T/none.lspci" "none.lspci: no device in the dump"
: > "$T/empty.lspci"
refused "empty file" "$T/empty.lspci" "empty.lspci: no device in the dump"
refused "missing file" "$T/missing.lspci" "missing.lspci"
refused "a directory" "$T" "is a directory"
printf '\x00\xff\n' > "$T/binary.lspci"
refused "binary file" "$T/binary.lspci" "no device in the dump"

# CRLF line endings and lspci -vxxx text lines are fine.
sed 's/$/\r/' "$T/two.lspci" > "$T/crlf.lspci"
st=$(status "$AGENT" inventory -q --dump "$T/crlf.lspci" -o "$T/crlf.xml")
tap_eq "CRLF dump accepted" 0 "$st"
tap_eq "CRLF dump: both devices" 2 "$(xp 'count(//device)' "$T/crlf.xml")"
sed '1a\	Subsystem: Dell OptiPlex 755' "$T/two.lspci" > "$T/verbose.lspci"
st=$(status "$AGENT" inventory -q --dump "$T/verbose.lspci")
tap_eq "indented detail lines ignored" 0 "$st"

# 64 bytes per device (lspci -x): facts unknown, a warning.
awk '/^[4-9a-f]0: /{ next } { print }' "$S1" > "$T/x64.lspci"
st=$(status "$AGENT" inventory --dump "$T/x64.lspci" -o "$T/x64.xml")
tap_eq "64-byte dump accepted" 0 "$st"
valid "64-byte inventory validates" "$T/x64.xml"
tap_eq "64-byte dump: every device reports 64 bytes" 28 \
    "$(xp "count(//device[capabilities/@config-bytes='64'])" "$T/x64.xml")"
tap_eq "64-byte dump: FLR of 00:1b.0 unknown" unknown/unknown/yes \
    "$(dev "$T/x64.xml" 00:1b.0 capabilities/@flr)/$(
    dev "$T/x64.xml" 00:1b.0 reset/@method)/$(
    dev "$T/x64.xml" 00:1b.0 reset/@worst-case)"
tap_eq "64-byte dump: no capability list is still known" no/none \
    "$(dev "$T/x64.xml" 00:1a.0 capabilities/@flr)/$(
    dev "$T/x64.xml" 00:1a.0 reset/@method)"
tap_eq "64-byte dump: topology still known" 0000:00:1e.0 \
    "$(dev "$T/x64.xml" 03:01.0 parent/@address)"
tap_match "64-byte dump: warning" \
    "warning: config-space-limited: 21 of 28 devices" "$(cat "$T/err")"

# 4096 bytes: ACS and SR-IOV, and a switch port without ACS.
zeros() {
    local off
    for ((off = $1; off < 4096; off += 16)); do
        printf '%x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n' "$off"
    done
}
{
    device 00:1b.0
    echo '100: 0d 00 01 14 00 00 00 00 00 00 00 00 00 00 00 00'
    zeros 272 | sed -n '1,3p'
    echo '140: 10 00 01 00 00 00 00 00 00 00 00 00 00 00 07 00'
    zeros 336
    echo
    device 00:1c.0 | sed 's/^40: 10 80 41 01/40: 10 80 61 01/'
    zeros 256
    echo
} > "$T/x4k.lspci"
st=$(status "$AGENT" inventory -q --dump "$T/x4k.lspci" -o "$T/x4k.xml")
tap_eq "4096-byte dump accepted" 0 "$st"
valid "4096-byte inventory validates" "$T/x4k.xml"
tap_eq "ACS and SR-IOV of 00:1b.0" 4096/yes/yes/7 \
    "$(dev "$T/x4k.xml" 00:1b.0 capabilities/@config-bytes)/$(
    dev "$T/x4k.xml" 00:1b.0 capabilities/@acs)/$(
    dev "$T/x4k.xml" 00:1b.0 capabilities/@sriov)/$(
    dev "$T/x4k.xml" 00:1b.0 capabilities/@sriov-total-vfs)"
tap_eq "downstream port without ACS" downstream-port/no \
    "$(dev "$T/x4k.xml" 00:1c.0 capabilities/@pcie)/$(
    dev "$T/x4k.xml" 00:1c.0 capabilities/@acs)"
tap_eq "acs-missing finding" "acs-missing/0000:00:1c.0/warning" \
    "$(xp "string(//finding/@rule)" "$T/x4k.xml")/$(
    xp "string(//finding/@device)" "$T/x4k.xml")/$(
    xp "string(//finding/@severity)" "$T/x4k.xml")"

# libpci's own errors end the command, not the process: a sysfs tree
# whose device lacks its vendor file.
mkdir -p "$T/sys/bus/pci/devices/0000:00:01.0"
head -c 64 /dev/zero > "$T/sys/bus/pci/devices/0000:00:01.0/config"
st=$(status "$AGENT" inventory -q --sysfs "$T/sys")
tap_eq "libpci error: exit 1" 1 "$st"
tap_match "libpci error: its message" \
    "vifs-agent: libpci: Cannot open .*/0000:00:01.0/" "$(cat "$T/err")"
tap_eq "libpci error: no output" "" "$(cat "$T/out")"

# A pci.ids that does not parse is libpci's error too; a missing one is
# ours.
printf 'zz\n\tfoo\n' > "$T/bad.ids"
st=$(status "$AGENT" lspci --dump "$T/two.lspci" --ids-file "$T/bad.ids")
tap_eq "broken pci.ids: exit 1" 1 "$st"
tap_match "broken pci.ids: message" "libpci: .*bad.ids" "$(cat "$T/err")"
st=$(status "$AGENT" lspci --dump "$T/two.lspci" --ids-file "$T/no.ids")
tap_eq "missing pci.ids: exit 1" 1 "$st"
tap_match "missing pci.ids: message" "no.ids: cannot read the names" \
    "$(cat "$T/err")"
printf '8086  Chipzilla\n\t293e  Sound\n' > "$T/small.ids"
st=$(status "$AGENT" lspci --no-hwdb --dump "$T/two.lspci" \
    --ids-file "$T/small.ids")
tap_eq "names from --ids-file" \
    "00:27.00 Class 04: Chipzilla Sound" "$(head -1 "$T/out")"

tap_done

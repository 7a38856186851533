#!/usr/bin/env bash
# Roles in vifs-agent's inventory: --boot-device on the seed dumps (any
# notation, vmhba names through esx.conf), the error finding for a host
# whose passthru covers its boot controller, the refusal that inventory
# gives `vifs passthru enable` (EHCI and its UHCI companions), and this
# machine's real root disk, followed here independently through /proc and
# /sys, whatever it is (a disk behind PCI, virtio, or a container's
# overlayfs, which has no boot controller and must say so).
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

V=${VIFS_BIN:-$VIFS_BUILDDIR/remote/vifs}
S1=$FIX/seed-sample1.lspci
C1=$FIX/seed-sample1.esx.conf
C2=$FIX/seed-sample2.esx.conf
base=(inventory --dump "$S1" --no-passthru-map --no-hwdb)

# --- sample 1: a stick on the NEC EHCI 02:00.2, under bridge 01:00.0,
# which esx.conf gives to passthru.
X=$T/s1.xml
st=$(status "$AGENT" "${base[@]}" --esxconf "$C1" --boot-device 002:00.2 \
    -o "$X")
tap_eq "sample 1 with --boot-device exits 0" 0 "$st"
valid "sample 1 with a role validates" "$X"
tap_eq "role on 02:00.2, learned from the option" \
    "boot-controller/option" \
    "$(dev "$X" 02:00.2 'role/@name')/$(dev "$X" 02:00.2 'role/@learned')"
tap_eq "the option is in the role's text" \
    "--boot-device 002:00.2 read as esxconf notation" \
    "$(dev "$X" 02:00.2 role)"
tap_eq "error finding on the covered boot controller" "error" \
    "$(xp "string(//finding[@rule='passthru-boot-controller' and @device='0000:02:00.2']/@severity)" "$X")"
tap_match "the finding names the bridge and the consequence" \
    "passthru through bridge 0000:01:00.0 \\(001:00.0\\): the host keeps running from memory but can no longer save its configuration" \
    "$(cat "$T/err")"
st=$(status "$AGENT" "${base[@]}" --esxconf "$C1" --boot-device 0000:02:00.2 \
    --strict -q -o "$T/strict.xml")
tap_eq "--strict exits 1 on it" 1 "$st"
tap_eq "Linux notation gives the same finding" \
    "$(xpl "//finding[@rule='passthru-boot-controller']/@device" "$X")" \
    "$(xpl "//finding[@rule='passthru-boot-controller']/@device" \
        "$T/strict.xml")"

# --- the USB-booted host of sample 2: its stick on EHCI 000:29.7.
X2=$T/s2.xml
st=$(status "$AGENT" "${base[@]}" --esxconf "$C2" --boot-device 000:29.7 \
    -q -o "$X2")
tap_eq "sample 2 with the EHCI as boot controller exits 0" 0 "$st"
valid "sample 2 inventory validates" "$X2"
tap_eq "role on 00:1d.7" "boot-controller" "$(dev "$X2" 00:1d.7 'role/@name')"
cp "$C2" "$T/esx.conf"
st=$(status "$V" passthru enable --file "$T/esx.conf" --inventory "$X2" \
    000:29.0)
tap_eq "enabling a UHCI companion is refused" 1 "$st"
tap_match "the refusal names both and says what happens" \
    "000:29.0 shares its slot .* with 000:29.7 \\(0000:00:1d.7, Intel Corporation 82801I \\(ICH9 Family\\) USB2 EHCI Controller #1\\), which carries the boot device \\(--boot-device 000:29.7 read as esxconf notation\\); given to passthru with it, the host keeps running from memory" \
    "$(cat "$T/err")"
st=$(status "$V" passthru enable --file "$T/esx.conf" --inventory "$X2" \
    0000:00:1d.7)
tap_eq "enabling the EHCI is refused" 1 "$st"
tap_file_eq "esx.conf unchanged by the refusals" "$C2" "$T/esx.conf"
st=$(status "$V" passthru enable --file "$T/esx.conf" --inventory "$X2" \
    --force 000:29.0 000:29.1 000:29.2 000:29.7)
tap_eq "--force overrides" 0 "$st"
tap_match "and still says what it carries" \
    "overridden by force: 000:29.7 .* carries the boot device" \
    "$(cat "$T/err")"
# That file is the seed's state: the agent reports it as an error.
st=$(status "$AGENT" "${base[@]}" --esxconf "$T/esx.conf" \
    --boot-device 000:29.7 -q -o "$T/seed.xml")
tap_eq "the seed's state is an error on the EHCI" "0000:00:1d.7 error" \
    "$(xp "string(//finding[@rule='passthru-boot-controller']/@device)" "$T/seed.xml") $(xp "string(//finding[@rule='passthru-boot-controller']/@severity)" "$T/seed.xml")"

# --- names: a vmhba through esx.conf, an ESXi disk name, bad input.
st=$(status "$AGENT" "${base[@]}" --esxconf "$C2" \
    --boot-device mpx.vmhba0:C0:T0:L0:5 --coredump-device vmhba1 -q \
    -o "$T/names.xml")
tap_eq "ESXi names resolve" 0 "$st"
tap_eq "the disk's adapter vmhba0 is 00:1f.2" "boot-controller" \
    "$(dev "$T/names.xml" 00:1f.2 'role/@name')"
tap_eq "coredump on vmhba1 (00:1f.5)" "coredump-controller" \
    "$(dev "$T/names.xml" 00:1f.5 'role/@name')"
st=$(status "$AGENT" "${base[@]}" --no-esxconf --boot-device vmhba0 -q \
    -o "$T/bad.xml")
tap_eq "a vmhba without esx.conf fails" "1/1" \
    "$st/$(wc -l < "$T/err")"
st=$(status "$AGENT" "${base[@]}" --no-esxconf --boot-device 03:01.7 -q \
    -o "$T/bad.xml")
tap_match "an address the host lacks fails in one line" \
    "^1 vifs-agent: --boot-device 03:01.7: the host has no device 0000:03:01.7 \\(03:01.7 read as linux-short notation\\)$" \
    "$st $(cat "$T/err")"
tap_eq "and exits 1" 1 "$st"
[ ! -e "$T/bad.xml" ] && tap_ok "no output written" ||
    tap_fail "no output written"

# --- this machine's root disk.
# expect_boot: the PCI functions the mounts /, /boot, /boot/efi and
# /bootbank lead to, following slaves and partitions in /sys.
leaves() {
    local d=$1 s any=0
    if [ -d "$d/slaves" ]; then
        for s in "$d"/slaves/*; do
            [ -e "$s" ] || continue
            any=1
            leaves "$(readlink -f "$s")"
        done
    fi
    [ $any = 1 ] && return
    [ -e "$d/partition" ] && d=$(dirname "$d")
    echo "$d" | grep -oE '/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' |
        tail -n 1 | tr -d /
}
want=
virtual=0
while read -r _ _ mm _ point _; do
    case $point in /|/boot|/boot/efi|/bootbank) ;; *) continue ;; esac
    echo "$point $mm" >> "$T/mounts"
done < /proc/self/mountinfo
# The last mount of a point hides the earlier ones.
tac "$T/mounts" | sort -u -k1,1 > "$T/top"
while read -r point mm; do
    if [ "${mm%%:*}" = 0 ] || [ ! -e "/sys/dev/block/$mm" ]; then
        [ "$point" = / ] && virtual=1
        continue
    fi
    want+=$(leaves "$(readlink -f "/sys/dev/block/$mm")")$'\n'
done < "$T/top"
want=$(printf '%s' "$want" | sed '/^$/d' | sort -u)
L=$T/live.xml
st=$(status "$AGENT" inventory --no-esxconf --no-passthru-map -q -o "$L")
tap_eq "live inventory exits 0" 0 "$st"
valid "live inventory with roles validates" "$L"
got=$(xpl "//device[role/@name='boot-controller']/@address" "$L" | sort -u)
tap_eq "the boot controllers are those /proc and /sys lead to" "$want" "$got"
if [ -z "$want" ]; then
    tap_match "no boot controller: the inventory says why" \
        "boot-controller not found" \
        "$(xp "string(//finding[@rule='role-not-found'])" "$L")"
    if [ $virtual = 1 ]; then
        tap_match "a root without a block device is named as such" \
            "/ is .* which is no block device" \
            "$(xp "//finding[@rule='role-not-found']" "$L")"
    fi
else
    tap_match "each says how it was learned" "^/.* is .* on PCI " \
        "$(xp "string(//role[@name='boot-controller'])" "$L")"
fi
tap_done

#!/usr/bin/env bash
# vifs-agent on this machine: the inventory lists exactly the devices
# `lspci -D -n` lists, with the same ids, classes, revisions and drivers;
# run as the unprivileged user nobody (64 bytes of configuration space)
# it lists the same devices and marks capability facts it cannot read as
# unknown instead of guessing.
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

command -v lspci > /dev/null || tap_die "lspci missing (pciutils)"
[ -d /sys/bus/pci/devices ] || tap_die "no /sys/bus/pci on this machine"

X=$T/live.xml
st=$(status "$AGENT" inventory -q --no-esxconf --no-passthru-map -o "$X")
tap_eq "live inventory exits 0" 0 "$st"
valid "live inventory validates" "$X"
tap_eq "source is sysfs" "sysfs/$(uname -n)" \
    "$(xp 'string(//source/@kind)' "$X")/$(xp 'string(//source/@host)' "$X")"

# lspci -D -n: "0000:00:1f.2 0106: 8086:2922 (rev 02) (prog-if 01)".
lspci -D -n > "$T/lspci.txt" 2> /dev/null ||
    tap_die "lspci -D -n failed"
tap_eq "as many devices as lspci" "$(wc -l < "$T/lspci.txt")" \
    "$(xp 'count(//device)' "$X")"
cut -d' ' -f1 "$T/lspci.txt" | sort > "$T/want-addrs"
xpl '//device/@address' "$X" > "$T/got-addrs"
tap_file_eq "the same addresses" "$T/want-addrs" "$T/got-addrs"
while read -r addr cls ids rest; do
    d="//device[@address='$addr']"
    want="${cls%:} $ids"
    rev=00
    [[ $rest =~ \(rev\ ([0-9a-f]{2})\) ]] && rev=${BASH_REMATCH[1]}
    pif=00
    [[ $rest =~ \(prog-if\ ([0-9a-f]{2}) ]] && pif=${BASH_REMATCH[1]}
    got="$(xp "string($d/id/@class)" "$X") $(xp "string($d/id/@vendor)" \
        "$X"):$(xp "string($d/id/@device)" "$X")"
    tap_eq "$addr class and ids" "$want" "$got"
    tap_eq "$addr revision and prog-if" "$rev/$pif" \
        "$(xp "string($d/id/@revision)" "$X")/$(xp "string($d/id/@prog-if)" "$X")"
done < "$T/lspci.txt"

# Drivers as lspci -k shows them.
lspci -D -k 2> /dev/null | awk '
    /^[0-9a-f]/ { a = $1 }
    /Kernel driver in use:/ { print a, $NF }' > "$T/want-drivers"
: > "$T/got-drivers"
for a in $(cat "$T/got-addrs"); do
    drv=$(xp "string(//device[@address='$a']/driver)" "$X")
    [ -n "$drv" ] && echo "$a $drv" >> "$T/got-drivers"
done
tap_file_eq "drivers as lspci -k" "$T/want-drivers" "$T/got-drivers"

# The configuration space size is what sysfs offers.
for a in $(cat "$T/got-addrs"); do
    size=$(stat -c %s "/sys/bus/pci/devices/$a/config")
    if [ "$(id -u)" = 0 ]; then
        tap_eq "$a config bytes as root" "$size" \
            "$(xp "string(//device[@address='$a']/capabilities/@config-bytes)" "$X")"
    fi
done

# Unprivileged: as nobody when we are root, else as ourselves.  The
# build tree may lie where nobody cannot go (a clone under /root, 0700),
# so nobody runs a copy of the agent, of the libraries it links from
# outside the system directories and of the LSan suppressions, kept in
# the scratch directory.
if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null || tap_die "setpriv missing (util-linux)"
    asuser=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    chmod 755 "$T"
    mkdir -m 755 "$T/nobody" || tap_die "cannot make $T/nobody"
    cp "$AGENT" "$T/nobody/vifs-agent" || tap_die "cannot copy $AGENT"
    for lib in $(ldd "$AGENT" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
        case $lib in
            /lib/* | /lib64/* | /usr/lib/* | /usr/lib64/*) ;;
            *) cp -L "$lib" "$T/nobody/" || tap_die "cannot copy $lib" ;;
        esac
    done
    cp "$VIFS_SRCDIR/tests/cli/agent_lsan.supp" "$T/nobody/" ||
        tap_die "cannot copy the LSan suppressions"
    chmod -R a+rX "$T/nobody"
    asuser+=(env "LD_LIBRARY_PATH=$T/nobody"
        "LSAN_OPTIONS=suppressions=$T/nobody/agent_lsan.supp:print_suppressions=0")
    uagent=$T/nobody/vifs-agent
    ( cd / && "${asuser[@]}" "$uagent" --version ) > /dev/null 2> "$T/err" ||
        tap_die "nobody cannot run the copy of the agent in $T: $(cat "$T/err")"
else
    asuser=()
    uagent=$AGENT
fi
N=$T/nobody.xml
st=$(cd / && status "${asuser[@]}" "$uagent" inventory --no-esxconf \
    --no-passthru-map)
cp "$T/out" "$N"
tap_eq "unprivileged inventory exits 0" 0 "$st"
valid "unprivileged inventory validates" "$N"
xpl '//device/@address' "$N" > "$T/nobody-addrs"
tap_file_eq "unprivileged: the same devices" "$T/got-addrs" \
    "$T/nobody-addrs"
for a in $(cat "$T/got-addrs"); do
    d="//device[@address='$a']"
    tap_eq "$a unprivileged: same ids" \
        "$(xp "concat($d/id/@vendor,':',$d/id/@device)" "$X")" \
        "$(xp "concat($d/id/@vendor,':',$d/id/@device)" "$N")"
    tap_eq "$a unprivileged: 64 bytes" 64 \
        "$(xp "string($d/capabilities/@config-bytes)" "$N")"
    # With a capability list the facts need more than 64 bytes; without
    # one they are known to be absent.
    facts=$(xp "concat($d/capabilities/@pcie,' ',$d/capabilities/@flr,' ',$d/capabilities/@pm,' ',$d/capabilities/@acs)" "$N")
    tap_match "$a unprivileged: facts unknown or absent" \
        '^(unknown unknown unknown unknown|none no no no)$' "$facts"
    if [ "$facts" = "unknown unknown unknown unknown" ]; then
        tap_eq "$a unprivileged: reset unknown, worst case" unknown/yes \
            "$(xp "string($d/reset/@method)" "$N")/$(xp "string($d/reset/@worst-case)" "$N")"
    fi
done
tap_match "unprivileged: the limit is a finding" \
    "config-space-limited" "$(xpl '//finding/@rule' "$N")"
tap_match "unprivileged: and a warning on stderr" \
    "warning: config-space-limited" "$(cat "$T/err")"

# The live listing: one line per device, decimal addresses.
st=$(status "$AGENT" lspci --no-esxconf)
tap_eq "live lspci exits 0" 0 "$st"
tap_eq "live lspci: a line per device" "$(wc -l < "$T/lspci.txt")" \
    "$(wc -l < "$T/out")"
tap_match "live lspci: ESXi address form" '^[0-9]{2}:[0-9]{2}\.[0-9]{2} ' \
    "$(head -1 "$T/out")"

tap_done

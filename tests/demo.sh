#!/usr/bin/env bash
# demo.sh - the quick start's first command: builds vifs (installing missing
# Debian packages as root), starts three simulated ESXi hosts on loopback
# (nginx with TLS from a test CA made now, Basic auth, ESXi's /host, /tmp
# and /folder endpoints, seeded with the bundled sample host's esx.conf),
# and shows the safe remote edit of a host's esx.conf, its refusals, and
# an audit of the three hosts that finds the drift.  Everything lives in a
# scratch directory that is removed at the end, and the hosts are stopped.
#
# The refusals are the list REFUSE below: one address a line, each an
# example of a device that must stay with the host; a new safety rule's
# example is one more line there.
set -euo pipefail
VIFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIFS_TOP VIFS_SRCDIR=$VIFS_TOP
# shellcheck source=tests/lib/deps.sh
. "$VIFS_TOP/tests/lib/deps.sh"
vifs_deps
vifs_build "$VIFS_TOP/build"
vifs=$VIFS_TOP/build/remote/vifs
agent=$VIFS_TOP/build/agent/vifs-agent
fx=$VIFS_TOP/tests/fixtures/pci
work=$(mktemp -d)
# shellcheck source=tests/lib/esxsim.sh
. "$VIFS_TOP/tests/lib/esxsim.sh"
trap 'esxsim_stop "$work/sim"; rm -rf "$work"' EXIT
bash "$VIFS_TOP/certs/make-certs.sh" "$work/certs" >/dev/null
esxsim_start "$work/sim" 3 --certs "$work/certs" \
    --seed "$fx/seed-sample1.esx.conf"
# shellcheck disable=SC1091
. "$work/sim/hosts.env"
read -r p1 p2 p3 <<<"$ESXSIM_PORTS"
# Credentials and trust as the vSphere CLI's variables, as an admin's
# shell would have them; each command names its host.
export VI_USERNAME=root VI_PASSWORD=$ESXSIM_PASSWORD VI_CACERTFILE=$ESXSIM_CA
cp "$fx/seed-sample1.lspci" "$fx/seed-sample1.esx.conf" \
    "$fx/seed-sample2.esx.conf" "$work/"
cp "$ESXSIM_SERVERS" "$work/hosts.txt"
cd "$work"

# The refusals: ADDRESS and what it is, one a line.
REFUSE=(
    "0000:00:1f.2 the SATA controller that holds vmhba0"
    "0000:00:1d.7 the USB controller the host boots from"
)

# run CMD...: show CMD as a shell would take it (quoting arguments that
# need it, the build and scratch paths shortened), then run it.
run() {
    local a shown=""
    for a in "$@"; do
        a=${a#"$VIFS_TOP/build/"*/}
        a=${a#"$work/"}
        case $a in
            *[\ \"\[\]\&\|\$]*) shown+=" '$a'" ;;
            *) shown+=" $a" ;;
        esac
    done
    printf '\n$%s\n' "$shown"
    "$@" || printf '(exit status %d)\n' "$?"
}

# say TEXT: a comment between the commands.
say() {
    printf '\n# %s\n' "$*"
}

h1=(--server 127.0.0.1 --portnumber "$p1")
echo "vifs demo: three simulated ESXi hosts at 127.0.0.1:{$p1,$p2,$p3}"
echo "(VI_USERNAME, VI_PASSWORD and VI_CACERTFILE set)"

say "The host's PCI inventory, from a dump of its lspci -xxx; ESXi boots" \
    "from a USB stick on the EHCI 000:29.7."
run "$agent" inventory --dump seed-sample1.lspci \
    --esxconf seed-sample1.esx.conf --boot-device 000:29.7 -q -o host.xml
run "$vifs" passthru list "${h1[@]}" --inventory host.xml

say "A safe edit of the live host's /host/esx.conf: first the diff only."
run "$vifs" passthru enable "${h1[@]}" --inventory host.xml --dry-run \
    0000:00:02.0
say "Then for real: the file read is saved as a backup, read again just" \
    "before the upload (a change made meanwhile on the host is refused," \
    "not overwritten), uploaded, read back and compared."
run "$vifs" passthru enable "${h1[@]}" --inventory host.xml \
    --backup-dir backups 0000:00:02.0
for r in "${REFUSE[@]}"; do
    say "Refused: ${r#* }."
    run "$vifs" passthru enable "${h1[@]}" --inventory host.xml \
        --backup-dir backups "${r%% *}"
done
run "$vifs" conf get "${h1[@]}" /device/000:02.0/owner \
    /device/000:31.2/owner /device/000:29.7/owner

say "The whole fleet in one process: the same setting on every host."
run "$vifs" --servers hosts.txt conf set --backup-dir backups \
    /adv/UserVars/SuppressShellWarning 1
say "Someone changes one host by hand."
run "$vifs" conf set --server 127.0.0.1 --portnumber "$p3" \
    --backup-dir backups /adv/UserVars/SuppressShellWarning 0
say "The audit: lint, passthru devices (through bridges, from the" \
    "inventories of a directory: one for all three, named by host) and" \
    "drift from a baseline."
mkdir inventories
cp host.xml inventories/127.0.0.1.xml
printf '%s\n' '/adv/UserVars/SuppressShellWarning = "1"' \
    '/device/000:02.0/owner = "passthru"' '!/adv/Misc/Forbidden' \
    >baseline.conf
run cat baseline.conf
run "$vifs" audit --servers hosts.txt --baseline baseline.conf \
    --inventory-dir inventories --report audit.xml
run grep -c "<host " audit.xml

say "Offline, on a file: lint with stable rule ids, and the agent's" \
    "ESXi-style lspci."
run "$vifs" conf lint --file seed-sample2.esx.conf
run "$agent" lspci --dump seed-sample1.lspci --esxconf seed-sample1.esx.conf

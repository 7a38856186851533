#!/usr/bin/env bash
# demo.sh - the quick start's first command: builds vifs (installing missing
# Debian packages as root), starts a simulated ESXi host on loopback (nginx
# with TLS from a test CA made now, Basic auth, ESXi's /host, /tmp and
# /folder endpoints, seeded with the bundled sample host's esx.conf), and
# runs vifs against it. Everything lives in a scratch directory that is
# removed at the end, and the simulated host is stopped.
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
esxsim_start "$work/sim" 1 --certs "$work/certs" --seed "$fx/seed-sample1.esx.conf"
# shellcheck disable=SC1091
. "$work/sim/hosts.env"
# The vSphere CLI's variables, as an admin's shell would have them.
export VI_SERVER=127.0.0.1 VI_PORTNUMBER=$ESXSIM_PORT VI_USERNAME=root
export VI_PASSWORD=$ESXSIM_PASSWORD VI_CACERTFILE=$ESXSIM_CA
cp "$fx/seed-sample1.lspci" "$fx/seed-sample2.esx.conf" "$work/"
cd "$work"

# run CMD...: show CMD as a shell would take it (quoting arguments that
# need it, the build path shortened), then run it.
run() {
    local a shown=""
    for a in "$@"; do
        a=${a#"$VIFS_TOP/build/"*/}
        case $a in
            *[\ \"\[\]\&\|\$]*) shown+=" '$a'" ;;
            *) shown+=" $a" ;;
        esac
    done
    printf '\n$%s\n' "$shown"
    "$@" || printf '(exit status %d)\n' "$?"
}

echo "vifs demo against a simulated ESXi host at 127.0.0.1:$ESXSIM_PORT"
echo "(VI_SERVER, VI_PORTNUMBER, VI_USERNAME, VI_PASSWORD, VI_CACERTFILE set)"
run "$vifs" --listds
run "$vifs" --get /host/esx.conf esx.conf
run "$vifs" conf lint --file esx.conf
run "$vifs" passthru list --file esx.conf
run "$vifs" passthru enable --file esx.conf 0000:00:1f.2
run "$vifs" passthru enable --file esx.conf 00:10.0
run "$vifs" passthru disable --file esx.conf --dry-run 00:1b.0
run "$vifs" conf set --file esx.conf /adv/Misc/HostName 'esx01 "lab"'
run "$vifs" --put esx.conf /host/esx.conf
run "$vifs" --put seed-sample1.lspci "[datastore1] inventory/host.lspci"
run "$vifs" --dir "[datastore1] inventory"
run "$agent" lspci --dump seed-sample1.lspci --esxconf esx.conf
run "$vifs" conf lint --file seed-sample2.esx.conf

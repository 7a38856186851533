#!/usr/bin/env bash
# demo.sh - the quick start's first command: builds vifs (installing missing
# Debian packages as root) and runs it on the bundled sample host
# configuration, in a scratch copy, so nothing of the repository changes.
set -euo pipefail
VIFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIFS_TOP
# shellcheck source=tests/lib/deps.sh
. "$VIFS_TOP/tests/lib/deps.sh"
vifs_deps
vifs_build "$VIFS_TOP/build"
vifs=$VIFS_TOP/build/remote/vifs
fx=$VIFS_TOP/tests/fixtures/pci
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$fx/seed-sample1.esx.conf" "$fx/seed-sample2.esx.conf" "$work/"
cd "$work"

run() {
    printf '\n$ %s\n' "$*"
    "$@" || printf '(exit status %d)\n' "$?"
}

echo "vifs demo on two sample ESXi hosts' esx.conf (scratch copy in $work)"
run "$vifs" conf lint --file seed-sample2.esx.conf
run "$vifs" passthru list --file seed-sample1.esx.conf
run "$vifs" passthru enable --file seed-sample1.esx.conf 0000:00:1f.2
run "$vifs" passthru enable --file seed-sample1.esx.conf 00:10.0
run "$vifs" passthru disable --file seed-sample1.esx.conf --dry-run 00:1b.0
run "$vifs" conf set --file seed-sample1.esx.conf /adv/Misc/HostName 'esx01 "lab"'
run "$vifs" conf get --file seed-sample1.esx.conf /adv/Misc/HostName
run "$vifs" conf lint --file seed-sample1.esx.conf
run "$VIFS_TOP/build/agent/vifs-agent" lspci --dump "$fx/seed-sample1.lspci" \
    --esxconf seed-sample1.esx.conf

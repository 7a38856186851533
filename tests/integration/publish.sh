#!/usr/bin/env bash
# Safety on by default for remote edits, on a simulated ESXi host that
# booted from a USB stick on its EHCI (the host of seed-sample2.esx.conf):
# vifs-agent inventory --publish puts the inventory at the one place
# <vifs/publish.h> documents ([datastore1] vifs-inventory.xml); vifs passthru
# on that host without --inventory fetches it, says so, and refuses the
# EHCI's UHCI companion, leaving esx.conf byte-identical; an explicit
# --inventory wins; an inventory older than esx.conf, or none, is not
# used and the warnings say why; vifs audit of a host in the seed's state
# (its USB controllers given to passthru) reports the error in text and
# XML from the published inventory.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

AGENT=${VIFS_AGENT_BIN:?VIFS_AGENT_BIN must name the vifs-agent binary}
FIX=${VIFS_FIXTURES:?VIFS_FIXTURES must name the fixtures}/pci
DUMP=$FIX/seed-sample1.lspci
S2=$FIX/seed-sample2.esx.conf
# The inventory's creation time is compared with esx.conf's: real time.
unset SOURCE_DATE_EPOCH
export LSAN_OPTIONS="suppressions=$srcdir/tests/cli/agent_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

legacy_setup publish
# The seed's state: sample 2 with its USB controllers given to passthru.
sed 's|^\(/device/000:29\.[0127]/owner = \)"vmkernel"|\1"passthru"|' "$S2" \
    >"$W/seed-state.conf"
grep -c '000:29.*passthru' "$W/seed-state.conf" | grep -qx 4 ||
    tap_die "could not make the seed's state"
legacy_start_sim "$W/sim" 2 --seed "$S2"
P1=$(esxsim_port "$W/sim" 1)
P2=$(esxsim_port "$W/sim" 2)
H1=$ESXSIM_HOSTS_DIR/$P1
H2=$ESXSIM_HOSTS_DIR/$P2
cp "$W/seed-state.conf" "$H2/host/esx.conf"
# Both files were written now: make them older than any inventory.
touch -d '-1 hour' "$H1/host/esx.conf" "$H2/host/esx.conf"
C1=(--server 127.0.0.1 --portnumber "$P1" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
C2=(--server 127.0.0.1 --portnumber "$P2" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
PUB=$H1/ds/datastore1/vifs-inventory.xml

agent() {
    RC=0
    setsid -w "$AGENT" inventory --dump "$DUMP" --no-passthru-map \
        --no-hwdb "$@" </dev/null >"$W/out" 2>"$W/err" || RC=$?
    OUT=$(cat "$W/out")
    ERR=$(cat "$W/err")
}

# --- publish ------------------------------------------------------------------
agent --esxconf "$S2" --boot-device 000:29.7 -q -o "$W/local.xml" \
    --publish "${C1[@]}"
tap_eq "vifs-agent inventory --publish exits 0" 0 "$RC"
tap_eq "... and says where it went" \
    "vifs-agent: published on https://127.0.0.1:$P1 at [datastore1] vifs-inventory.xml" \
    "$ERR"
tap_file_eq "... the published file is the report" "$W/local.xml" "$PUB"
tap_match "... which names the boot controller" \
    '<role name="boot-controller" learned="option">--boot-device 000:29.7' \
    "$(cat "$PUB")"
agent --esxconf "$S2" --publish --upload /tmp/x.xml "${C1[@]}"
tap_match "--publish and --upload exclude each other" \
    "^2 vifs-agent: --publish and --upload exclude each other" \
    "$RC $ERR"

# --- a remote passthru enable, refused -----------------------------------------
cp "$H1/host/esx.conf" "$W/before.conf"
vifs passthru enable "${C1[@]}" 000:29.0
tap_eq "enabling the UHCI companion of the boot EHCI: refused" 1 "$RC"
tap_match "... with the inventory fetched from the host, said so" \
    "vifs: 127\\.0\\.0\\.1:$P1: using the inventory published on the host at \\[datastore1\\] vifs-inventory\\.xml \\(made [0-9T:Z-]+ by vifs-agent " \
    "$ERR"
tap_match "... the refusal names the EHCI, the boot device and the outcome" \
    "refused: 000:29\\.0 shares its slot .* with 000:29\\.7 \\(0000:00:1d\\.7, .*EHCI.*\\), which carries the boot device \\(--boot-device 000:29\\.7 read as esxconf notation\\); given to passthru with it, the host keeps running from memory but can no longer save its configuration" \
    "$ERR"
tap_file_eq "... esx.conf on the host is byte-identical" "$W/before.conf" \
    "$H1/host/esx.conf"
vifs passthru enable "${C1[@]}" 000:29.0 000:29.1 000:29.2 000:29.7
tap_eq "the whole slot at once: refused too" 1 "$RC"
tap_file_eq "... esx.conf still byte-identical" "$W/before.conf" \
    "$H1/host/esx.conf"
vifs passthru list "${C1[@]}"
tap_match "passthru list uses it too" "using the inventory published" "$ERR"

# --- an explicit --inventory wins ---------------------------------------------
agent --esxconf "$S2" -q -o "$W/noroles.xml"
vifs passthru enable "${C1[@]}" --inventory "$W/noroles.xml" --dry-run \
    000:29.0 000:29.1 000:29.2 000:29.7
tap_eq "--inventory without roles: the dry run passes" 0 "$RC"
if [[ $ERR == *"inventory published"* ]]; then
    tap_fail "... and the published one is not fetched" "$ERR"
else
    tap_ok "... and the published one is not fetched"
fi

# --- older than esx.conf, or missing: not used, said ---------------------------
touch -d '+1 hour' "$H1/host/esx.conf"
cp "$H1/host/esx.conf" "$W/before.conf"
vifs passthru enable "${C1[@]}" --dry-run 000:29.0 000:29.1 000:29.2 000:29.7
tap_eq "an inventory older than esx.conf is not used: the dry run passes" \
    0 "$RC"
tap_match "... and the warning says why" \
    "vifs: warning: 127\\.0\\.0\\.1:$P1: the inventory published on the host at \\[datastore1\\] vifs-inventory\\.xml \\(made .*\\) is older than its esx\\.conf \\(changed .*\\): not used; run vifs-agent inventory --publish again" \
    "$ERR"
tap_match "... as without one" "bridge coverage not checked: no inventory" \
    "$ERR"
rm -f "$PUB"
vifs passthru enable "${C1[@]}" --dry-run 000:29.0 000:29.1 000:29.2 000:29.7
tap_match "none published: the warning says where to put it" \
    "^0 vifs: warning: 127\\.0\\.0\\.1:$P1: no inventory published on the host at \\[datastore1\\] vifs-inventory\\.xml \\(vifs-agent inventory --publish puts it there\\)" \
    "$RC $ERR"
tap_file_eq "dry runs leave esx.conf byte-identical" "$W/before.conf" \
    "$H1/host/esx.conf"

# --- across hosts: each host's own published inventory --------------------------
touch -d '-1 hour' "$H1/host/esx.conf"
agent --esxconf "$S2" --boot-device 000:29.7 -q --publish "${C1[@]}"
tap_eq "host 1 publishes again" 0 "$RC"
cp "$H1/host/esx.conf" "$W/before1.conf"
cp "$H2/host/esx.conf" "$W/before2.conf"
vifs passthru enable --fleet --server "127.0.0.1:$P1" --server "127.0.0.1:$P2" \
    --username root --password "$ESXSIM_PASSWORD" \
    --cacertsfile "$ESXSIM_CA" 000:29.0
tap_eq "two hosts: exit 1" 1 "$RC"
tap_match "host 1 used its inventory and refused the UHCI companion" \
    "127\\.0\\.0\\.1:$P1: using the inventory published.*127\\.0\\.0\\.1:$P1: refused: 000:29\\.0 shares its slot .* which carries the boot device" \
    "$(tr '\n' ' ' <"$W/err")"
tap_match "host 2 has none and says so" \
    "warning: 127\\.0\\.0\\.1:$P2: no inventory published on the host" "$ERR"
tap_file_eq "host 1's esx.conf is byte-identical" "$W/before1.conf" \
    "$H1/host/esx.conf"

# --- vifs audit of the host in the seed's state --------------------------------
agent --esxconf "$W/seed-state.conf" --boot-device 000:29.7 -q \
    --publish "${C2[@]}"
tap_eq "host 2 publishes its inventory" 0 "$RC"
vifs audit "${C2[@]}" --report "$W/audit.xml"
tap_eq "vifs audit exits 1" 1 "$RC"
tap_match "... said it used the published inventory" \
    "using the inventory published on the host" "$ERR$OUT"
tap_match "... and reports the boot controller given to passthru" \
    "DRIFT: error: passthru-boot-controller: 0000:00:1d\\.7 \\(.*EHCI.*\\) carries the boot device" \
    "$OUT"
tap_eq "... in the XML report too" "error" \
    "$(xmllint --xpath "string(//host/passthru/device[@address='0000:00:1d.7']/danger[@rule='passthru-boot-controller']/@severity)" "$W/audit.xml" 2>/dev/null)"
tap_run "... which validates" xmllint --noout --schema \
    "$srcdir/docs/schemas/audit.xsd" "$W/audit.xml"
tap_done

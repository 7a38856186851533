#!/usr/bin/env bash
# --output json of the commands that need a host's VIM API, against the
# project's vSphere simulator (tests/vcsim): an edit saved to the boot
# device (persisted), vifs cfgbackup's bundles, a restore refused outside
# maintenance mode. Every document is valid against
# fleet-results.schema.json and says what the text lines say.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"
# shellcheck source=../lib/results.sh
. "$srcdir/tests/lib/results.sh"

legacy_setup fleet_json_firmware
trap 'vcsim_stop "$W/vc"; legacy_cleanup' EXIT
bash "$srcdir/certs/make-certs.sh" "$W/certs" >/dev/null ||
    tap_die "make-certs.sh failed"
S1=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
python3 "$srcdir/tests/lib/mkimage.py" bundle "$W/seed.tgz" "$S1" ||
    tap_die "mkimage.py failed"
vcsim_start "$W/vc" --certs "$W/certs" -- -bundle "$W/seed.tgz" \
    -esxconf "$S1" || tap_die "vcsim_start failed"
# shellcheck source=/dev/null
. "$W/vc/vcsim.env"
H=127.0.0.1:$VCSIM_PORT
AUTH=(--username root --password "$VCSIM_PASSWORD" --cacertsfile "$VCSIM_CA")
FLEET=(--server "$H" "${AUTH[@]}")

# --- an edit saved to the boot device --------------------------------------------
vifs conf set --fleet "${FLEET[@]}" --backup-dir "$W/bk" -o json \
    /adv/Misc/HostName esx01
valid persist
tap_eq "conf set -o json: exit 0, changed, persisted, no persist error" \
    "0 true true true false" \
    "$RC $(jv persist 'd["hosts"][0]["edit"]["changed"]') $(jv persist 'd["hosts"][0]["edit"]["persist_asked"]') $(jv persist 'd["hosts"][0]["edit"]["persisted"]') $(jv persist '"persist_error" in d["hosts"][0]["edit"]')"
tap_match "... the detail says it, as the text line" \
    "^updated and verified; backup $W/bk/$H/.*; saved to the boot device$" \
    "$(jv persist 'd["hosts"][0]["detail"]')"

# --- cfgbackup ------------------------------------------------------------------
vifs cfgbackup "${FLEET[@]}" --dir "$W/bundles" -o json
valid backup
B=$(find "$W/bundles/$H" -name 'configBundle-*.tgz')
tap_eq "cfgbackup -o json: exit 0, the command, the bundle and its size" \
    "0 cfgbackup $B $(stat -c %s "$W/seed.tgz")" \
    "$RC $(jv backup 'd["command"]') $(jv backup 'd["hosts"][0]["file"]["local"]') $(jv backup 'd["hosts"][0]["file"]["bytes"]')"
tap_eq "... the detail is the text line's" "$B" \
    "$(jv backup 'd["hosts"][0]["detail"]')"
tap_run "... the bundle is the host's" cmp "$B" "$W/seed.tgz"

vifs cfgbackup "${FLEET[@]}" --restore "$W/seed.tgz" --force -o json
valid restore
tap_eq "cfgbackup --restore -o json outside maintenance mode: exit 1, failed, refused" \
    "1 cfgbackup restore failed refused $W/seed.tgz" \
    "$RC $(jv restore 'd["command"]') $(jv restore 'd["hosts"][0]["state"]') $(jv restore 'd["hosts"][0]["error"]["code"]') $(jv restore 'd["hosts"][0]["file"]["local"]')"
tap_match "... saying why" "not in maintenance mode" \
    "$(jv restore 'd["hosts"][0]["error"]["message"]')"

tap_done

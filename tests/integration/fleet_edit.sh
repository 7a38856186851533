#!/usr/bin/env bash
# `vifs conf` and `vifs passthru` edits across a fleet: three simulated
# hosts (esxsim) that behave and four that misbehave on purpose
# (faultsim: the file changes between the reads, the PUT fails, the PUT
# stores something else, the PUT is stored but its answer lost).  Every
# host gets its own backup, the good hosts are updated and verified, each
# bad one fails saying what state its file is in, and `conf restore
# latest` puts each host's own backup back.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

legacy_setup fleet_edit
legacy_start_sim "$W/sim" 3
FAULTS=(conflict put500 corrupt lostanswer)
trap 'for f in "${FAULTS[@]}"; do faultsim_stop "$W/$f"; done; legacy_cleanup' EXIT
declare -A FPORT
for f in "${FAULTS[@]}"; do
    faultsim_start "$W/$f" "$ESXSIM_SEED" "$W/certs" "$ESXSIM_PASSWORD" ||
        tap_die "faultsim_start $f failed"
    FPORT[$f]=$(. "$W/$f/faultsim.env" && echo "$FAULTSIM_PORT")
done
{
    cat "$ESXSIM_SERVERS"
    for f in "${FAULTS[@]}"; do
        echo "127.0.0.1:${FPORT[$f]}"
    done
} >"$W/servers"
mapfile -t GOOD <"$ESXSIM_SERVERS"
FLEET=(--servers "$W/servers" --username root --password "$ESXSIM_PASSWORD"
    --cacertsfile "$ESXSIM_CA" --timeout 5 --host-timeout 20)
BK=$HOME/.local/state/vifs/backups
line_of() {
    grep "^$1 " <<<"$OUT"
}

# --- a dry run changes nothing --------------------------------------------
vifs passthru enable "${FLEET[@]}" --dry-run 000:03.2
tap_eq "passthru enable --dry-run across 7 hosts: exit 0" 0 "$RC"
tap_eq "... every host says what it would change" 7 \
    "$(grep -c ' ok: would change esx.conf: -1 +1 lines (--dry-run)$' <<<"$OUT")"
tap_run "... nothing changed" cmp "$ESXSIM_HOSTS_DIR/${GOOD[0]#*:}/host/esx.conf" \
    "$ESXSIM_SEED"
tap_eq "... no backup" "" "$(ls "$BK" 2>/dev/null)"

# --- the edit -----------------------------------------------------------------
faultsim_faults "$W/conflict" "GET#1 change"
faultsim_faults "$W/put500" "PUT status 500"
faultsim_faults "$W/corrupt" "PUT corrupt"
faultsim_faults "$W/lostanswer" "PUT store-reset"
vifs passthru enable "${FLEET[@]}" 000:03.2
tap_eq "passthru enable across 7 hosts, 4 misbehaving: exit 1" 1 "$RC"
for h in "${GOOD[@]}"; do
    tap_match "$h: updated and verified, its backup named" \
        "^$h ok: updated and verified; backup $BK/$h/[0-9]{8}T[0-9]{6}Z-esx\.conf; not yet saved to the boot device \(SyncFirmwareConfiguration: .*\): a hard reset" \
        "$(line_of "$h")"
    tap_run "... $h's backup is the file as it was" \
        cmp "$BK/$h/"*-esx.conf "$ESXSIM_SEED"
    tap_eq "... $h holds the edit" '/device/000:03.2/owner = "passthru"' \
        "$(grep '^/device/000:03.2/owner' "$ESXSIM_HOSTS_DIR/${h#*:}/host/esx.conf")"
done
h=127.0.0.1:${FPORT[conflict]}
tap_match "changed between the reads: refused, nothing uploaded" \
    "^$h FAILED: esx\.conf changed since it was read; nothing was uploaded .*the file as it was is in $BK/$h/" \
    "$(line_of "$h")"
tap_eq "... no PUT reached it" 0 "$(grep -c '^PUT' "$W/conflict/requests.log")"
h=127.0.0.1:${FPORT[put500]}
tap_match "a PUT answered 500: the state read back is unchanged" \
    "^$h FAILED: PUT /host/esx\.conf: 500 .*; read back, esx\.conf is unchanged; the file as it was is in " \
    "$(line_of "$h")"
h=127.0.0.1:${FPORT[corrupt]}
tap_match "a PUT that stored something else: verify says changed" \
    "^$h FAILED: esx\.conf does not hold what was sent: read back, it is changed; to put the file as it was back: vifs conf restore $BK/$h/" \
    "$(line_of "$h")"
h=127.0.0.1:${FPORT[lostanswer]}
tap_match "a PUT stored but its answer lost: read back, updated" \
    "^$h FAILED: .*; read back, esx\.conf is updated; " "$(line_of "$h")"
tap_match "the summary" "^7 hosts: 3 ok, 4 failed, 0 skipped in " \
    "$(tail -n 1 <<<"$OUT")"
tap_eq "a backup per host, in its own directory" 7 \
    "$(find "$BK" -name '*-esx.conf' | wc -l)"
tap_match "refusals and warnings name their host" \
    "vifs: ${GOOD[0]}: warning: bridge coverage not checked" "$ERR"

# --- again: nothing to do on the hosts already changed -------------------------
for f in "${FAULTS[@]}"; do
    faultsim_faults "$W/$f"
done
vifs passthru enable "${FLEET[@]}" 000:03.2
tap_eq "the same edit again: exit 0" 0 "$RC"
# (the corrupting host stored the edit with a line of its own added)
tap_eq "... no change on the hosts that have it" 5 \
    "$(grep -c ' ok: no change$' <<<"$OUT")"
tap_eq "... the two others updated now" 2 \
    "$(grep -c ' ok: updated and verified; ' <<<"$OUT")"

# --- a refused edit ------------------------------------------------------------------
vifs passthru enable "${FLEET[@]}" 000:31.2
tap_eq "a refused edit on every host: exit 1" 1 "$RC"
tap_eq "... every host refuses" 7 \
    "$(grep -c 'FAILED: the edit was not made (see above); esx.conf is unchanged$' <<<"$OUT")"
tap_match "... saying why, with the host" "vifs: ${GOOD[1]}: refused: 000:31\.2 holds vmhba0" "$ERR"

# --- conf set, then restore of each host's own latest backup ----------------
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet
tap_eq "conf set across the fleet: exit 0" 0 "$RC"
vifs conf restore "${FLEET[@]}" latest
tap_eq "conf restore latest across the fleet: exit 0" 0 "$RC"
tap_eq "... every host restored and verified" 7 \
    "$(grep -c ' ok: restored and verified; backup ' <<<"$OUT")"
tap_eq "... each host has its own file back (no HostName)" "" \
    "$(grep -l HostName "$ESXSIM_HOSTS_DIR"/*/host/esx.conf "$W"/*/host/esx.conf 2>/dev/null)"
# Run twice, a restore puts the same backup back: its own backup of the
# edit it undid (TIME-esx.conf.pre-restore) is never the next "latest".
vifs conf restore "${FLEET[@]}" latest
tap_eq "conf restore latest again: exit 0, every host already restored" \
    "0 7" "$RC $(grep -c ' ok: no change' <<<"$OUT")"
tap_eq "... the edit it undid is not back" "" \
    "$(grep -l HostName "$ESXSIM_HOSTS_DIR"/*/host/esx.conf "$W"/*/host/esx.conf 2>/dev/null)"
tap_eq "... the first restore's backups hold the edit it undid" 7 \
    "$(grep -l 'HostName = "fleet"' "$BK"/*/*-esx.conf.pre-restore | wc -l)"
vifs conf restore "${FLEET[@]}" 19990101T
tap_eq "restore of a time no backup has: exit 1" 1 "$RC"
tap_eq "... each host says so" 7 "$(grep -c 'FAILED: no backup 19990101T in ' <<<"$OUT")"
vifs conf restore "${FLEET[@]}" "$BK/${GOOD[0]}/x-esx.conf"
tap_eq "restore of one file across hosts: usage error" 2 "$RC"
vifs conf lint "${FLEET[@]}"
tap_eq "conf lint across hosts: usage error (audit reads fleets)" 2 "$RC"

tap_done

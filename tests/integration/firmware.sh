#!/usr/bin/env bash
# The host's saved configuration through HostFirmwareSystem, against the
# project's vSphere simulator (tests/vcsim/firmware.go): an edit of
# /host/esx.conf is saved to the boot device (SyncFirmwareConfiguration)
# or reported as not yet saved (--no-persist, a failing sync, a host
# without a VIM API: the nginx hosts), without holding up the other hosts
# of a fleet; vifs cfgbackup stores bundles with retention that --image
# reads; restores need --force and maintenance mode, and --force applies
# another host's bundle.  Fails (never skips) when a server cannot be built or started.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"

legacy_setup firmware
trap 'for d in vc vm vf vu vs vq; do vcsim_stop "$W/$d"; done; legacy_cleanup' EXIT
bash "$srcdir/certs/make-certs.sh" "$W/certs" >/dev/null ||
    tap_die "make-certs.sh failed"
MK="python3 $srcdir/tests/lib/mkimage.py"
S1=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
$MK bundle "$W/seed.tgz" "$S1" || tap_die "mkimage.py failed"
$MK local "$W/local.tgz" "$S1" || tap_die "mkimage.py failed"

# start NAME ARGS...: a simulator in $W/NAME; CONN its connection options,
# FLEET the same as a fleet's host.
start() {
    local d=$W/$1
    shift
    vcsim_start "$d" --certs "$W/certs" -- "$@" || tap_die "vcsim_start failed"
    # shellcheck source=/dev/null
    . "$d/vcsim.env"
    AUTH=(--username root --password "$VCSIM_PASSWORD"
        --cacertsfile "$VCSIM_CA")
    CONN=(--server 127.0.0.1 --portnumber "$VCSIM_PORT" "${AUTH[@]}")
    FLEET=(--server "127.0.0.1:$VCSIM_PORT" "${AUTH[@]}")
    COUNTS="https://$VCSIM_HOSTPORT/vcsim/firmware"
}
counts() {
    curl -sS --cacert "$VCSIM_CA" "$COUNTS"
}

# --- persist after an edit ----------------------------------------------
start vc -bundle "$W/seed.tgz" -esxconf "$S1"
H=127.0.0.1:$VCSIM_PORT
vifs conf set "${CONN[@]}" --backup-dir "$W/bk" /adv/Misc/HostName esx01
tap_eq "an edit exits 0" 0 "$RC"
tap_match "... and says the host saved it to the boot device" \
    "esx.conf on $H saved to the boot device" "$ERR"
tap_eq "... through one SyncFirmwareConfiguration" \
    "syncs=1 backups=0 restores=0" "$(counts)"
vifs conf set "${CONN[@]}" --backup-dir "$W/bk" /adv/Misc/HostName esx01
tap_eq "an edit that changes nothing asks for no sync" \
    "syncs=1 backups=0 restores=0" "$(counts)"
vifs passthru disable "${CONN[@]}" --backup-dir "$W/bk" --no-persist 000:27.0
tap_eq "--no-persist: the edit exits 0" 0 "$RC"
tap_match "... and says what a hard reset would lose" \
    "not yet saved to the boot device \(--no-persist\): a hard reset of the host before its next hourly auto-backup" \
    "$ERR"
tap_eq "... without a sync" "syncs=1 backups=0 restores=0" "$(counts)"
# A fleet (--fleet) of one host given twice: each host its own sync.
vifs conf set --fleet "${FLEET[@]}" --server "$H" \
    --backup-dir "$W/bk" /adv/Misc/HostName esx02
tap_match "a fleet's line says the host saved it" \
    "ok: updated and verified; backup .*; saved to the boot device" "$OUT"
tap_eq "... with its own sync" "syncs=2 backups=0 restores=0" "$(counts)"

# --- cfgbackup ----------------------------------------------------------
for i in 1 2 3; do
    vifs cfgbackup "${FLEET[@]}" --dir "$W/bundles" --keep 2
    tap_eq "cfgbackup $i exits 0" 0 "$RC"
    sleep 1
done
tap_match "one line per host, then the summary" \
    "^$H ok: $W/bundles/$H/configBundle-[0-9]{8}T[0-9]{6}Z.tgz
1 hosts: 1 ok, 0 failed, 0 skipped" "$OUT"
tap_eq "--keep 2 keeps the newest two" 2 \
    "$(find "$W/bundles/$H" -name 'configBundle-*.tgz' | wc -l)"
B=$(find "$W/bundles/$H" -name 'configBundle-*.tgz' | sort | tail -n 1)
tap_run "the bundle is the host's, byte for byte" cmp "$B" "$W/seed.tgz"
vifs passthru list --image "$B"
tap_eq "the bundle is an --image input" 0 "$RC"
tap_match "... read through state.tgz and local.tgz" "000:27.0 +0000:00:1b.0 +passthru" "$OUT"
tap_eq "three backups asked" "syncs=2 backups=3 restores=0" "$(counts)"

# --- restore ------------------------------------------------------------
vifs cfgbackup "${FLEET[@]}" --restore "$W/seed.tgz"
tap_eq "--restore without --force is a usage error" 2 "$RC"
vifs cfgbackup "${FLEET[@]}" --restore "$W/seed.tgz" --force
tap_eq "--restore outside maintenance mode fails" 1 "$RC"
tap_match "... saying so" "FAILED: the host is not in maintenance mode" "$OUT"
tap_eq "... and restores nothing" "syncs=2 backups=3 restores=0" "$(counts)"
vcsim_stop "$W/vc"

start vm -bundle "$W/seed.tgz" -maintenance
vifs cfgbackup "${FLEET[@]}" --restore "$W/local.tgz" --force
tap_eq "a local.tgz is no bundle to restore" 1 "$RC"
tap_match "... refused before anything is sent" "not a configuration bundle" "$OUT"
vifs cfgbackup "${FLEET[@]}" --restore "$W/seed.tgz" --force
tap_eq "--restore in maintenance mode exits 0" 0 "$RC"
tap_match "... and says the host reboots" "ok: restored; the host reboots now" "$OUT"
tap_eq "... one RestoreFirmwareConfiguration" "syncs=0 backups=0 restores=1" \
    "$(counts)"
# A bundle of another host and build: the host applies it only when
# told to (force), which --force does.
$MK bundle "$W/other.tgz" "$S1" --uuid 4c4c4544-other --build 2 ||
    tap_die "mkimage.py failed"
vifs cfgbackup "${FLEET[@]}" --restore "$W/other.tgz" --force
tap_eq "--force restores a bundle of another host and build" 0 "$RC"
tap_match "... (RestoreFirmwareConfiguration with force)" \
    "ok: restored; the host reboots now" "$OUT"
tap_eq "... a second RestoreFirmwareConfiguration" \
    "syncs=0 backups=0 restores=2" "$(counts)"
# What the simulator does without force, as the VIM API reference says
# ("Forces application of the configuration even if the bundle is
# mismatched"): the envelopes go from files, the password off the
# command line.
ENV='<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
printf '%s<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this><userName>root</userName><password>%s</password></Login></soapenv:Body></soapenv:Envelope>' \
    "$ENV" "$VCSIM_PASSWORD" >"$W/login.xml"
printf '%s<RestoreFirmwareConfiguration xmlns="urn:vim25"><_this type="HostFirmwareSystem">ha-firmwareSystem</_this><force>false</force></RestoreFirmwareConfiguration></soapenv:Body></soapenv:Envelope>' \
    "$ENV" >"$W/noforce.xml"
soap() {
    curl -sS --cacert "$VCSIM_CA" -b "$W/jar" -c "$W/jar" \
        -H 'Content-Type: text/xml' -H 'SOAPAction: "urn:vim25/5.0"' \
        --data-binary "@$1" "https://$VCSIM_HOSTPORT/sdk"
}
soap "$W/login.xml" >/dev/null
curl -sS --cacert "$VCSIM_CA" -T "$W/other.tgz" \
    "https://$VCSIM_HOSTPORT/tmp/configBundle.tgz" >/dev/null
tap_match "without force the simulator refuses another host's bundle" \
    "MismatchedBundle" "$(soap "$W/noforce.xml")"
vcsim_stop "$W/vm"

# --- a slow host does not hold up the fleet --------------------------------
# vs answers its SyncFirmwareConfiguration after 10 s; vq serves esx.conf a
# second late each time, so it reaches its own sync while vs still waits.
# The persist is requests of each host's job: vq finishes its whole edit,
# persist included, first.
start vs -esxconf "$S1" -sync-delay 10s
HS=127.0.0.1:$VCSIM_PORT
SLOW=(--server "$HS")
start vq -esxconf "$S1" -esxconf-delay 1s
HQ=127.0.0.1:$VCSIM_PORT
t0=$SECONDS
vifs conf set --fleet "${SLOW[@]}" "${FLEET[@]}" --backup-dir "$W/bk" \
    /adv/Misc/HostName esx05
tap_eq "a fleet with a slow VIM API exits 0" 0 "$RC"
tap_match "the quick host is done first, saved to the boot device" \
    "^$HQ ok: updated and verified; backup [^
]*; saved to the boot device
$HS ok: updated and verified; backup [^
]*; saved to the boot device
2 hosts: 2 ok, 0 failed" "$OUT"
tap_run "... while the slow one took its 10 s" test $((SECONDS - t0)) -ge 10
vcsim_stop "$W/vs"
vcsim_stop "$W/vq"

# --- a sync that fails ----------------------------------------------------
start vf -esxconf "$S1" -sync-fail
vifs conf set "${CONN[@]}" --backup-dir "$W/bk" /adv/Misc/HostName esx03
tap_eq "a failed sync does not fail the verified edit" 0 "$RC"
tap_match "... which is reported not yet saved, with the host's reason" \
    "is not yet saved to the boot device \(SyncFirmwareConfiguration: .*cannot write the configuration to the boot device" \
    "$ERR"
vcsim_stop "$W/vf"

# --- hostile backup URLs: one line, nothing stored ------------------------
for url in 'http://*/../../etc/passwd' 'http://*' 'http://*/downloads/a?x=1' \
    'not a url' 'http://*/downloads/x.tgz' ''; do
    # '': the host's own URL, but what it serves is a local.tgz.
    start vu -bundle "$W/local.tgz" -backup-url "$url"
    vifs cfgbackup "${FLEET[@]}" --dir "$W/hostile"
    tap_eq "backup URL '$url': the host fails" 1 "$RC"
    tap_match "... with one line" "^127.0.0.1:$VCSIM_PORT FAILED: [^
]*
1 hosts: 0 ok, 1 failed" "$OUT"
    tap_eq "... and nothing is stored" 0 \
        "$(find "$W/hostile" -type f 2>/dev/null | wc -l)"
    vcsim_stop "$W/vu"
done

# --- a host without a VIM API (nginx) -------------------------------------
legacy_start_sim "$W/sim" 1
vifs conf set "${CONN[@]}" --backup-dir "$W/bk" /adv/Misc/HostName esx04
tap_eq "an edit of a host without a VIM API exits 0" 0 "$RC"
tap_match "... and says it is not yet saved" \
    "is not yet saved to the boot device \(SyncFirmwareConfiguration: .*\): a hard reset" \
    "$ERR"
tap_done

#!/usr/bin/env bash
# --output json of the fleet commands: --get, --put and the edits of
# esx.conf (passthru, conf set, conf restore) across simulated hosts
# (esxsim), one that misbehaves (faultsim) and one whose port is closed,
# and the same edits on one host (--server). Every document is valid
# against fleet-results.schema.json (python3-jsonschema), is the only
# thing on standard output, carries the same facts as the text lines, and
# the exit status is that of text.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"
# shellcheck source=../lib/results.sh
. "$srcdir/tests/lib/results.sh"

legacy_setup fleet_json
legacy_start_sim "$W/sim" 2
trap 'faultsim_stop "$W/fs"; legacy_cleanup' EXIT
faultsim_start "$W/fs" "$ESXSIM_SEED" "$W/certs" "$ESXSIM_PASSWORD" ||
    tap_die "faultsim_start failed"
FS=127.0.0.1:$(. "$W/fs/faultsim.env" && echo "$FAULTSIM_PORT")
# A port nothing listens on: the kernel's pick, closed again.
CLOSED=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile -t GOOD <"$ESXSIM_SERVERS"
printf '%s\n' "${GOOD[@]}" "$FS" "$CLOSED" >"$W/servers"
FLEET=(--servers "$W/servers" --username root --password "$ESXSIM_PASSWORD"
    --cacertsfile "$ESXSIM_CA" --timeout 5 --host-timeout 20)

# --- --get --------------------------------------------------------------------
faultsim_faults "$W/fs" "GET status 500"
vifs "${FLEET[@]}" --get /host/esx.conf "$W/text"
TEXT_RC=$RC TEXT_OUT=$OUT
vifs "${FLEET[@]}" --output json --get /host/esx.conf "$W/g"
valid get
tap_eq "--get --output json: the exit status of text (1)" "1 1" "$TEXT_RC $RC"
tap_eq "... command, hosts and summary" \
    'get 4 {"hosts": 4, "ok": 2, "failed": 2, "skipped": 0}' \
    "$(jv get 'd["command"]') $(jv get 'len(d["hosts"])') $(jv get '{k: v for k, v in d["summary"].items() if k != "elapsed_ms"}')"
tap_match "... elapsed_ms" '^[0-9]+$' "$(jv get 'd["summary"]["elapsed_ms"]')"
for g in "${GOOD[@]}"; do
    tap_eq "$g: ok, 200, the file written and its size" \
        "ok 200 $W/g/$g/esx.conf $(stat -c %s "$ESXSIM_SEED") /host/esx.conf" \
        "$(jv get "' '.join(str(x) for x in (h['$g']['state'], h['$g']['http_status'], h['$g']['file']['local'], h['$g']['file']['bytes'], h['$g']['file']['remote']))")"
    tap_run "... $g's file is the host's" cmp "$W/g/$g/esx.conf" "$ESXSIM_SEED"
done
tap_eq "$FS (500): failed, http, 500, nothing written" \
    'failed http 500 false' \
    "$(jv get "' '.join(str(x) for x in (h['$FS']['state'], h['$FS']['error']['code'], h['$FS']['http_status'], 'local' in h['$FS']['file'])).lower()")"
tap_eq "$CLOSED (closed port): failed, network, no HTTP status" \
    'failed network False' \
    "$(jv get "' '.join(str(x) for x in (h['$CLOSED']['state'], h['$CLOSED']['error']['code'], 'http_status' in h['$CLOSED']))")"
for f in "$FS" "$CLOSED"; do
    tap_eq "$f: the reason is the text line's" \
        "$(grep "^$f FAILED: " <<<"$TEXT_OUT" | sed "s/^$f FAILED: //")" \
        "$(jv get "h['$f']['error']['message']")"
done
tap_eq "... the hosts of the text lines, in the document" \
    "$(grep -v '^[0-9]* hosts:' <<<"$TEXT_OUT" | cut -d' ' -f1 | sort)" \
    "$(jv get "'\n'.join(sorted(h))")"
tap_eq "... nothing else on standard output (one document)" 1 \
    "$(python3 -c 'import json,sys; d=json.JSONDecoder(); s=open(sys.argv[1]).read(); o,i=d.raw_decode(s); print(1 if s[i:].strip()=="" else 0)' "$W/get.json")"

# --- --put --------------------------------------------------------------------
faultsim_faults "$W/fs"
printf 'bundle\n' >"$W/up.txt"
vifs "${FLEET[@]}" --put "$W/up.txt" /tmp/up/ --output json
valid put
tap_eq "--put --output json: exit 1" 1 "$RC"
tap_eq "... two ok, two failed" '"put" 2 2' \
    "$(jv put 'json.dumps(d["command"])') $(jv put 'd["summary"]["ok"]') $(jv put 'd["summary"]["failed"]')"
tap_eq "... the file sent and its size on every host" \
    "$W/up.txt 7 /tmp/up/" \
    "$(jv put "' '.join(sorted(set('%s %s %s' % (x['file']['local'], x['file']['bytes'], x['file']['remote']) for x in d['hosts'])))")"
# (the fault server replaces files but creates none, as ESXi in /host)
tap_eq "$FS (a new file): not-found, 404" "not-found 404" \
    "$(jv put "h['$FS']['error']['code'] + ' ' + str(h['$FS']['http_status'])")"
tap_run "... the file on the good hosts" \
    cmp "$W/up.txt" "$ESXSIM_HOSTS_DIR/${GOOD[1]#*:}/tmp/up/up.txt"

# --- edits across hosts ---------------------------------------------------------
faultsim_reset "$W/fs" "$ESXSIM_SEED"
faultsim_faults "$W/fs"
BK=$HOME/.local/state/vifs/backups
vifs passthru enable "${FLEET[@]}" --dry-run -o json 000:03.2
valid dry
tap_eq "passthru enable --dry-run -o json: exit 1 (the closed port)" 1 "$RC"
tap_eq "... the command" "passthru enable" "$(jv dry 'd["command"]')"
for g in "${GOOD[@]}" "$FS"; do
    tap_eq "$g: ok, a dry run of one line changed, nothing changed" \
        'ok update true false 1 1 would change esx.conf: -1 +1 lines (--dry-run)' \
        "$(jv dry "' '.join(str(x) for x in (h['$g']['state'], h['$g']['edit']['action'], h['$g']['edit']['dry_run'], h['$g']['edit']['changed'], h['$g']['edit']['lines_removed'], h['$g']['edit']['lines_added'], h['$g']['detail'])).replace('True', 'true').replace('False', 'false')")"
    tap_eq "... the diff of the edit" 1 \
        "$(jv dry "h['$g']['edit']['diff']" |
            grep -c '^+/device/000:03\.2/owner = "passthru"$')"
done
tap_eq "$CLOSED: failed, network, the file unchanged, nothing fetched" \
    'failed network fetch unchanged {}' \
    "$(jv dry "' '.join(str(x) for x in (h['$CLOSED']['state'], h['$CLOSED']['error']['code'], h['$CLOSED']['edit']['failed_step'], h['$CLOSED']['edit']['file_state'], json.dumps(h['$CLOSED']['edit']['sha256'])))")"
tap_eq "... no backup" "" "$(ls "$BK" 2>/dev/null)"

faultsim_faults "$W/fs" "PUT status 500"
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet --output json
valid set
tap_eq "conf set -o json, a PUT answered 500: exit 1" 1 "$RC"
SEED_SHA=$(sha256sum <"$ESXSIM_SEED" | cut -d' ' -f1)
for g in "${GOOD[@]}"; do
    tap_eq "$g: changed, updated, original and final SHA-256, not persisted" \
        "true updated $SEED_SHA $(sha256sum <"$ESXSIM_HOSTS_DIR/${g#*:}/host/esx.conf" | cut -d' ' -f1) true false" \
        "$(jv set "' '.join(str(x) for x in (h['$g']['edit']['changed'], h['$g']['edit']['file_state'], h['$g']['edit']['sha256']['original'], h['$g']['edit']['sha256']['final'], h['$g']['edit']['persist_asked'], h['$g']['edit']['persisted'])).lower()")"
    B=$(jv set "h['$g']['edit']['backup']")
    tap_run "... its backup is named and holds the file as it was" \
        cmp "$B" "$ESXSIM_SEED"
    tap_match "... the detail is the text line's" \
        "^updated and verified; backup $B; not yet saved to the boot device \(SyncFirmwareConfiguration: .*\): a hard reset" \
        "$(jv set "h['$g']['detail']")"
    tap_match "... and says why it is not persisted" 'SyncFirmwareConfiguration|VIM|SOAP|404' \
        "$(jv set "h['$g']['edit']['persist_error']")"
done
tap_eq "$FS (PUT 500): failed at the upload, http, file unchanged, backup kept" \
    "failed http upload unchanged True" \
    "$(jv set "' '.join(str(x) for x in (h['$FS']['state'], h['$FS']['error']['code'], h['$FS']['edit']['failed_step'], h['$FS']['edit']['file_state'], h['$FS']['edit']['backup'].startswith('$BK/$FS/')))")"
tap_match "... its reason says the state of its file, as the text line" \
    "^PUT /host/esx\.conf: 500 .*; read back, esx\.conf is unchanged; the file as it was is in " \
    "$(jv set "h['$FS']['error']['message']")"
tap_eq "... the summary" '{"hosts": 4, "ok": 2, "failed": 2, "skipped": 0}' \
    "$(jv set '{k: v for k, v in d["summary"].items() if k != "elapsed_ms"}')"

faultsim_faults "$W/fs"
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet -o json
valid again
tap_eq "the same edit again: no change where it is, the fault host updated" \
    "no change|no change|True" \
    "$(jv again "'|'.join([h['${GOOD[0]}']['detail'], h['${GOOD[1]}']['detail'], str(h['$FS']['edit']['changed'])])")"
tap_eq "... no change is not a change" "false" \
    "$(jv again "h['${GOOD[0]}']['edit']['changed']")"

vifs conf restore "${FLEET[@]}" latest -o json --no-persist
valid restore
tap_eq "conf restore latest -o json: command, action, restored, not asked to persist" \
    "conf restore restore True False" \
    "$(jv restore "' '.join(str(x) for x in (d['command'], h['${GOOD[0]}']['edit']['action'], h['${GOOD[0]}']['edit']['changed'], h['${GOOD[0]}']['edit']['persist_asked']))")"
tap_match "... the backup put back" "^$BK/${GOOD[0]}/[0-9]{8}T[0-9]{6}Z-esx\.conf$" \
    "$(jv restore "h['${GOOD[0]}']['edit']['restored_from']")"
tap_run "... and the host has its file back" \
    cmp "$ESXSIM_HOSTS_DIR/${GOOD[0]#*:}/host/esx.conf" "$ESXSIM_SEED"

# --- one host (--server): one document of the same shape ---------------------
P=${GOOD[0]#*:}
ONE=(--server 127.0.0.1 --portnumber "$P" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
vifs conf set "${ONE[@]}" --dry-run /adv/Misc/HostName one
TEXT_DIFF=$OUT
vifs conf set "${ONE[@]}" --dry-run -o json /adv/Misc/HostName one
valid one-dry
tap_eq "one host, --dry-run -o json: exit 0, one host named as a fleet names it" \
    "0 1 ${GOOD[0]} conf set" \
    "$RC $(jv one-dry 'len(d["hosts"])') $(jv one-dry 'd["hosts"][0]["name"]') $(jv one-dry 'd["command"]')"
tap_eq "... the diff is the text's" "$TEXT_DIFF" \
    "$(jv one-dry 'd["hosts"][0]["edit"]["diff"]')"
vifs conf set "${ONE[@]}" -o json /adv/Misc/HostName one
valid one
tap_eq "one host, -o json: exit 0, changed, HTTP status, summary" \
    "0 true 1 1" \
    "$RC $(jv one 'd["hosts"][0]["edit"]["changed"]') $(jv one 'd["summary"]["ok"]') $(jv one 'd["summary"]["hosts"]')"
tap_match "... the detail is what a fleet's line says" \
    "^updated and verified; backup $BK/${GOOD[0]}/.*; not yet saved to the boot device" \
    "$(jv one 'd["hosts"][0]["detail"]')"
tap_match "... the notes stay on standard error" "updated and verified" "$ERR"
vifs conf unset --server 127.0.0.1 --portnumber "${CLOSED#*:}" --username root \
    --password x --cacertsfile "$ESXSIM_CA" -o json /adv/Misc/HostName
valid one-closed
tap_eq "one host on a closed port: exit 1, one failed host, network" \
    "1 conf unset failed network 1" \
    "$RC $(jv one-closed 'd["command"]') $(jv one-closed 'd["hosts"][0]["state"]') $(jv one-closed 'd["hosts"][0]["error"]["code"]') $(jv one-closed 'd["summary"]["failed"]')"
vifs passthru enable "${ONE[@]}" -o json 000:31.2
valid one-refused
tap_eq "one host, a refused edit: exit 1, refused at the edit" \
    "1 passthru enable failed edit unchanged" \
    "$RC $(jv one-refused 'd["command"]') $(jv one-refused 'd["hosts"][0]["state"]') $(jv one-refused 'd["hosts"][0]["edit"]["failed_step"]') $(jv one-refused 'd["hosts"][0]["edit"]["file_state"]')"

# --- usage -------------------------------------------------------------------
vifs conf set "${FLEET[@]}" -o xml /adv/Misc/HostName x
tap_eq "an edit with --output xml: usage error" 2 "$RC"
cp "$ESXSIM_SEED" "$W/local.conf"
vifs conf set --file "$W/local.conf" -o json /adv/Misc/HostName x
tap_eq "an edit of a file with --output json: usage error" 2 "$RC"
tap_run "... the file untouched" cmp "$W/local.conf" "$ESXSIM_SEED"
vifs cfgbackup "${FLEET[@]}" --dir "$W/cb" -o xml
tap_eq "cfgbackup -o xml: usage error" 2 "$RC"
vifs "${FLEET[@]}" --output xml --get /host/esx.conf "$W/x"
tap_eq "--output xml across hosts: usage error, nothing on stdout" "2 " \
    "$RC $OUT"
tap_match "... saying why" "results of several hosts are text or json" "$ERR"

tap_done

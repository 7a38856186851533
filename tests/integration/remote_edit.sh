#!/usr/bin/env bash
# `vifs conf` and `vifs passthru` on the /host/esx.conf of simulated ESXi
# hosts (esxsim.sh, nginx): every subcommand on the seed fixtures and on a
# realistic generated host; a remote edit gives the same bytes as the same
# edit of a local copy; --dry-run leaves the host byte-identical; backups
# (mode 0600 in 0700 directories, or --backup-dir); the lint of an edit;
# the passthru safety refusals with and without an inventory; restore
# round trips; usage errors. Goldens in golden/ where the output is stable.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/remote.sh
. "$srcdir/tests/lib/remote.sh"

GEN=${VIFS_BUILDDIR:?VIFS_BUILDDIR must name the build tree}/tests/esxhost_gen
AGENT=${VIFS_AGENT_BIN:-$VIFS_BUILDDIR/agent/vifs-agent}
FIX=$VIFS_FIXTURES/pci
S1=$FIX/seed-sample1.esx.conf
S2=$FIX/seed-sample2.esx.conf

remote_setup remote_edit
[ -x "$GEN" ] || tap_die "esxhost_gen not built: $GEN"
[ -x "$AGENT" ] || tap_die "vifs-agent not built: $AGENT"
"$GEN" "$W/real.conf" "$W/real.xml" || tap_die "esxhost_gen failed"
"$GEN" --host esx-other.example.com "$W/other.conf" "$W/other.xml" ||
    tap_die "esxhost_gen --host failed"
"$AGENT" inventory -q --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$S1" \
    -o "$W/s1.xml" || tap_die "vifs-agent inventory failed"

legacy_start_sim "$W/sim" 3
P1=$(esxsim_port "$W/sim" 1)
P2=$(esxsim_port "$W/sim" 2)
P3=$(esxsim_port "$W/sim" 3)
F1=$ESXSIM_HOSTS_DIR/$P1/host/esx.conf
F2=$ESXSIM_HOSTS_DIR/$P2/host/esx.conf
F3=$ESXSIM_HOSTS_DIR/$P3/host/esx.conf
cp "$S2" "$F2"
cp "$W/real.conf" "$F3"
conn() {
    echo --server 127.0.0.1 --portnumber "$1" --username root \
        --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA"
}
read -ra C1 <<<"$(conn "$P1")"
read -ra C2 <<<"$(conn "$P2")"
read -ra C3 <<<"$(conn "$P3")"
L=$W/local
mkdir -p "$L"

# local_edit NAME SEED ARGS...: the same command on a local copy of SEED
# (--file $L/NAME); the result is $L/NAME.
local_edit() {
    local name=$1 seed=$2
    shift 2
    cp "$seed" "$L/$name"
    "$VIFS_BIN" "$@" --file "$L/$name" >/dev/null 2>&1
}

# --- reading: get, list, lint, passthru list on the seeds -------------------
vifs conf get "${C1[@]}" /device/000:31.2/vmkname /device/000:27.0/owner
remote_golden remote-conf-get 0
vifs conf get "${C1[@]}" /no/such/key
remote_golden remote-conf-get-missing 1
vifs conf list "${C2[@]}" /net/
remote_golden remote-conf-list 0
vifs conf list "${C2[@]}" --output xml /net/
remote_golden remote-conf-list-xml 0
vifs conf lint "${C2[@]}"
remote_golden remote-conf-lint-sample2 1
vifs conf lint "${C1[@]}"
tap_eq "lint of sample 1 on the host: clean, exit 0" "0 " "$RC $OUT"
vifs passthru list "${C1[@]}"
remote_golden remote-passthru-list 0
vifs passthru list "${C1[@]}" --inventory "$W/s1.xml"
remote_golden remote-passthru-list-inventory 0
"$VIFS_BIN" passthru list --file "$S1" --inventory "$W/s1.xml" >"$L/list"
tap_eq "the host's list equals the local list" "$(cat "$L/list")" "$OUT"

# --- dry runs leave the host byte-identical ----------------------------------
vifs conf set "${C1[@]}" --dry-run /device/000:27.0/owner vmkernel \
    /adv/Misc/HostName 'esx "01" | lab'
remote_golden remote-conf-set-dry-run 0
same_file "conf set --dry-run: the host is byte-identical" "$S1" "$F1"
tap_eq "conf set --dry-run: no backup" "" \
    "$(find "$HOME/.local/state" -type f 2>/dev/null)"
vifs passthru enable "${C1[@]}" --dry-run 00:26.00 00:26.01 00:26.02 00:26.07
remote_golden remote-passthru-dry-run 0
same_file "passthru --dry-run: the host is byte-identical" "$S1" "$F1"
vifs conf unset "${C3[@]}" --dry-run /net/vswitch/child[0001]/mtu
tap_match "dry run on the realistic host: the diff names the host" \
    "^--- 127\.0\.0\.1:$P3:/host/esx\.conf"$'\n'"\+\+\+ 127\.0\.0\.1:$P3:/host/esx\.conf \(edited\)" \
    "$OUT"
same_file "dry run on the realistic host: byte-identical" "$W/real.conf" "$F3"

# --- a real edit: backup, verify, same bytes as a local edit --------------------
vifs conf set "${C1[@]}" /adv/Misc/HostName 'a"b|c'
b1=$(backup_path)
remote_golden remote-conf-set 0
local_edit set1 "$S1" conf set /adv/Misc/HostName 'a"b|c'
same_file "conf set: the host's file equals the local edit" "$L/set1" "$F1"
same_file "conf set: the backup is the original" "$S1" "$b1"
tap_eq "conf set: the backup is in the host's directory" \
    "$(hostdir_of "$P1")" "$(dirname "$b1")"
tap_match "conf set: the backup's name" \
    '/[0-9]{8}T[0-9]{6}Z(\.[0-9]+)?-esx\.conf$' "$b1"
tap_eq "conf set: backup mode 0600" 600 "$(stat -c %a "$b1")"
tap_eq "conf set: backup directories 0700" "700 700 700" \
    "$(stat -c %a "$(hostdir_of "$P1")" "$HOME/.local/state/vifs/backups" \
        "$HOME/.local/state/vifs" | tr '\n' ' ' | sed 's/ $//')"
vifs conf get "${C1[@]}" /adv/Misc/HostName
tap_eq "conf get reads the escaped value back" 'a"b|c' "$OUT"
vifs conf unset "${C1[@]}" /adv/Misc/HostName
tap_eq "conf unset: exit 0" 0 "$RC"
same_file "conf unset: the host's file is the original again" "$S1" "$F1"
vifs conf unset "${C1[@]}" /adv/Misc/HostName
tap_eq "conf unset of a missing key: exit 1" \
    "1 vifs: /adv/Misc/HostName: no such key" "$RC $ERR"
vifs conf set "${C1[@]}" /device/000:27.0/owner passthru
tap_eq "an edit that changes nothing: exit 0, nothing uploaded" \
    "0 vifs: 127.0.0.1:$P1:/host/esx.conf: no change" "$RC $ERR"

# --- restore round trip -------------------------------------------------------------
vifs conf set "${C1[@]}" /system/uuid 11111111-2222-3333-4444-555555555555
b2=$(backup_path)
cp "$F1" "$L/uuid"
vifs conf restore "${C1[@]}" --dry-run "$b2"
tap_eq "restore --dry-run: exit 0" 0 "$RC"
tap_match "restore --dry-run: the diff back to the backup" \
    '-/system/uuid = "11111111-2222-3333-4444-555555555555"' "$OUT"
same_file "restore --dry-run: the host is byte-identical" "$L/uuid" "$F1"
vifs conf restore "${C1[@]}" "$b2"
b3=$(backup_path)
tap_eq "restore: exit 0" 0 "$RC"
tap_match "restore: restored and verified" \
    "esx\.conf on 127\.0\.0\.1:$P1 restored and verified" "$ERR"
same_file "restore: the host holds the backup" "$b2" "$F1"
same_file "restore: the replaced file was backed up first" "$L/uuid" "$b3"
vifs conf restore "${C1[@]}" "$b3"
same_file "restore of that backup: the edit is back" "$L/uuid" "$F1"
vifs conf restore "${C1[@]}" "$S1"
same_file "restore of the seed: the host is the seed again" "$S1" "$F1"
vifs conf restore "${C1[@]}" "$S1"
tap_eq "restore of what the host holds: no change" \
    "0 vifs: 127.0.0.1:$P1:/host/esx.conf: no change" "$RC $ERR"
: >"$L/empty"
vifs conf restore "${C1[@]}" "$L/empty"
tap_match "restore of an empty file is refused" \
    "^1 vifs: .*empty is empty; an empty esx.conf leaves a host" "$RC $ERR"
vifs conf restore "${C1[@]}" "$L/no-such-backup"
tap_match "restore of a missing file" "^1 vifs: .*no-such-backup: No such file" \
    "$RC $ERR"
same_file "failed restores leave the host alone" "$S1" "$F1"

# --- --backup-dir ----------------------------------------------------------------
vifs conf set "${C1[@]}" --backup-dir "$W/bk/a/b" /adv/Misc/HostName x
b=$(backup_path)
tap_eq "--backup-dir: exit 0" 0 "$RC"
tap_eq "--backup-dir: the backup goes there" "$W/bk/a/b" "$(dirname "$b")"
same_file "--backup-dir: the backup is the original" "$S1" "$b"
tap_eq "--backup-dir: created 0700" 700 "$(stat -c %a "$W/bk/a/b")"
vifs conf unset "${C1[@]}" /adv/Misc/HostName

# --- the lint of an edit ---------------------------------------------------------
# Sample 2 has errors on lines 1 and 3: an edit elsewhere warns about
# them, an edit of line 3 is refused unless forced.
vifs conf set "${C2[@]}" --dry-run /net/pnic/child[0000]/mtu 9000
remote_golden remote-lint-untouched 0
vifs conf unset "${C2[@]}" /devcie/008:01.0/owner
remote_golden remote-lint-touched 1
same_file "an edit of a line with an error: the host is untouched" "$S2" "$F2"
vifs conf unset "${C2[@]}" --force --dry-run /devcie/008:01.0/owner
tap_match "--force lets it through, with a warning" \
    "^0 .*vifs: warning: overridden by force: 127\.0\.0\.1:$P2:/host/esx\.conf:3: unknown-component" \
    "$RC $ERR"
# A malformed line that spells the key being set.
printf '/adv/Misc/HostName "old"\n/b = "2"\n' >"$L/malformed.conf"
cp "$L/malformed.conf" "$F2"
vifs conf set "${C2[@]}" /adv/Misc/HostName new
remote_golden remote-lint-malformed 1
same_file "an edit next to a malformed line of its key: host untouched" \
    "$L/malformed.conf" "$F2"
vifs conf set "${C2[@]}" /b 3
tap_eq "an edit of another key: allowed" 0 "$RC"
tap_match "... with the malformed line as a warning" \
    "warning: 127\.0\.0\.1:$P2:/host/esx\.conf:1: malformed-line: .*\(not touched by this edit\)" \
    "$ERR"
cp "$S2" "$F2"

# --- passthru on sample 1: refusals without and with an inventory ---------------
nb=$(find "$(hostdir_of "$P1")" -type f | wc -l)
vifs passthru enable "${C1[@]}" 0000:00:1f.2
remote_golden remote-passthru-refuse-vmhba 1
vifs passthru enable "${C1[@]}" --inventory "$W/s1.xml" 0000:00:1f.2
remote_golden remote-passthru-refuse-vmhba-inventory 1
vifs passthru enable "${C1[@]}" 00:1a.0
remote_golden remote-passthru-refuse-split 1
vifs passthru enable "${C1[@]}" --inventory "$W/s1.xml" 0000:00:1e.0
tap_eq "a bridge already passthru: nothing to do" \
    "0 vifs: warning: 000:30.0 is already given to passthru
vifs: 127.0.0.1:$P1:/host/esx.conf: no change" "$RC $ERR"
same_file "refusals leave the host untouched" "$S1" "$F1"
tap_eq "refusals make no backup" "$nb" \
    "$(find "$(hostdir_of "$P1")" -type f | wc -l)"
vifs passthru disable "${C1[@]}" 0000:00:1b.0
tap_eq "passthru disable: exit 0" 0 "$RC"
tap_match "passthru disable: the reboot note" \
    "passthrough changes take effect at the next reboot of the host" "$ERR"
local_edit dis "$S1" passthru disable 0000:00:1b.0
same_file "passthru disable: same bytes as the local edit" "$L/dis" "$F1"
vifs passthru enable "${C1[@]}" --inventory "$W/s1.xml" 000:27.0
tap_eq "passthru enable with an inventory: exit 0" 0 "$RC"
same_file "passthru enable: the host is the seed again" "$S1" "$F1"
vifs passthru enable "${C1[@]}" --force 000:31.2 000:31.5
tap_eq "--force gives the SATA controllers away: exit 0" 0 "$RC"
tap_match "... each override is told" \
    "warning: overridden by force: 000:31\.2 holds vmhba0" "$ERR"
vifs conf restore "${C1[@]}" "$S1"
same_file "and a restore undoes it" "$S1" "$F1"

# --- the realistic host ------------------------------------------------------------
vifs conf lint "${C3[@]}"
tap_eq "realistic host: lint is clean" "0" "$RC"
vifs conf list "${C3[@]}"
tap_eq "realistic host: conf list gives every entry" \
    "$(wc -l <"$W/real.conf")" "$(printf '%s\n' "$OUT" | wc -l)"
vifs conf get "${C3[@]}" /device/024:00.0/vmkname /adv/Net/ManagementIface
tap_eq "realistic host: conf get" "vmnic0"$'\n'"vmk0" "$OUT"
vifs passthru list "${C3[@]}" --inventory "$W/real.xml"
remote_golden remote-real-passthru-list 0
vifs passthru enable "${C3[@]}" --dry-run 0000:3b:00.0
remote_golden remote-real-bridge-no-inventory 0
vifs passthru enable "${C3[@]}" --inventory "$W/real.xml" 0000:3b:00.0
remote_golden remote-real-bridge-refused 1
same_file "realistic host: a refused bridge leaves the host untouched" \
    "$W/real.conf" "$F3"
vifs passthru enable "${C3[@]}" --inventory "$W/real.xml" 0000:3d:00.0
remote_golden remote-real-gpu-split 1
for a in 0000:18:00.0 0000:19:00.0 0000:00:11.5 0000:00:14.0; do
    vifs passthru enable "${C3[@]}" --inventory "$W/real.xml" "$a"
    tap_match "realistic host: $a (management NIC, datastore, boot) refused" \
        "^1 .*refused: [0-9:.]+ holds (vmnic|vmhba)[0-9]+, which the host uses" \
        "$RC $ERR"
done
same_file "realistic host: untouched by the refusals" "$W/real.conf" "$F3"
vifs passthru enable "${C3[@]}" --inventory "$W/real.xml" 0000:3d:00.0 \
    0000:3d:00.1 0000:3d:00.2 0000:3d:00.3
b=$(backup_path)
tap_eq "realistic host: the whole GPU goes to passthru" 0 "$RC"
local_edit gpu "$W/real.conf" passthru enable --inventory "$W/real.xml" \
    0000:3d:00.0 0000:3d:00.1 0000:3d:00.2 0000:3d:00.3
same_file "realistic host: same bytes as the local edit" "$L/gpu" "$F3"
tap_eq "realistic host: four lines changed" 8 \
    "$(diff "$W/real.conf" "$F3" | grep -c '^[<>]')"
same_file "realistic host: the backup is the original" "$W/real.conf" "$b"
vifs passthru enable "${C3[@]}" --inventory "$W/other.xml" 0000:3c:08.0
tap_match "an inventory of another host is warned about" \
    "warning: .*other\.xml is the inventory of esx-other\.example\.com, not of 127\.0\.0\.1" \
    "$ERR"
vifs conf restore "${C3[@]}" "$b"
same_file "realistic host: restored" "$W/real.conf" "$F3"

# --- connection from the environment; failures before any transfer --------------
RC=0
VI_SERVER=127.0.0.1 VI_PORTNUMBER=$P1 VI_USERNAME=root \
    VI_PASSWORD=$ESXSIM_PASSWORD VI_CACERTFILE=$ESXSIM_CA \
    setsid -w "$VIFS_BIN" conf get /device/000:31.5/vmkname </dev/null \
    >"$W/out" 2>"$W/err" || RC=$?
tap_eq "VI_SERVER and friends select the host" "0 vmhba1" "$RC $(cat "$W/out")"
vifs conf set --server 127.0.0.1 --portnumber "$P1" --username root \
    --password wrong --cacertsfile "$ESXSIM_CA" /adv/Misc/HostName x
tap_eq "a wrong password: exit 1, nothing uploaded" \
    "1 vifs: authentication failed for root@127.0.0.1:$P1
vifs: esx.conf on 127.0.0.1:$P1 is unchanged: nothing was uploaded" "$RC $ERR"
same_file "a wrong password: the host is untouched" "$S1" "$F1"

# --- usage errors -----------------------------------------------------------------
vifs conf get --file "$S1" "${C1[@]}" /a
remote_golden remote-usage-file-and-server 2
vifs conf restore --file "$S1" "$S1"
remote_golden remote-usage-restore-file 2
vifs conf set --file "$L/set1" --backup-dir "$W/x" /a b
remote_golden remote-usage-backup-dir-file 2
vifs conf restore "${C1[@]}"
remote_golden remote-usage-restore-nothing 2
vifs passthru list "${C1[@]}" --inventory "$L/no-such.xml"
tap_match "a missing inventory: exit 1" "^1 vifs: .*no-such\.xml" "$RC $ERR"
vifs conf get "${C1[@]}" --bogus /a
tap_eq "an unknown option" "2 vifs: conf: unknown option '--bogus'
Try 'vifs conf --help'." "$RC $ERR"

tap_done

#!/usr/bin/env bash
# Data safety of remote edits against faultsim.py hosts: two edits of one
# host half a second apart (the second finds the first's change instead of
# overwriting it: the per-host lock, then the re-read before the upload),
# a fleet host whose lock is held, a fleet edit whose read-back fails after
# the upload (its line keeps the host's state and the backup path), and
# fleet lines of failures whose messages were formatted from the previous
# one (never "FAILED: ; ...").
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/remote.sh
. "$srcdir/tests/lib/remote.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

remote_setup security_edit
trap 'faultsim_stop "$W/a"; faultsim_stop "$W/b"; legacy_cleanup' EXIT
bash "$srcdir/certs/make-certs.sh" "$W/certs" >/dev/null ||
    tap_die "make-certs.sh failed"
SEED=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
faultsim_start "$W/a" "$SEED" "$W/certs" || tap_die "host A did not start"
faultsim_start "$W/b" "$SEED" "$W/certs" || tap_die "host B did not start"
# shellcheck source=/dev/null
. "$W/a/faultsim.env"
PA=$FAULTSIM_PORT
PB=$(cat "$W/b/port")
AUTH=(--username root --password "$FAULTSIM_PASSWORD" --cacertsfile
    "$FAULTSIM_CA" --timeout 5 --no-persist)
A=(--server 127.0.0.1 --portnumber "$PA" "${AUTH[@]}")
FLEET=(--fleet --server "127.0.0.1:$PA" --server "127.0.0.1:$PB" "${AUTH[@]}")

# --- two edits of one host, 0.5 s apart ------------------------------------------
# The first one's upload takes 2 s; the second reads the same original
# meanwhile.
faultsim_faults "$W/a" "PUT#1 delay 2"
"$VIFS_BIN" conf set "${A[@]}" /adv/Misc/HostName first \
    >"$W/first.out" 2>"$W/first.err" &
first=$!
sleep 0.5
vifs conf set "${A[@]}" /adv/Misc/Second second
wait "$first"
rc1=$?
tap_eq "the first edit: exit 0, updated and verified" "0 1" \
    "$rc1 $(grep -c 'updated and verified' "$W/first.err")"
tap_match "the second edit: refused while the first holds the host's lock" \
    "^1 .*another vifs is editing 127\.0\.0\.1:$PA from this machine" \
    "$RC $ERR"
tap_match "... nothing uploaded by it" "unchanged" "$ERR"
tap_eq "the host holds the first edit" 'HostName = "first"' \
    "$(grep -o 'HostName = "first"' "$FAULTSIM_FILE")"
tap_eq "... and only one upload reached it" 1 \
    "$(grep -c '^PUT ' "$FAULTSIM_LOG")"
faultsim_faults "$W/a"
faultsim_reset "$W/a" "$SEED"

# --- a fleet host whose edit lock is held ---------------------------------------
LOCK=$(hostdir_of "$PA")/.vifs-edit.lock
mkdir -p "$(dirname "$LOCK")"
exec 8>"$LOCK"
flock -n 8 || tap_die "the lock could not be taken"
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet
tap_match "a fleet edit while another holds host A's lock: A refused" \
    "127\.0\.0\.1:$PA FAILED: another vifs is editing 127\.0\.0\.1:$PA from this machine" \
    "$OUT"
tap_match "... B updated" "127\.0\.0\.1:$PB ok: updated and verified" "$OUT"
tap_run "... A's file untouched" cmp -s "$SEED" "$FAULTSIM_FILE"
exec 8>&-
faultsim_reset "$W/b" "$SEED"

# --- a fleet edit whose read-back fails after the upload --------------------------
# GET 1 fetches, 2 re-reads before the upload, 3 is the verify.
faultsim_faults "$W/a" "GET#3- status 404"
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet
line=$(grep "^127\.0\.0\.1:$PA " <<<"$OUT")
tap_match "read-back fails after the PUT: the step's message is kept" \
    "FAILED: esx\.conf could not be read back after the upload: .*no such file.*; its state is unknown; to put the file as it was back: vifs conf restore $(hostdir_of "$PA")/[0-9T]+Z[.0-9]*-esx\.conf$" \
    "$line"
faultsim_faults "$W/a"
faultsim_reset "$W/a" "$SEED"
faultsim_reset "$W/b" "$SEED"

# --- fleet lines of messages built on the previous one -----------------------------
faultsim_faults "$W/a" "GET status 500"
vifs conf set "${FLEET[@]}" /adv/Misc/HostName fleet
line=$(grep "^127\.0\.0\.1:$PA " <<<"$OUT")
tap_match "a failed fetch: the request's error, then the host's state" \
    "FAILED: GET /host/esx\.conf: 500 [^;]*; esx\.conf is unchanged: nothing was uploaded$" \
    "$line"
tap_eq "... never an empty message before the state" "" \
    "$(grep -E 'FAILED: ?;' <<<"$OUT")"
faultsim_faults "$W/a"

tap_done

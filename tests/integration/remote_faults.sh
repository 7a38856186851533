#!/usr/bin/env bash
# Faults during a remote edit of esx.conf, injected by faultsim.py: the
# upload refused (500, 403), reset mid-upload, stalled, stored wrongly; the
# file truncated or stalled on the way down, changed on the host between
# the read and the upload; a backup directory that cannot be written. For
# each: the exit status, the message with the state of the host's file,
# the host's file itself and the backup; and always: the original is on
# the host or in the backup.
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

faultsim_one remote_faults
C=("${ONE[@]}")
# The edit of every case, and what it gives on the seed.
EDIT=(conf set "${C[@]}" /adv/Misc/HostName esx01)
cp "$SEED" "$W/edited.conf"
"$VIFS_BIN" conf set --file "$W/edited.conf" /adv/Misc/HostName esx01 ||
    tap_die "the local edit failed"
printf '/adv/Misc/ChangedElsewhere = "yes"\n' | cat "$SEED" - >"$W/other.conf"

# fault DESC RULE...: a fresh host with these faults, and an empty backup
# directory.
fault() {
    echo "# --- $1"
    faultsim_reset "$W/fs" "$SEED" || tap_die "cannot reset the host"
    shift
    faultsim_faults "$W/fs" "$@"
    rm -rf "$BK"
}

# puts: the number of PUTs the host saw.
puts() {
    grep -c '^PUT ' "$FAULTSIM_LOG" || true
}

nbackups() {
    find "$BK" -type f 2>/dev/null | wc -l
}

# --- a run without faults, for reference -------------------------------------
fault "no fault"
vifs "${EDIT[@]}"
tap_eq "no fault: exit 0" 0 "$RC"
same_file "no fault: the host holds the edit" "$W/edited.conf" "$HOSTF"
b=$(backup_path)
same_file "no fault: the backup is the original" "$SEED" "$b"
tap_match "no fault: updated and verified" \
    "esx\.conf on $H updated and verified" "$ERR"
# Then one POST: the VIM API asked to save the configuration to the boot
# device (the fault server has none, so the edit is "not yet saved").
tap_eq "no fault: GET, GET, PUT, GET, then the persist's POST" \
    "GET GET PUT GET POST" "$(cut -d' ' -f1 "$FAULTSIM_LOG" | tr '\n' ' ' |
        sed 's/ $//')"

# --- PUT answered 500 ---------------------------------------------------------
fault "PUT 500" "PUT status 500"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "PUT 500: exit 1" 1 "$RC"
tap_match "PUT 500: the status is told" \
    "PUT /host/esx\.conf: 500 Internal Server Error" "$ERR"
tap_match "PUT 500: the host is unchanged (read back)" \
    "esx\.conf on $H is unchanged: the upload did not take" "$ERR"
same_file "PUT 500: the host's file is the original" "$SEED" "$HOSTF"
same_file "PUT 500: the backup is the original" "$SEED" "$b"
tap_match "PUT 500: the backup is named" "also saved in $b" "$ERR"
nothing_lost "PUT 500" "$SEED" "$HOSTF" "$b"

# --- PUT answered 403 ---------------------------------------------------------
fault "PUT 403" "PUT status 403"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "PUT 403: exit 1" 1 "$RC"
tap_match "PUT 403: permission denied, with the privilege" \
    "permission denied for PUT /host/esx\.conf: the user needs the privilege Host\.Config\.AdvancedConfig" \
    "$ERR"
tap_match "PUT 403: the host is unchanged" \
    "esx\.conf on $H is unchanged: the upload did not take" "$ERR"
same_file "PUT 403: the host's file is the original" "$SEED" "$HOSTF"
same_file "PUT 403: the backup is the original" "$SEED" "$b"
nothing_lost "PUT 403" "$SEED" "$HOSTF" "$b"

# --- connection reset during the PUT -----------------------------------------
fault "PUT reset" "PUT reset"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "reset during the PUT: exit 1" 1 "$RC"
tap_match "reset during the PUT: the reset is told" \
    "PUT /host/esx\.conf: .*(reset|Connection)" "$ERR"
tap_match "reset during the PUT: the host is unchanged" \
    "esx\.conf on $H is unchanged: the upload did not take" "$ERR"
same_file "reset during the PUT: the host's file is the original" \
    "$SEED" "$HOSTF"
same_file "reset during the PUT: the backup is the original" "$SEED" "$b"
nothing_lost "PUT reset" "$SEED" "$HOSTF" "$b"

# --- stored, then the connection reset ---------------------------------------
fault "PUT stored, then reset" "PUT store-reset"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "stored then reset: exit 1" 1 "$RC"
tap_match "stored then reset: the host holds the edit, read back" \
    "esx\.conf on $H holds the edit: the upload reported an error, but the file read back is what was sent" \
    "$ERR"
tap_match "stored then reset: how to restore" \
    "to put the file as it was back: vifs conf restore $b" "$ERR"
same_file "stored then reset: the host's file is the edit" \
    "$W/edited.conf" "$HOSTF"
nothing_lost "PUT stored then reset" "$SEED" "$HOSTF" "$b"

# --- GET body truncated --------------------------------------------------------
fault "GET truncated" "GET truncate"
vifs "${EDIT[@]}"
tap_eq "truncated GET: exit 1" 1 "$RC"
tap_match "truncated GET: the short body is told" \
    "GET /host/esx\.conf: transfer closed with 100 bytes remaining" "$ERR"
tap_match "truncated GET: nothing was uploaded" \
    "esx\.conf on $H is unchanged: nothing was uploaded" "$ERR"
tap_eq "truncated GET: no PUT" 0 "$(puts)"
tap_eq "truncated GET: no backup (nothing was read)" 0 "$(nbackups)"
same_file "truncated GET: the host's file is the original" "$SEED" "$HOSTF"

fault "GET truncated at the conflict check" "GET#2- truncate"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "truncated second GET: exit 1" 1 "$RC"
tap_match "truncated second GET: could not read again" \
    "could not be read again before the upload: .*transfer closed" "$ERR"
tap_match "truncated second GET: nothing was uploaded" \
    "esx\.conf on $H is unchanged: nothing was uploaded" "$ERR"
tap_eq "truncated second GET: no PUT" 0 "$(puts)"
same_file "truncated second GET: the backup is the original" "$SEED" "$b"
same_file "truncated second GET: the host's file is the original" \
    "$SEED" "$HOSTF"

fault "GET truncated at the verify" "GET#3- truncate"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "truncated verify: exit 1" 1 "$RC"
tap_match "truncated verify: the state is unknown" \
    "the state of esx\.conf on $H is unknown: it could not be read back after the upload" \
    "$ERR"
tap_match "truncated verify: how to restore" \
    "vifs conf restore $b \(with the same connection options\)" "$ERR"
same_file "truncated verify: the backup is the original" "$SEED" "$b"
same_file "truncated verify: the host got the edit" "$W/edited.conf" "$HOSTF"
nothing_lost "truncated verify" "$SEED" "$HOSTF" "$b"

# --- a server that stalls ----------------------------------------------------------
fault "GET stalls mid-body" "GET stall"
start=$SECONDS
vifs "${EDIT[@]}"
took=$((SECONDS - start))
tap_eq "stalled GET: exit 1" 1 "$RC"
tap_match "stalled GET: timed out" "GET /host/esx\.conf: timed out" "$ERR"
tap_match "stalled GET: nothing was uploaded" \
    "esx\.conf on $H is unchanged: nothing was uploaded" "$ERR"
tap_run "stalled GET: gives up within seconds (took $took s)" \
    test "$took" -le 20
tap_eq "stalled GET: no PUT" 0 "$(puts)"
same_file "stalled GET: the host's file is the original" "$SEED" "$HOSTF"

# While vifs waits on the stalled host, its command line shows no password.
fault "GET stalls, password in ps" "GET stall"
"$VIFS_BIN" "${EDIT[@]}" </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" >"$W/cmdline"
    tap_run "the password does not show in ps" \
        bash -c "grep -q -- '--password' '$W/cmdline' &&
            ! grep -qF -- '$FAULTSIM_PASSWORD' '$W/cmdline'"
else
    tap_fail "the password does not show in ps" "vifs was not running"
fi
wait "$pid"

fault "PUT stalls" "PUT stall"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "stalled PUT: exit 1" 1 "$RC"
tap_match "stalled PUT: timed out" "PUT /host/esx\.conf: timed out" "$ERR"
tap_match "stalled PUT: read back, the host is unchanged" \
    "esx\.conf on $H is unchanged: the upload did not take" "$ERR"
same_file "stalled PUT: the host's file is the original" "$SEED" "$HOSTF"
same_file "stalled PUT: the backup is the original" "$SEED" "$b"

fault "PUT stored, then stalls" "PUT store-stall"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "stored then stalled: exit 1" 1 "$RC"
tap_match "stored then stalled: the host holds the edit" \
    "esx\.conf on $H holds the edit" "$ERR"
same_file "stored then stalled: the host's file is the edit" \
    "$W/edited.conf" "$HOSTF"
nothing_lost "stored then stalled" "$SEED" "$HOSTF" "$b"

fault "PUT and the read back stall" "PUT store-stall" "GET#3- stall"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "nothing answers after the PUT: exit 1" 1 "$RC"
tap_match "nothing answers after the PUT: the state is unknown" \
    "the state of esx\.conf on $H is unknown" "$ERR"
tap_match "nothing answers after the PUT: how to restore" \
    "vifs conf restore $b" "$ERR"
same_file "nothing answers after the PUT: the backup is the original" \
    "$SEED" "$b"
nothing_lost "unknown state" "$SEED" "$HOSTF" "$b"

# --- the file changed on the host between the read and the PUT ------------------
fault "changed between the reads" "GET#1 change"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "conflict: exit 1" 1 "$RC"
tap_match "conflict: the message" \
    "vifs: esx\.conf on $H changed since it was read" "$ERR"
tap_match "conflict: nothing was uploaded" \
    "esx\.conf on $H is unchanged: nothing was uploaded" "$ERR"
tap_match "conflict: what to do" "or use --force to upload this edit over it" \
    "$ERR"
tap_eq "conflict: no PUT" 0 "$(puts)"
same_file "conflict: the other change is still on the host" \
    "$W/other.conf" "$HOSTF"
same_file "conflict: the backup is the file as first read" "$SEED" "$b"

fault "changed between the reads, --force" "GET#1 change"
vifs "${EDIT[@]}" --force
b=$(backup_path)
cb=$(printf '%s\n' "$ERR" |
    sed -n 's/^vifs: backup of the copy found on .*: //p')
tap_eq "conflict with --force: exit 0" 0 "$RC"
tap_match "conflict with --force: warned" \
    "had changed since it was read; uploaded over it because of --force" \
    "$ERR"
same_file "conflict with --force: the host holds the edit" \
    "$W/edited.conf" "$HOSTF"
same_file "conflict with --force: the first read is backed up" "$SEED" "$b"
same_file "conflict with --force: the other change is backed up too" \
    "$W/other.conf" "$cb"

# --- a backup directory that cannot be written --------------------------------
# As root, permissions do not stop a write; a path under a regular file
# fails for everyone.
fault "backup directory under a regular file"
: >"$W/plainfile"
vifs "${EDIT[@]}" --backup-dir "$W/plainfile/backups"
tap_eq "unwritable --backup-dir: exit 1" 1 "$RC"
tap_match "unwritable --backup-dir: the reason" \
    "cannot write the backup: cannot create directory '$W/plainfile/backups': Not a directory" \
    "$ERR"
tap_match "unwritable --backup-dir: nothing was uploaded" \
    "esx\.conf on $H is unchanged: nothing was uploaded" "$ERR"
tap_eq "unwritable --backup-dir: no PUT" 0 "$(puts)"
same_file "unwritable --backup-dir: the host's file is the original" \
    "$SEED" "$HOSTF"

fault "default backup directory under a regular file"
rm -rf "$HOME/.local/state"
mkdir -p "$HOME/.local"
: >"$HOME/.local/state"
vifs "${EDIT[@]}"
tap_eq "unwritable default backup directory: exit 1" 1 "$RC"
tap_match "unwritable default backup directory: the reason" \
    "cannot create directory '$HOME/\.local/state/vifs': Not a directory" \
    "$ERR"
tap_eq "unwritable default backup directory: no PUT" 0 "$(puts)"
same_file "unwritable default backup directory: host unchanged" \
    "$SEED" "$HOSTF"
rm -f "$HOME/.local/state"

fault "no HOME for the default backup directory"
RC=0
env -u HOME setsid -w "$VIFS_BIN" "${EDIT[@]}" </dev/null >"$W/out" \
    2>"$W/err" || RC=$?
ERR=$(cat "$W/err")
tap_eq "no HOME: exit 1" 1 "$RC"
tap_match "no HOME: says why and what to do" \
    "no backup of .* could be made: neither XDG_STATE_HOME nor HOME is set" \
    "$ERR"
tap_eq "no HOME: no PUT" 0 "$(puts)"

# --- a server that stores something else ----------------------------------------
fault "PUT stores something else" "PUT corrupt"
vifs "${EDIT[@]}"
b=$(backup_path)
tap_eq "wrong bytes stored: exit 1" 1 "$RC"
tap_match "wrong bytes stored: verify catches it" \
    "esx\.conf does not hold what was sent: read back [0-9]+ bytes" "$ERR"
tap_match "wrong bytes stored: the host has changed" \
    "esx\.conf on $H has changed: it holds neither the file as it was nor the edit" \
    "$ERR"
tap_match "wrong bytes stored: how to restore" "vifs conf restore $b" "$ERR"
tap_run "wrong bytes stored: the host holds neither" \
    bash -c "! cmp -s '$SEED' '$HOSTF' && ! cmp -s '$W/edited.conf' '$HOSTF'"
same_file "wrong bytes stored: the backup is the original" "$SEED" "$b"
nothing_lost "wrong bytes stored" "$SEED" "$HOSTF" "$b"
# The restore the message asks for works, once the server behaves.
faultsim_faults "$W/fs"
vifs conf restore "${C[@]}" "$b"
tap_eq "restore after a wrong store: exit 0" 0 "$RC"
same_file "restore after a wrong store: the host holds the original" \
    "$SEED" "$HOSTF"

# --- restore goes through the same checks ------------------------------------------
fault "restore, PUT 500" "PUT status 500"
cp "$W/edited.conf" "$W/fs/host/esx.conf"
vifs conf restore "${C[@]}" "$SEED"
b=$(backup_path)
tap_eq "restore with PUT 500: exit 1" 1 "$RC"
tap_match "restore with PUT 500: the host is unchanged" \
    "esx\.conf on $H is unchanged: the upload did not take" "$ERR"
same_file "restore with PUT 500: the host keeps its file" \
    "$W/edited.conf" "$HOSTF"
same_file "restore with PUT 500: which was backed up first" \
    "$W/edited.conf" "$b"

# --- passthru: the reboot note only after a verified change -----------------------
fault "passthru, PUT 500" "PUT status 500"
vifs passthru disable "${C[@]}" 0000:00:1b.0
tap_eq "passthru with PUT 500: exit 1" 1 "$RC"
tap_run "passthru with PUT 500: no reboot note" \
    bash -c "! grep -q 'next reboot' <<<'$ERR'"
fault "passthru"
vifs passthru disable "${C[@]}" 0000:00:1b.0
tap_eq "passthru: exit 0" 0 "$RC"
tap_match "passthru: the reboot note comes after the verify" \
    "updated and verified.*"$'\n'"vifs: passthrough changes take effect at the next reboot of the host" \
    "$ERR"
tap_run "passthru: the device is vmkernel on the host" \
    grep -qxF '/device/000:27.0/owner = "vmkernel"' "$HOSTF"

tap_done

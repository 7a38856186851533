#!/usr/bin/env bash
# Scripts written for VMware's vifs 5.1 run unchanged (PROTOCOL.md §1-§3):
# --server host:port, the destination path before the options, --server
# given twice (the last wins; a fleet only with --fleet), the prompts and
# their answers, VI_VERBOSE=0; and what users add to it: --put from
# standard input, retried uploads, --mkdir with parents, recursive and
# long --dir.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup legacy_dropin
legacy_start_sim "$W/sim" 1
DS1=$HOSTDIR/ds/$ESXSIM_DS1
L=$W/local
mkdir -p "$L"
AUTH=(--username root --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")

# --- --server host:port ------------------------------------------------------
vifs --server "127.0.0.1:$ESXSIM_PORT" "${AUTH[@]}" --get /host/esx.conf \
    "$L/hp.conf"
tap_eq "--server host:port: host and port, as the vSphere CLI reads it" \
    "0 Downloaded file to $L/hp.conf successfully." "$RC $OUT"
tap_file_eq "... the file" "$ESXSIM_SEED" "$L/hp.conf"
VI_SERVER=127.0.0.1:$ESXSIM_PORT vifs "${AUTH[@]}" --dir /host
tap_eq "VI_SERVER=host:port the same" 0 "$RC"
vifs --server "127.0.0.1:$ESXSIM_PORT" --portnumber 1 "${AUTH[@]}" --dir /host
tap_eq "--server host:port and another --portnumber: one clear line" \
    "1 vifs: --server '127.0.0.1:$ESXSIM_PORT' names port $ESXSIM_PORT, --portnumber 1" \
    "$RC $ERR"
vifs --server "127.0.0.1:$ESXSIM_PORT" --portnumber "$ESXSIM_PORT" \
    "${AUTH[@]}" --dir /host
tap_eq "... the same port twice is fine" 0 "$RC"
vifs --server "127.0.0.1:https" "${AUTH[@]}" --dir /host
tap_eq "--server host:word: not a port" \
    "1 vifs: --server: '127.0.0.1:https': 'https' is not a port number" \
    "$RC $ERR"

# --- the destination path anywhere ----------------------------------------------
vifs "$L/first.conf" --server 127.0.0.1 --portnumber "$ESXSIM_PORT" \
    "${AUTH[@]}" -g /host/esx.conf
tap_eq "the destination path before the options (Getopt::Long permutes)" \
    "0 Downloaded file to $L/first.conf successfully." "$RC $OUT"
tap_file_eq "... the file" "$ESXSIM_SEED" "$L/first.conf"
printf 'up\n' >"$L/up.txt"
vifs "[$ESXSIM_DS1] up.txt" --put "$L/up.txt" "${CONN[@]}"
tap_eq "--put with the remote path first" \
    "0 Uploaded file $L/up.txt to up.txt successfully." "$RC $OUT"

# --- --server twice ---------------------------------------------------------------
vifs --server nowhere.invalid --server 127.0.0.1 --portnumber "$ESXSIM_PORT" \
    "${AUTH[@]}" --listds
tap_match "--server twice: the last wins (one host, vifs's listing)" \
    "^0 "$'\n'"Content Listing"$'\n'"---------------"$'\n\n' "$RC $OUT"
vifs --server 127.0.0.1 --server "127.0.0.1:$ESXSIM_PORT" "${AUTH[@]}" \
    --get /host/esx.conf "$L/twice.conf"
tap_eq "... --get writes the file itself, no DIR/HOST/" \
    "0 Downloaded file to $L/twice.conf successfully." "$RC $OUT"
vifs --fleet --server "127.0.0.1:$ESXSIM_PORT" "${AUTH[@]}" \
    --get /host/esx.conf "$L/fleet"
tap_run "--fleet opts in: DIR/HOST/NAME" \
    cmp -s "$ESXSIM_SEED" "$L/fleet/127.0.0.1:$ESXSIM_PORT/esx.conf"

# --- prompts ------------------------------------------------------------------------
printf 'root\n' >"$W/user"
VIFS_STDIN=$W/user vifs --server 127.0.0.1 --portnumber "$ESXSIM_PORT" \
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA" \
    --get /host/esx.conf "$L/user.conf"
tap_eq "the user name is read from standard input, as VILib reads it" \
    "0 Enter username: Downloaded file to $L/user.conf successfully." \
    "$RC $OUT"
cp "$L/up.txt" "$DS1/keep.txt"
printf 'nope\n' >"$W/nope"
VIFS_STDIN=$W/nope vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] keep.txt"
tap_eq "--rm answered without a y: aborted" \
    "1 Remove 'keep.txt'? (y/n) : Deletion of file has been aborted." \
    "$RC $OUT"
tap_run "... the file stays" test -e "$DS1/keep.txt"
printf 'sure, yes\n' >"$W/yes"
VIFS_STDIN=$W/yes vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] keep.txt"
tap_eq "--rm answered with a y somewhere: deleted" \
    "0 Remove 'keep.txt'? (y/n) : Deleted file '[$ESXSIM_DS1] keep.txt' successfully." \
    "$RC $OUT"

# --- VI_VERBOSE ---------------------------------------------------------------------
VI_VERBOSE=0 vifs "${CONN[@]}" --dir /host
tap_eq "VI_VERBOSE=0 traces nothing" "0 " "$RC $ERR"
VI_VERBOSE=1 vifs "${CONN[@]}" --dir /host
tap_match "VI_VERBOSE=1 traces" "> GET /host HTTP/1\.1" "$ERR"
vifs "${CONN[@]}" --verbose 0 --dir /host
tap_eq "--verbose 0 the same as VI_VERBOSE=0" "0 " "$RC $ERR"

tap_done

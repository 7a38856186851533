#!/usr/bin/env bash
# Scripts written for VMware's vifs 5.1 run unchanged (PROTOCOL.md §1-§3):
# --server host:port, the destination path before the options, --server
# given twice (the last wins; a fleet only with --fleet), the prompts and
# their answers, VI_VERBOSE=0, --encoding, the link text of --dir, a
# script run unchanged against a host whose certificate no CA vouches for
# (vifs trust, VI_THUMBPRINT); and what users add to it: --put from
# standard input, retried uploads, --mkdir with parents, recursive and
# long --dir.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

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

# --- an unchanged vifs 5.1 script against a certificate no CA vouches for ------------
SCRIPT=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT" --username root
    --password "$ESXSIM_PASSWORD" --get /host/esx.conf)
vifs "${SCRIPT[@]}" "$L/script1.conf"
tap_match "a script line of vifs 5.1: refused, TLS checks are on by default" \
    "^1 vifs: 127\.0\.0\.1:$ESXSIM_PORT: certificate not trusted" "$RC $ERR"
VI_THUMBPRINT=$ESXSIM_THUMBPRINT_SHA256 vifs "${SCRIPT[@]}" "$L/script2.conf"
tap_eq "... unchanged, with VI_THUMBPRINT in its environment" \
    "0 Downloaded file to $L/script2.conf successfully." "$RC $OUT"
vifs trust "127.0.0.1:$ESXSIM_PORT" --thumbprint "$ESXSIM_THUMBPRINT_SHA256"
tap_eq "vifs trust HOST once" 0 "$RC"
vifs "${SCRIPT[@]}" "$L/script3.conf"
tap_eq "... then the unchanged line works" \
    "0 Downloaded file to $L/script3.conf successfully." "$RC $OUT"

# --- --dir: the links' text, --long, --recursive ------------------------------------
mkdir -p "$DS1/tree/sub/deep"
printf '12345' >"$DS1/tree/five.bin"
printf 'x' >"$DS1/tree/sub/a&b.txt"
printf 'yy' >"$DS1/tree/sub/deep/z.txt"
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] tree"
tap_eq "--dir prints each link's text as the page holds it" \
    "$(printf '\nContent Listing\n---------------\n\nsub/\nfive.bin')" "$OUT"
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] tree" --recursive
tap_eq "--dir --recursive: every path below, directories with /" \
    "0 $(printf '\nContent Listing\n---------------\n\nsub/\nsub/deep/\nsub/deep/z.txt\nsub/a&b.txt\nfive.bin')" \
    "$RC $OUT"
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] tree" --long -l --recursive
tap_eq "--dir --long: type and size" \
    "0 $(printf '\nContent Listing\n---------------\n\nd               -  sub/\nd               -  sub/deep/\n-               2  sub/deep/z.txt\n-               1  sub/a&b.txt\n-               5  five.bin')" \
    "$RC $OUT"

# --- --encoding ------------------------------------------------------------------------
printf 'e' >"$DS1/tree/$(printf 'caf\xc3\xa9').txt"
vifs "${CONN[@]}" --encoding iso-8859-1 --dir "[$ESXSIM_DS1] tree"
tap_eq "--encoding iso-8859-1: the listing in it" \
    "$(printf 'caf\xe9.txt')" "$(grep -a caf <"$W/out")"
vifs "${CONN[@]}" --encoding iso-8859-1 \
    --get "$(printf '[%s] tree/caf\xe9.txt' "$ESXSIM_DS1")" "$L/cafe.txt"
tap_eq "... a remote path given in it reaches the host as UTF-8" \
    "0 e" "$RC $(cat "$L/cafe.txt" 2>/dev/null)"
VI_ENCODING=shiftjis vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] tree"
tap_eq "VI_ENCODING=shiftjis: what it cannot hold as Perl's \\x{00e9}" \
    'caf\x{00e9}.txt' "$(grep -a caf <"$W/out")"
vifs "${CONN[@]}" --encoding klingon --dir /host
tap_match "an encoding nobody knows: one line, exit 1" \
    "^1 vifs: --encoding: 'klingon' is not an encoding" "$RC $ERR"

# --- --put from standard input ------------------------------------------------------
head -c 300000 /dev/urandom >"$L/rand.bin"
RC=0
cat "$L/rand.bin" | setsid -w "$LEGACY_BIN" "${CONN[@]}" \
    --put - "[$ESXSIM_DS1] piped.bin" >"$W/out" 2>"$W/err" || RC=$?
tap_eq "--put - from a pipe" \
    "0 Uploaded file - to piped.bin successfully." "$RC $(cat "$W/out")"
tap_run "... byte-exact" cmp -s "$L/rand.bin" "$DS1/piped.bin"
VIFS_STDIN=$L/up.txt vifs "${CONN[@]}" --put - "[$ESXSIM_DS1] redirected.txt"
tap_eq "--put - from a file on standard input" 0 "$RC"
tap_run "... byte-exact" cmp -s "$L/up.txt" "$DS1/redirected.txt"
VIFS_STDIN=$L/up.txt vifs "${CONN[@]}" --put - "[$ESXSIM_DS1] tree/"
tap_eq "--put - to a directory: no name to give it" \
    "1 vifs: --put -: [$ESXSIM_DS1] tree/ names a directory; standard input needs a file name
Error: File - can not be uploaded to [$ESXSIM_DS1] tree/." "$RC $ERR"

# --- retried uploads ------------------------------------------------------------------
faultsim_start "$W/fault" "$ESXSIM_SEED" "$W/certs" ||
    tap_die "faultsim_start failed"
# shellcheck source=/dev/null
. "$W/fault/faultsim.env"
FCONN=(--server 127.0.0.1 --portnumber "$FAULTSIM_PORT" --username root
    --password "$FAULTSIM_PASSWORD" --cacertsfile "$FAULTSIM_CA")
printf '/adv/Misc/HostName = "retried"\n' >"$L/new.conf"
faultsim_faults "$W/fault" "PUT#1 status 503"
vifs "${FCONN[@]}" --put "$L/new.conf" /host/esx.conf
tap_eq "--put retried after a 503" \
    "0 Uploaded file $L/new.conf to esx.conf successfully." "$RC $OUT"
tap_run "... the host has the file" cmp -s "$L/new.conf" "$FAULTSIM_FILE"
tap_eq "... two PUTs" 2 "$(grep -c '^PUT ' "$FAULTSIM_LOG")"
faultsim_reset "$W/fault" "$ESXSIM_SEED"
faultsim_faults "$W/fault" "PUT#1 reset"
printf '%s\n' "$(cat "$L/new.conf")" | setsid -w "$LEGACY_BIN" "${FCONN[@]}" \
    --put - /host/esx.conf >"$W/out" 2>"$W/err"
tap_eq "--put - cut off mid-body: sent again from its start" \
    "0 $(cat "$L/new.conf")" "$? $(cat "$FAULTSIM_FILE")"
faultsim_reset "$W/fault" "$ESXSIM_SEED"
faultsim_faults "$W/fault" "PUT status 503"
vifs "${FCONN[@]}" --put "$L/new.conf" /host/esx.conf
tap_match "--put that keeps failing: three attempts, then vifs's line" \
    "^1 vifs: .*503.*"$'\n'"Error: File $L/new\.conf can not be uploaded to esx\.conf\.$" \
    "$RC $ERR"
tap_eq "... three PUTs" 3 "$(grep -c '^PUT ' "$FAULTSIM_LOG")"
faultsim_stop "$W/fault"

tap_done

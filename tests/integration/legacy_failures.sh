#!/usr/bin/env bash
# Failures of the legacy transfers against simulated ESXi hosts: a host
# that is down, a server that stalls (--timeout / VIFS_TIMEOUT), transfers
# interrupted by a signal or by the server going away mid-body (never a
# truncated file under the final name), and the progress bar on a
# terminal.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup legacy_failures
legacy_start_sim "$W/sim" 1
L=$W/local
mkdir -p "$L"
STALL=(--server 127.0.0.1 --portnumber "$ESXSIM_STALL_PORT" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")

# --- a host that is down ---------------------------------------------------
down=$(esxsim_pick_ports 1)
start=$SECONDS
vifs --server 127.0.0.1 --portnumber "$down" --username root --password x \
    --get /host/esx.conf "$L/down.conf"
tap_eq "a host that is down: exit 1" 1 "$RC"
tap_eq "... connection refused, then vifs's line" \
    "vifs: 127.0.0.1:$down: cannot connect: Connection refused
Error connecting to server at 'https://127.0.0.1:$down/sdk/webService': Connection refused" "$ERR"
tap_run "... within seconds (two quick retries)" \
    test $((SECONDS - start)) -le 10
vifs --server 127.0.0.1 --portnumber "$down" --username root --password x \
    --put "$ESXSIM_SEED" /host/esx.conf
tap_eq "--put to a host that is down" \
    "1 vifs: 127.0.0.1:$down: cannot connect: Connection refused
Error connecting to server at 'https://127.0.0.1:$down/sdk/webService': Connection refused" \
    "$RC $ERR"
vifs --url "https://127.0.0.1:$down/sdk" --username root --password x \
    --dir /host
tap_eq "--dir with --url to a host that is down: --url in vifs's line" \
    "1 vifs: 127.0.0.1:$down: cannot connect: Connection refused
Error connecting to server at 'https://127.0.0.1:$down/sdk': Connection refused" \
    "$RC $ERR"

# --- a server that stalls ----------------------------------------------------------
printf 'the previous copy\n' >"$L/keep.conf"
start=$SECONDS
vifs "${STALL[@]}" --timeout 2 --get /host/esx.conf "$L/keep.conf"
took=$((SECONDS - start))
tap_eq "a stalled GET with --timeout 2 exits 1" 1 "$RC"
tap_match "... timed out" \
    "^vifs: 127\.0\.0\.1:$ESXSIM_STALL_PORT: GET /host/esx\.conf: timed out" \
    "$ERR"
tap_run "... after about 2 s (took ${took} s)" test "$took" -le 8
tap_eq "... the existing local file is untouched" "the previous copy" \
    "$(cat "$L/keep.conf")"
tap_run "... and no temporary file is left" no_part_files "$L"
start=$SECONDS
VIFS_TIMEOUT=2 vifs "${STALL[@]}" --dir /host
tap_match "VIFS_TIMEOUT=2 does the same" "^1 vifs: .*timed out" "$RC $ERR"
tap_run "... quickly" test $((SECONDS - start)) -le 8
vifs "${STALL[@]}" --timeout 2 --put "$ESXSIM_SEED" /host/esx.conf
tap_match "a stalled PUT times out too" "^1 vifs: .*timed out" "$RC $ERR"
vifs "${STALL[@]}" --timeout soon --dir /host
tap_eq "--timeout must be a number of seconds" \
    "1 vifs: --timeout: 'soon' is not a number of seconds" "$RC $ERR"

# --- interrupted by a signal ----------------------------------------------------------
part_file() {
    compgen -G "$L/keep.conf.vifs-part-*" >/dev/null
}
"$LEGACY_BIN" "${STALL[@]}" --timeout 60 --get /host/esx.conf \
    "$L/keep.conf" </dev/null >/dev/null 2>"$W/sig.err" &
pid=$!
if wait_for 10 part_file; then
    tap_ok "a download writes a temporary file first"
else
    tap_fail "a download writes a temporary file first"
fi
kill -TERM "$pid"
st=0
wait "$pid" || st=$?
tap_eq "SIGTERM ends vifs as killed by it" 143 "$st"
tap_eq "... the local file is untouched" "the previous copy" \
    "$(cat "$L/keep.conf")"
tap_run "... and the temporary file is removed" no_part_files "$L"

"$LEGACY_BIN" "${STALL[@]}" --timeout 60 --get /host/esx.conf \
    "$L/keep.conf" </dev/null >/dev/null 2>&1 &
pid=$!
wait_for 10 part_file
kill -KILL "$pid"
wait "$pid" 2>/dev/null
tap_eq "SIGKILL: the local file is still untouched" "the previous copy" \
    "$(cat "$L/keep.conf")"
rm -f "$L"/keep.conf.vifs-part-*

# --- interrupted mid-body ------------------------------------------------------------
# A big file on a second host; vifs is stopped (SIGSTOP) once bytes have
# arrived, then the server goes away or vifs gets SIGTERM.
legacy_start_sim "$W/sim2" 1
BIG=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
truncate -s 2G "$HOSTDIR/ds/$ESXSIM_DS1/big.bin"
part_started() {
    local f
    for f in "$L"/big.bin.vifs-part-*; do
        [ -s "$f" ] && return 0
    done
    return 1
}

"$LEGACY_BIN" "${BIG[@]}" --get "[$ESXSIM_DS1] big.bin" "$L/big.bin" \
    </dev/null >/dev/null 2>&1 &
pid=$!
if wait_for 20 part_started; then
    kill -STOP "$pid"
    tap_run "mid-body: bytes arrived in the temporary file only" \
        test ! -e "$L/big.bin"
    kill -TERM "$pid"
    kill -CONT "$pid"
else
    tap_fail "mid-body: bytes arrived in the temporary file only"
    kill -TERM "$pid"
fi
st=0
wait "$pid" || st=$?
tap_eq "SIGTERM mid-body: killed by it" 143 "$st"
tap_run "... no file under the final name" test ! -e "$L/big.bin"
tap_run "... and no temporary file" no_part_files "$L"

"$LEGACY_BIN" "${BIG[@]}" --get "[$ESXSIM_DS1] big.bin" "$L/big.bin" \
    </dev/null >/dev/null 2>"$W/gone.err" &
pid=$!
if wait_for 20 part_started; then
    kill -STOP "$pid"
    esxsim_stop "$W/sim2"
    kill -CONT "$pid"
    st=0
    wait "$pid" || st=$?
    tap_eq "the server going away mid-body: exit 1" 1 "$st"
    tap_match "... with the reason" \
        "^vifs: 127\.0\.0\.1:$ESXSIM_PORT: cannot connect: Connection refused \(after 3 attempts; the first: 127\.0\.0\.1:$ESXSIM_PORT: GET /folder/big\.bin\?dsName=$ESXSIM_DS1: transfer closed with [0-9]+ bytes remaining to read\)" \
        "$(cat "$W/gone.err")"
    tap_run "... no file under the final name" test ! -e "$L/big.bin"
    tap_run "... and no temporary file" no_part_files "$L"
else
    tap_fail "the server going away mid-body" "no bytes arrived"
    kill -TERM "$pid"
    wait "$pid"
fi

# --- the progress bar ----------------------------------------------------------------
vifs_tty "$W/bar.log" "${STALL[@]}" --timeout 3 --get /host/esx.conf \
    "$L/bar.conf"
legacy_tty_wait
tap_eq "on a terminal, a stalled transfer still exits 1" 1 "$RC"
tap_match "... after showing a progress line for it on stderr" \
    $'\resx\\.conf: 0 B, 0 B/s' "$(cat "$W/bar.log")"
vifs "${STALL[@]}" --timeout 3 --get /host/esx.conf "$L/bar.conf"
tap_match "without a terminal there is no progress line" \
    "^1 vifs: [^"$'\r'"]*timed out" "$RC $ERR"

tap_done

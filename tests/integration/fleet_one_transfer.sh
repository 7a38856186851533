#!/usr/bin/env bash
# A single host is a fleet of one, for transfers: the same --get or --put
# of the same host, once with --server (VMware vifs's command) and once
# with --servers FILE naming only that host, under each fault of
# faultsim.py. Both runs must send the same requests in the same order
# with the same answers, leave the same file on the host and locally
# (or none), and exit with the same status. Then what only one host can
# do, on the same engine: --get to standard output (retried only while
# nothing was written) and --put from a pipe (copied first, so that a
# retry sends it whole again).
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

faultsim_one fleet_one_transfer

# What --put sends: the seed with one line more, so that a stored upload
# shows on the host.
{ cat "$SEED"; echo '/adv/Misc/Uploaded = "1"'; } >"$W/upload.conf"

# state DIR LOCAL: what the last run left: the requests, the host's file,
# the local file (or "none") and the exit status.
state() {
    local dir=$1 local=$2
    mkdir -p "$dir"
    cp "$FAULTSIM_LOG" "$dir/requests"
    cp "$HOSTF" "$dir/host"
    if [ -f "$local" ]; then
        cp "$local" "$dir/local"
    else
        echo none >"$dir/local"
    fi
    echo "$RC" >"$dir/rc"
}

# both DESC get|put RULE...: the transfer on a fresh host, one-host then
# fleet of one, and the comparison.
both() {
    local desc=$1 op=$2 mode local line
    shift 2
    for mode in one fleet; do
        faultsim_reset "$W/fs" "$SEED" || tap_die "cannot reset the host"
        faultsim_faults "$W/fs" "$@"
        rm -rf "$W/get-$mode"
        mkdir -p "$W/get-$mode"
        if [ "$op" = get ] && [ "$mode" = one ]; then
            local=$W/get-one/esx.conf
            vifs "${ONE[@]}" --get /host/esx.conf "$local"
        elif [ "$op" = get ]; then
            local=$W/get-fleet/$H/esx.conf
            vifs "${FLEET[@]}" --get /host/esx.conf "$W/get-fleet"
        elif [ "$mode" = one ]; then
            local=$W/upload.conf
            vifs "${ONE[@]}" --put "$W/upload.conf" /host/esx.conf
        else
            local=$W/upload.conf
            vifs "${FLEET[@]}" --put "$W/upload.conf" /host/esx.conf
        fi
        [ "$mode" = fleet ] && FLEET_OUT=$OUT
        rm -rf "$W/state-$mode"
        state "$W/state-$mode" "$local"
    done
    for part in requests host local rc; do
        tap_file_eq "$desc: the same $part" "$W/state-one/$part" \
            "$W/state-fleet/$part"
    done
    line=$(grep "^$H " <<<"$FLEET_OUT")
    if [ "$(cat "$W/state-one/rc")" = 0 ]; then
        tap_match "$desc: the fleet line is ok" "^$H ok" "$line"
    else
        tap_match "$desc: the fleet line is a failure" "^$H FAILED: " "$line"
    fi
    # Nothing half-written is left beside a download.
    tap_eq "$desc: no temporary file left" "" \
        "$(find "$W/get-one" "$W/get-fleet" -name '*.vifs-part-*')"
}

both "get, no fault" get
both "get, 503 once" get "GET#1 status 503"
both "get, 503 always" get "GET status 503"
both "get, truncated once" get "GET#1 truncate"
both "get, truncated always" get "GET truncate"
both "get, 500" get "GET status 500"
both "get, 401" get "GET status 401"
both "put, no fault" put
both "put, 503 once" put "PUT#1 status 503"
both "put, reset once" put "PUT#1 reset"
both "put, reset always" put "PUT reset"
both "put, 403" put "PUT status 403"
both "put, stored something else" put "PUT corrupt"

# The runs above say the same; that they say what VMware's vifs says is
# the legacy tests' business, but the retried one must have succeeded.
faultsim_reset "$W/fs" "$SEED"
faultsim_faults "$W/fs" "PUT#1 reset"
vifs "${ONE[@]}" --put "$W/upload.conf" /host/esx.conf
tap_eq "put, reset once: exit 0" 0 "$RC"
tap_eq "put, reset once: vifs's line" \
    "Uploaded file $W/upload.conf to esx.conf successfully." "$OUT"
tap_file_eq "put, reset once: the host has the upload" "$W/upload.conf" \
    "$HOSTF"
tap_eq "put, reset once: sent twice" 2 "$(grep -c '^PUT ' "$FAULTSIM_LOG")"

# --get to standard output: a failure before the body is retried ...
faultsim_reset "$W/fs" "$SEED"
faultsim_faults "$W/fs" "GET#1 status 503"
vifs "${ONE[@]}" --get /host/esx.conf -
tap_eq "get -, 503 once: exit 0" 0 "$RC"
printf '%s\n' "$OUT" >"$W/stdout.conf"
tap_file_eq "get -, 503 once: the file on standard output" "$SEED" \
    "$W/stdout.conf"
tap_eq "get -, 503 once: the message on standard error" \
    "Downloaded file to - successfully." "$ERR"
tap_eq "get -, 503 once: asked twice" 2 "$(grep -c '^GET ' "$FAULTSIM_LOG")"
# ... one after bytes went out is not: they cannot be taken back.
faultsim_reset "$W/fs" "$SEED"
faultsim_faults "$W/fs" "GET truncate"
vifs "${ONE[@]}" --get /host/esx.conf -
tap_eq "get -, truncated: exit 1" 1 "$RC"
tap_eq "get -, truncated: asked once" 1 "$(grep -c '^GET ' "$FAULTSIM_LOG")"
tap_match "get -, truncated: vifs's lines" \
    "GET $FAULTSIM_URL/host/esx.conf unsuccessful : 200 OK
Error: File can not be downloaded to -\\." "$(tail -n 2 <<<"$ERR")"

# --put - from a pipe: copied first, sent whole again after a reset.
faultsim_reset "$W/fs" "$SEED"
faultsim_faults "$W/fs" "PUT#1 reset"
RC=0
setsid -w "$LEGACY_BIN" "${ONE[@]}" --put - /host/esx.conf \
    <"$W/upload.conf" >"$W/out" 2>"$W/err" || RC=$?
tap_eq "put - (a file): exit 0" 0 "$RC"
faultsim_reset "$W/fs" "$SEED"
faultsim_faults "$W/fs" "PUT#1 reset"
RC=0
cat "$W/upload.conf" | setsid -w "$LEGACY_BIN" "${ONE[@]}" --put - \
    /host/esx.conf >"$W/out" 2>"$W/err" || RC=$?
tap_eq "put - (a pipe), reset once: exit 0" 0 "$RC"
tap_eq "put - (a pipe), reset once: vifs's line" \
    "Uploaded file - to esx.conf successfully." "$(cat "$W/out")"
tap_file_eq "put - (a pipe), reset once: the host has it whole" \
    "$W/upload.conf" "$HOSTF"
tap_eq "put - (a pipe), reset once: sent twice" 2 \
    "$(grep -c '^PUT ' "$FAULTSIM_LOG")"
tap_done

#!/usr/bin/env bash
# A single host is a fleet of one: the same edit of the same host, once
# with --server (the one-host command) and once with --servers FILE naming
# only that host, under each fault of faultsim.py. Both runs must leave the
# host in byte-identical states: the same requests in the same order with
# the same answers, the same file on the host, the same backups (count and
# bytes), the same exit status, and a fleet line that says the same (ok or
# FAILED). The words differ by design: one host gets the detailed lines,
# a fleet one line per host, both made from the same result.
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

faultsim_one fleet_one

# state DIR: what the last run left: the requests, the host's file, the
# backups' bytes in the order of their names.
state() {
    local dir=$1 f
    mkdir -p "$dir"
    cp "$FAULTSIM_LOG" "$dir/requests"
    cp "$HOSTF" "$dir/host"
    : >"$dir/backups"
    if [ -d "$BK" ]; then
        for f in $(find "$BK" -type f | sort); do
            sha256sum <"$f" >>"$dir/backups"
        done
    fi
    echo "$RC" >"$dir/rc"
}

# both DESC "ARGS..." RULE...: the edit ARGS (with the host's options put
# in) on a fresh host, one-host then fleet of one, and the comparison.
both() {
    local desc=$1 what=$2 line
    shift 2
    local -a args
    read -r -a args <<<"$what"
    for mode in one fleet; do
        faultsim_reset "$W/fs" "$SEED" || tap_die "cannot reset the host"
        faultsim_faults "$W/fs" "$@"
        rm -rf "$BK"
        if [ "$mode" = one ]; then
            vifs "${args[@]:0:2}" "${ONE[@]}" "${args[@]:2}"
        else
            vifs "${args[@]:0:2}" "${FLEET[@]}" "${args[@]:2}"
            FLEET_OUT=$OUT
        fi
        rm -rf "$W/state-$mode"
        state "$W/state-$mode"
    done
    for part in requests host backups rc; do
        tap_file_eq "$desc: the same $part" "$W/state-one/$part" \
            "$W/state-fleet/$part"
    done
    line=$(grep "^$H " <<<"$FLEET_OUT")
    if [ "$(cat "$W/state-one/rc")" = 0 ]; then
        tap_match "$desc: the fleet line is ok" "^$H ok" "$line"
    else
        tap_match "$desc: the fleet line is a failure" "^$H FAILED: " "$line"
    fi
}

EDIT="conf set /adv/Misc/HostName esx01"
both "no fault" "$EDIT"
both "PUT 500" "$EDIT" "PUT status 500"
both "PUT reset" "$EDIT" "PUT reset"
both "PUT stored, then reset" "$EDIT" "PUT store-reset"
both "GET truncated" "$EDIT" "GET truncate"
both "GET truncated at the conflict check" "$EDIT" "GET#2- truncate"
both "GET truncated at the verify" "$EDIT" "GET#3- truncate"
both "changed between the reads" "$EDIT" "GET#1 change"
both "changed between the reads, --force" "$EDIT --force" "GET#1 change"
both "PUT stores something else" "$EDIT" "PUT corrupt"
both "no change" "conf set /device/000:03.2/owner vmkernel"
both "dry run" "$EDIT --dry-run"
both "passthru, PUT 403" "passthru disable 0000:00:1b.0" "PUT status 403"
tap_done

#!/usr/bin/env bash
# What a hostile host or a curious local user cannot get from vifs: a huge
# listing or error body (cut, never retried, memory bounded), file names
# that drive the terminal (C1 controls, invalid UTF-8), a password of the
# command line (every --password wiped from the process list, none echoed
# from a --url), downloads readable by others (0600 whatever the umask),
# core dumps or a dumpable process while it holds a password.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

legacy_setup security_limits
trap 'faultsim_stop "$W/fs"; legacy_cleanup' EXIT
legacy_start_sim "$W/sim" 2
SEED=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
faultsim_start "$W/fs" "$SEED" "$W/certs" || tap_die "faultsim did not start"
# shellcheck source=/dev/null
. "$W/fs/faultsim.env"
F=(--server 127.0.0.1 --portnumber "$FAULTSIM_PORT" --username root
    --password "$FAULTSIM_PASSWORD" --cacertsfile "$FAULTSIM_CA")
L=$W/local
mkdir -p "$L"

# --- a listing of 1000 MB ----------------------------------------------------
faultsim_faults "$W/fs" "GET biglisting 1000"
start=$SECONDS
RC=0
/usr/bin/time -f %M -o "$W/rss" setsid -w "$LEGACY_BIN" "${F[@]}" \
    --dir /host </dev/null >"$W/out" 2>"$W/err" || RC=$?
ERR=$(cat "$W/err")
tap_match "--dir of a 1000 MB listing: refused as too large" \
    "^1 .*larger than 33554432 bytes" "$RC $ERR"
rss=$(tail -n 1 "$W/rss")
tap_run "... within 1 GB of memory (max RSS ${rss} kB)" test "$rss" -lt 1048576
tap_run "... quickly ($((SECONDS - start)) s)" test $((SECONDS - start)) -le 30
tap_eq "... and asked once" 1 "$(grep -c '^GET /host ' "$FAULTSIM_LOG")"

# --- an error body of 1000 MB --------------------------------------------------
: >"$FAULTSIM_LOG"
faultsim_faults "$W/fs" "GET bigerror 1000"
start=$SECONDS
vifs "${F[@]}" --get /host/esx.conf "$L/err.conf"
tap_match "a 500 with a 1000 MB body: the status is reported" \
    "^1 vifs: 127\.0\.0\.1:$FAULTSIM_PORT: GET /host/esx\.conf: 500" \
    "$RC $ERR"
tap_run "... quickly ($((SECONDS - start)) s)" test $((SECONDS - start)) -le 30
tap_eq "... never retried" 1 "$(grep -c '^GET ' "$FAULTSIM_LOG")"
sent=$(sed -n 's/.* bigerror \([0-9]*\)$/\1/p' "$FAULTSIM_LOG")
tap_run "... the body was cut early (server sent ${sent:-?} bytes)" \
    test "${sent:-999999999999}" -lt $((64 << 20))
faultsim_faults "$W/fs"

# --- a host that drips its answer: the command's deadline ---------------------
: >"$FAULTSIM_LOG"
faultsim_faults "$W/fs" "GET drip"
start=$SECONDS
vifs "${F[@]}" --deadline 3 --get /host/esx.conf "$L/drip.conf"
took=$((SECONDS - start))
tap_match "a byte every half second: --deadline 3 ends the command" \
    "^1 vifs: 127\.0\.0\.1:$FAULTSIM_PORT: /host/esx\.conf: the command's deadline of 3 s has passed \(--deadline\)" \
    "$RC $ERR"
tap_run "... after about 3 s (took ${took} s), no retry beyond it" \
    test "$took" -le 8
tap_run "... nothing under the final name" test ! -e "$L/drip.conf"
start=$SECONDS
VIFS_DEADLINE=2 vifs "${F[@]}" --dir /host
tap_eq "VIFS_DEADLINE=2: the same for a listing" "1 yes" \
    "$RC $([ $((SECONDS - start)) -le 7 ] && echo yes)"
faultsim_faults "$W/fs"
vifs "${F[@]}" --deadline soon --dir /host
tap_match "--deadline must be a number of seconds" \
    "--deadline: 'soon' is not a number of seconds" "$ERR"

# --- names that would drive the terminal ----------------------------------------
DS=$HOSTDIR/ds/$ESXSIM_DS1
: >"$DS/"$'x\xc2\x9b2Jy.txt'
: >"$DS/"$'a\xffb.txt'
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1]"
tap_eq "--dir: exit 0" 0 "$RC"
tap_match "... a name with U+009B (CSI) shows '?' for it" $'\nx\\?2Jy\\.txt\n' \
    "$OUT"$'\n'
tap_match "... invalid UTF-8 shows '?'" $'\na\\?b\\.txt\n' "$OUT"$'\n'
tap_eq "... no C1 control nor invalid byte reaches the terminal" 0 \
    "$(LC_ALL=C grep -c $'\xc2\x9b\|\xff' "$W/out")"

# --- passwords in argv and in URLs ---------------------------------------------------
STALL=(--server 127.0.0.1 --portnumber "$ESXSIM_STALL_PORT" --username root
    --cacertsfile "$ESXSIM_CA" --timeout 20)
setsid "$LEGACY_BIN" "${STALL[@]}" --password FirstSecret1 \
    --password=SecondSecret2 --password ThirdSecret3 --dir /host \
    </dev/null >/dev/null 2>&1 &
pid=$!
wait_for 10 grep -q . "/proc/$pid/cmdline" ||
    tap_die "the stalled vifs did not start"
sleep 0.5
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
tap_match "the process list still shows the command" "--dir /host" "$cmdline"
tap_eq "... but none of the three --password values" "" \
    "$(grep -o 'FirstSecret1\|SecondSecret2\|ThirdSecret3' <<<"$cmdline")"
tap_match "no core dump while it holds the password" \
    "Max core file size +0 +0 " "$(cat "/proc/$pid/limits")"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ "$(id -u)" = 0 ]; then
    # Run as nobody: a dumpable process's /proc files belong to it, an
    # undumpable one's to root.
    chmod o+rx "$W" "$W/certs"
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$LEGACY_BIN" "${STALL[@]}" --password Secret --dir /host \
        </dev/null >/dev/null 2>&1 &
    pid=$!
    wait_for 10 test -e "/proc/$pid/status" ||
        tap_die "the vifs run as nobody did not start"
    sleep 0.5
    tap_eq "not dumpable: its /proc files belong to root, not to its user" \
        "65534 0" "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status") $(
            stat -c %u "/proc/$pid/environ")"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
fi

vifs --url "https://root:Pa55-Secret@127.0.0.1:$ESXSIM_PORT/sdk" --dir /host
tap_match "--url with user:password@: refused" "^1 vifs: invalid server URL" \
    "$RC $ERR"
tap_eq "... without echoing the password" "" "$(grep -o 'Pa55' <<<"$ERR")"

# --- downloads are private -------------------------------------------------------
umask 000
vifs "${CONN[@]}" --get /host/esx.conf "$L/one.conf"
tap_eq "--get under umask 000: mode 600" "0 600" \
    "$RC $(stat -c %a "$L/one.conf")"
P2=$(esxsim_port "$W/sim" 2)
vifs --fleet --server "127.0.0.1:$ESXSIM_PORT" --server "127.0.0.1:$P2" \
    --username root --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA" \
    --get /host/esx.conf "$L/fleet"
tap_eq "fleet --get under umask 000: every file mode 600" "0 600 600" \
    "$RC $(stat -c %a "$L/fleet/127.0.0.1:$ESXSIM_PORT/esx.conf" \
        "$L/fleet/127.0.0.1:$P2/esx.conf" | tr '\n' ' ' | sed 's/ $//')"
umask 022

tap_done

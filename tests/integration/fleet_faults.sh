#!/usr/bin/env bash
# A fleet of 200 simulated hosts with faults: some refuse connections
# (ports with nothing listening), some answer 401 (their credentials in the
# credential store are wrong), two stall (the stall port under two names),
# some present a certificate of another CA.  --get and audit must finish
# every other host, name each failure with its reason, never hang past
# the timeouts, write a report that validates against audit.xsd, and
# --retry-failed must run exactly the hosts that failed.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup fleet_faults
N=200
WRONG_CERT=(7 33 70 121 180)
BAD_PASSWORD=(3 50 99 150 199)
certs=()
for i in "${WRONG_CERT[@]}"; do
    certs+=(--cert-at "$i=wrong")
done
legacy_start_sim "$W/sim" "$N" --no-access-log "${certs[@]}"

# The fleet: the 200 hosts, 6 ports with nothing listening, the stall port
# under two names.
mapfile -t DOWN < <(esxsim_pick_ports 6)
{
    echo "# 200 simulated hosts and some that fail"
    cat "$ESXSIM_SERVERS"
    for p in "${DOWN[@]}"; do
        echo "127.0.0.1:$p   # nothing listens here"
    done
    echo "127.0.0.1:$ESXSIM_STALL_PORT"
    echo "localhost:$ESXSIM_STALL_PORT"
} >"$W/servers"
TOTAL=$((N + ${#DOWN[@]} + 2))

# Credentials per host from the credential store: the right password for
# 127.0.0.1 and localhost, a wrong one for five hosts by host:port.
CS=$W/vicredentials.xml
for h in 127.0.0.1 localhost; do
    vifs credstore -f "$CS" add -s "$h" -u root -p "$ESXSIM_PASSWORD"
    [ "$RC" = 0 ] || tap_die "credstore add $h: $ERR"
done
for i in "${BAD_PASSWORD[@]}"; do
    vifs credstore -f "$CS" add -s "127.0.0.1:$(esxsim_port "$W/sim" "$i")" \
        -u root -p wrong-password
    [ "$RC" = 0 ] || tap_die "credstore add: $ERR"
done
FLEET=(--servers "$W/servers" --credstore "$CS" --cacertsfile "$ESXSIM_CA"
    --timeout 2 --host-timeout 4)

# expect_failures TEXT: every faulty host has its line with its reason,
# every other host "ok", each host exactly once.
expect_failures() {
    local out=$1 i p line bad=0
    for i in "${WRONG_CERT[@]}"; do
        p=$(esxsim_port "$W/sim" "$i")
        line=$(grep -E "^127\.0\.0\.1:$p " <<<"$out")
        [[ $line == "127.0.0.1:$p FAILED: certificate not trusted ("* ]] ||
            { bad=1; echo "# wrong cert $p: $line"; }
    done
    for i in "${BAD_PASSWORD[@]}"; do
        p=$(esxsim_port "$W/sim" "$i")
        line=$(grep -E "^127\.0\.0\.1:$p " <<<"$out")
        [ "$line" = "127.0.0.1:$p FAILED: authentication failed for root@127.0.0.1:$p" ] ||
            { bad=1; echo "# 401 $p: $line"; }
    done
    for p in "${DOWN[@]}"; do
        line=$(grep -E "^127\.0\.0\.1:$p " <<<"$out")
        [ "$line" = "127.0.0.1:$p FAILED: cannot connect: Connection refused" ] ||
            { bad=1; echo "# down $p: $line"; }
    done
    for h in 127.0.0.1 localhost; do
        line=$(grep -E "^$h:$ESXSIM_STALL_PORT " <<<"$out")
        [[ $line == "$h:$ESXSIM_STALL_PORT FAILED: GET /host/esx.conf: timed out ("* ]] ||
            { bad=1; echo "# stall $h: $line"; }
    done
    return $bad
}

# --- --get across the fleet --------------------------------------------------
start=$SECONDS
vifs "${FLEET[@]}" --get /host/esx.conf "$W/got"
took=$((SECONDS - start))
tap_eq "--get across $TOTAL hosts with faults: exit 1" 1 "$RC"
tap_run "... within the timeouts (took ${took} s)" test "$took" -le 20
lines=$(grep -c -E '^[^ ]+ (ok|FAILED: .+)$' <<<"$OUT")
tap_eq "... one result line per host" "$TOTAL" "$lines"
tap_eq "... each host named once" "$TOTAL" \
    "$(grep -v '^[0-9]* hosts:' <<<"$OUT" | cut -d' ' -f1 | sort -u | wc -l)"
FAILED=$((${#WRONG_CERT[@]} + ${#BAD_PASSWORD[@]} + ${#DOWN[@]} + 2))
OK=$((TOTAL - FAILED))
tap_eq "... $OK ok" "$OK" "$(grep -c ' ok$' <<<"$OUT")"
tap_match "... the summary counts them" \
    "^$TOTAL hosts: $OK ok, $FAILED failed, 0 skipped in [0-9.]+ s$" \
    "$(tail -n 1 <<<"$OUT")"
if msg=$(expect_failures "$OUT"); then
    tap_ok "... each failure named with its reason"
else
    tap_fail "... each failure named with its reason" "$msg"
fi
tap_eq "... nothing on stderr" "" "$ERR"
n=0
for ((i = 1; i <= N; i++)); do
    p=$(esxsim_port "$W/sim" "$i")
    f="$W/got/127.0.0.1:$p/esx.conf"
    [ -f "$f" ] && cmp -s "$f" "$ESXSIM_SEED" && n=$((n + 1))
done
tap_eq "... every ok host's esx.conf in DIR/HOST/esx.conf" "$OK" "$n"
tap_eq "... failed hosts leave no directory" "$OK" \
    "$(find "$W/got" -mindepth 1 -maxdepth 1 | wc -l)"
tap_eq "... and no temporary file" "" \
    "$(find "$W/got" -name '*.vifs-part-*')"

# --- audit with a report -------------------------------------------------------
printf '/device/000:27.0/owner = "passthru"\n!/adv/Misc/Forbidden\n' \
    >"$W/baseline"
start=$SECONDS
vifs audit "${FLEET[@]}" --baseline "$W/baseline" --report "$W/report.xml"
took=$((SECONDS - start))
tap_eq "audit across the fleet: exit 1" 1 "$RC"
tap_run "... within the timeouts (took ${took} s)" test "$took" -le 20
if msg=$(expect_failures "$OUT"); then
    tap_ok "... each failure named with its reason"
else
    tap_fail "... each failure named with its reason" "$msg"
fi
tap_eq "... $OK hosts ok (no drift from the baseline)" "$OK" \
    "$(grep -c ' ok$' <<<"$OUT")"
tap_run "the report validates against audit.xsd" \
    xmllint --noout --schema "$srcdir/docs/schemas/audit.xsd" "$W/report.xml"
xp() {
    xmllint --xpath "$1" "$W/report.xml" 2>/dev/null
}
tap_eq "... $TOTAL hosts in it" "$TOTAL" "$(xp 'count(/audit/host)')"
tap_eq "... summary: $OK ok, $FAILED failed" "$OK $FAILED 0" \
    "$(xp 'string(/audit/summary/@ok)') $(xp 'string(/audit/summary/@failed)') $(xp 'string(/audit/summary/@skipped)')"
tap_eq "... the TLS failures with code tls" "${#WRONG_CERT[@]}" \
    "$(xp 'count(/audit/host/error[@code="tls"])')"
tap_eq "... the 401s with code auth" "${#BAD_PASSWORD[@]}" \
    "$(xp 'count(/audit/host/error[@code="auth"])')"
tap_eq "... refused connections with code network" "${#DOWN[@]}" \
    "$(xp 'count(/audit/host/error[@code="network"])')"
tap_eq "... the stalls with code timeout" 2 \
    "$(xp 'count(/audit/host/error[@code="timeout"])')"
tap_eq "... an ok host lists its three passthru devices" 3 \
    "$(xp "string(/audit/host[@name='127.0.0.1:$ESXSIM_PORT']/passthru/@count)")"

# --- --retry-failed ----------------------------------------------------------------
vifs audit --retry-failed "$W/report.xml" --credstore "$CS" \
    --cacertsfile "$ESXSIM_CA" --timeout 2 --host-timeout 4 \
    --report "$W/retry.xml"
tap_eq "--retry-failed: exit 1 (the faults are still there)" 1 "$RC"
tap_eq "... only the $FAILED failed hosts run" "$FAILED" \
    "$(grep -c ' FAILED: ' <<<"$OUT")"
tap_match "... and nothing else" "^$FAILED hosts: 0 ok, $FAILED failed" \
    "$(tail -n 1 <<<"$OUT")"
tap_eq "... the same hosts" \
    "$(xmllint --xpath '/audit/host[@status="failed"]/@name' "$W/report.xml" |
        tr ' ' '\n' | sort)" \
    "$(xmllint --xpath '/audit/host/@name' "$W/retry.xml" | tr ' ' '\n' |
        sort)"
vifs audit --retry-failed "$W/retry.xml" --server 127.0.0.1
tap_eq "--retry-failed with --server is a usage error" 2 "$RC"

tap_done

#!/usr/bin/env bash
# The fleet commands on a few simulated hosts: hosts from --fleet with
# --server repeated, --servers and VI_SERVERS; --get into DIR/HOST/NAME
# (and a host directory that is a planted symbolic link); --put to every host; audit
# with drift, lint errors and an agent inventory; per-host trust from the
# known-hosts file; usage errors; the progress bar only on a terminal; a
# stop signal in the middle of a run.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

AGENT=${VIFS_AGENT_BIN:-${VIFS_BUILDDIR:-}/agent/vifs-agent}
legacy_setup fleet_ops
legacy_start_sim "$W/sim" 4
mapfile -t PORTS < <(tr ' ' '\n' <<<"$ESXSIM_PORTS")
H=()
for p in "${PORTS[@]}"; do
    H+=("127.0.0.1:$p")
done
AUTH=(--username root --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
SERVERS=(--fleet)
for h in "${H[@]}"; do
    SERVERS+=(--server "$h")
done

# --- hosts and --get ------------------------------------------------------------
vifs "${SERVERS[@]}" "${AUTH[@]}" --get /host/esx.conf "$W/a"
tap_eq "--fleet with --server repeated, --get: exit 0" 0 "$RC"
tap_eq "... one 'HOST ok' line per host, then the summary" \
    "$(printf '%s ok\n' "${H[@]}" | sort)" \
    "$(head -n 4 <<<"$OUT" | sort)"
tap_match "... summary" "^4 hosts: 4 ok, 0 failed, 0 skipped in [0-9.]+ s$" \
    "$(tail -n 1 <<<"$OUT")"
tap_run "... the files in DIR/HOST/esx.conf" \
    cmp "$W/a/${H[2]}/esx.conf" "$ESXSIM_SEED"
tap_eq "... no escape sequence when stdout is no terminal" 0 \
    "$(grep -c $'\e' <<<"$OUT")"

VI_SERVERS="${H[0]},${H[1]} ${H[1]}" vifs "${AUTH[@]}" \
    --get /host/esx.conf "$W/b"
tap_eq "VI_SERVERS: two hosts (one named twice)" \
    "0 2 hosts: 2 ok, 0 failed, 0 skipped" "$RC $(tail -n 1 <<<"$OUT" |
        sed 's/ in .*//')"
printf '%s\n' "# two of them" "${H[3]}" "  ${H[2]}  # and a comment" \
    >"$W/servers"
VI_SERVERS=${H[0]} vifs --servers "$W/servers" "${AUTH[@]}" \
    --get /host/esx.conf "$W/c"
tap_eq "--servers FILE wins over VI_SERVERS" \
    "0 $(printf '%s\n' "${H[3]}" "${H[2]}" | sort | tr '\n' ' ')" \
    "$RC $(ls "$W/c" | sort | tr '\n' ' ')"

# A host directory planted as a symbolic link is not followed.
mkdir -p "$W/d" "$W/elsewhere"
ln -s "$W/elsewhere" "$W/d/${H[1]}"
vifs "${SERVERS[@]}" "${AUTH[@]}" --get /host/esx.conf "$W/d"
tap_eq "a planted symbolic link DIR/HOST: exit 1" 1 "$RC"
tap_match "... that host fails, saying why" \
    "^${H[1]} FAILED: $W/d/${H[1]}: not a directory \(a symbolic link\?\)$" \
    "$(grep "^${H[1]} " <<<"$OUT")"
tap_eq "... nothing written through it" "" "$(ls "$W/elsewhere")"
tap_eq "... the other hosts done" 3 "$(grep -c ' ok$' <<<"$OUT")"

# --- --put --------------------------------------------------------------------------
printf 'bundle\n' >"$W/bundle.txt"
vifs "${SERVERS[@]}" "${AUTH[@]}" --put "$W/bundle.txt" /tmp/up/
tap_eq "--put to every host: exit 0" 0 "$RC"
n=0
for p in "${PORTS[@]}"; do
    cmp -s "$W/bundle.txt" "$ESXSIM_HOSTS_DIR/$p/tmp/up/bundle.txt" &&
        n=$((n + 1))
done
tap_eq "... the file on every host" 4 "$n"
vifs "${SERVERS[@]}" "${AUTH[@]}" --put "$W/bundle.txt" /host/newfile
tap_eq "--put of a new /host file: exit 1" 1 "$RC"
tap_eq "... every host says why" 4 "$(grep -c 'FAILED: PUT /host/newfile: no such file; files in /host can be replaced but not created$' <<<"$OUT")"

# --- trust per host from the known-hosts file ----------------------------------
mkdir -p "$HOME/.config/vifs"
{
    echo "${H[0]} $ESXSIM_THUMBPRINT_SHA256"
    echo "${H[1]} 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33"
} >"$HOME/.config/vifs/known_hosts"
vifs "${SERVERS[@]}" --username root --password "$ESXSIM_PASSWORD" \
    --get /host/esx.conf "$W/kh"
tap_eq "known-hosts pins two hosts: exit 1" 1 "$RC"
tap_eq "... the host whose pin matches: ok" "${H[0]} ok" \
    "$(grep "^${H[0]} " <<<"$OUT")"
tap_match "... the host whose pin does not: refused" \
    "^${H[1]} FAILED: certificate does not match the pinned thumbprint \(known_hosts\); host SHA-256 thumbprint $ESXSIM_THUMBPRINT_SHA256," \
    "$(grep "^${H[1]} " <<<"$OUT")"
tap_eq "... nothing written for it" "no" \
    "$([ -e "$W/kh/${H[1]}" ] && echo yes || echo no)"
tap_eq "... the others not trusted (no pin, no CA)" 2 \
    "$(grep -c 'FAILED: certificate not trusted' <<<"$OUT")"
rm -f "$HOME/.config/vifs/known_hosts"

# --- usage errors ------------------------------------------------------------------
usage() {
    local desc=$1 want=$2
    shift 2
    vifs "$@"
    tap_eq "$desc: exit 2" 2 "$RC"
    tap_match "... $desc: says why" "$want" "$ERR"
}
usage "--parallel 0" "--parallel: '0' is not a number of hosts" \
    "${SERVERS[@]}" "${AUTH[@]}" --parallel 0 --get /host/esx.conf "$W/u"
usage "--host-timeout soon" "--host-timeout: 'soon'" \
    "${SERVERS[@]}" "${AUTH[@]}" --host-timeout soon --get /host/x "$W/u"
printf 'esx01\n../../etc\n' >"$W/hostile"
usage "a servers file with a path in it" "hostile:2: '\.\./\.\./etc'" \
    --servers "$W/hostile" "${AUTH[@]}" --get /host/esx.conf "$W/u"
printf 'esx01\n\e]0;evil\a\n' >"$W/hostile"
usage "a servers file with escapes" "hostile:2: '\?\]0;evil\?'" \
    --servers "$W/hostile" "${AUTH[@]}" --get /host/esx.conf "$W/u"
usage "a missing servers file" "--servers: .*nonexistent" \
    --servers "$W/nonexistent" "${AUTH[@]}" --get /host/esx.conf "$W/u"
usage "--get to standard output" "not to standard output" \
    "${SERVERS[@]}" "${AUTH[@]}" --get /host/esx.conf -
usage "--dir across hosts" "the other operations work on one host" \
    "${SERVERS[@]}" "${AUTH[@]}" --dir /host
usage "--url with --servers" "--url names one host" \
    --servers "$W/servers" --url "https://${H[0]}/sdk" "${AUTH[@]}" \
    --get /host/esx.conf "$W/u"
usage "audit without hosts" "no hosts" audit "${AUTH[@]}"
vifs audit "${SERVERS[@]}" "${AUTH[@]}" --baseline /nonexistent
tap_match "a missing baseline: exit 1, naming it" "^1 vifs: .*/nonexistent" \
    "$RC $ERR"
printf '/a = "1"\nrubbish\n' >"$W/bad-baseline"
vifs audit "${SERVERS[@]}" "${AUTH[@]}" --baseline "$W/bad-baseline"
tap_eq "a baseline with a bad line: exit 1, naming the line" \
    "1 vifs: $W/bad-baseline:2: not a rule (KEY = \"VALUE\", KEY = \"*\" or !KEY)" \
    "$RC $ERR"

# --- audit: drift, lint, inventory ----------------------------------------------
printf '/device/000:27.0/owner = "passthru"\n/device/000:25.0/vmkname = "*"\n!/adv/Misc/Forbidden\n' >"$W/baseline"
vifs audit "${SERVERS[@]}" "${AUTH[@]}" --baseline "$W/baseline"
tap_eq "audit of hosts that match the baseline: exit 0" 0 "$RC"
tap_match "... all ok" "^4 hosts: 4 ok, 0 failed, 0 skipped in " \
    "$(tail -n 1 <<<"$OUT")"
d1=$ESXSIM_HOSTS_DIR/${PORTS[1]}/host/esx.conf
d2=$ESXSIM_HOSTS_DIR/${PORTS[2]}/host/esx.conf
sed -i 's|^/device/000:27.0/owner = "passthru"|/device/000:27.0/owner = "vmkernel"|' "$d1"
printf '/adv/Misc/Forbidden = "1"\n' >>"$d1"
printf '/device/002:00.0/vmkname = "vmhba9"\n' >>"$d2"
sed -i 's|^/device/002:00.0/owner = "vmkernel"|/device/002:00.0/owner = "passthru"|' "$d2"
mkdir -p "$W/inv"
"$AGENT" inventory --no-hwdb --dump "$VIFS_FIXTURES/pci/seed-sample1.lspci" \
    -o "$W/inv/${H[3]}.xml" || tap_die "vifs-agent inventory failed"
vifs audit "${SERVERS[@]}" "${AUTH[@]}" --baseline "$W/baseline" \
    --inventory-dir "$W/inv" --report "$W/r.xml"
tap_eq "audit with drift: exit 1" 1 "$RC"
tap_eq "... the drifted host's line" \
    "${H[1]} DRIFT: /device/000:27.0/owner is \"vmkernel\", baseline \"passthru\"; 1 more difference" \
    "$(grep "^${H[1]} " <<<"$OUT")"
tap_match "... a lint error is drift too" \
    "^${H[2]} DRIFT: esx.conf:[0-9]+: .*\(passthru-vmkname\)$" \
    "$(grep "^${H[2]} " <<<"$OUT")"
tap_match "... summary counts drift apart" \
    "^4 hosts: 2 ok, 2 drift, 0 failed, 0 skipped in " "$(tail -n 1 <<<"$OUT")"
tap_run "... the report validates" \
    xmllint --noout --schema "$srcdir/docs/schemas/audit.xsd" "$W/r.xml"
xp() {
    xmllint --xpath "$1" "$W/r.xml" 2>/dev/null
}
tap_eq "... drift of host 2: differs, then present" "differs present" \
    "$(xp "/audit/host[@name='${H[1]}']/drift/difference/@kind" |
        sed 's/ *kind="\([a-z]*\)"/\1 /g' | xargs)"
tap_eq "... the inventory gives host 4 its topology" "yes $W/inv/${H[3]}.xml" \
    "$(xp "string(/audit/host[@name='${H[3]}']/passthru/@topology)") $(xp "string(/audit/host[@name='${H[3]}']/@inventory)")"
tap_eq "... and the two devices behind bridge 00:1e.0" "2" \
    "$(xp "count(/audit/host[@name='${H[3]}']/passthru/device[@via-bridge='0000:00:1e.0'])")"
tap_eq "... hosts without an inventory: no topology" "no" \
    "$(xp "string(/audit/host[@name='${H[0]}']/passthru/@topology)")"
vifs audit --retry-failed "$W/r.xml" "${AUTH[@]}"
tap_eq "--retry-failed of a report without failures: exit 0" \
    "0 $W/r.xml: no host failed or was skipped; nothing to retry" "$RC $OUT"
printf 'garbage' >"$W/inv/${H[0]}.xml"
vifs audit --server "${H[0]}" "${AUTH[@]}"  --inventory-dir "$W/inv"
tap_match "a broken inventory fails its host, naming the file" \
    "^1 ${H[0]} FAILED: inventory $W/inv/${H[0]}.xml: " "$RC $OUT"

# --- the progress bar on a terminal ------------------------------------------------
vifs_tty "$W/tty.log" "${SERVERS[@]}" "${AUTH[@]}" --server \
    "127.0.0.1:$ESXSIM_STALL_PORT" --timeout 2 --get /host/esx.conf "$W/t"
exec 7>&-
legacy_tty_wait
tap_eq "on a terminal: exit 1 (the stalled host)" 1 "$RC"
tap_match "... the bar shows hosts, failures, rate and ETA" \
    '\] [0-9]+/5 hosts, [01] failed, [0-9.]+ hosts/s, ETA ' \
    "$(tr '\r' '\n' <"$W/tty.log")"
tap_run "... the result lines are there too" \
    grep -q "^127.0.0.1:$ESXSIM_STALL_PORT FAILED: " \
    <(tr '\r' '\n' <"$W/tty.log" | sed 's/\x1b\[K//g')

# --- a stop signal -------------------------------------------------------------------
env --default-signal=INT setsid "$LEGACY_BIN" audit --server "127.0.0.1:$ESXSIM_STALL_PORT" \
    --server "localhost:$ESXSIM_STALL_PORT" "${SERVERS[@]}" "${AUTH[@]}" \
    --parallel 1 --host-timeout 60 --timeout 60 --report "$W/stop.xml" \
    >"$W/stop.out" 2>"$W/stop.err" </dev/null &
pid=$!
sleep 1
kill -INT "$pid"
start=$SECONDS
RC=0
wait "$pid" || RC=$?
tap_eq "SIGINT in the middle of a run: ends by the signal" 130 "$RC"
tap_run "... at once" test $((SECONDS - start)) -le 5
tap_match "... says how many were not started" "5 hosts were not started" \
    "$(cat "$W/stop.err")"
tap_run "... the report is complete and valid" \
    xmllint --noout --schema "$srcdir/docs/schemas/audit.xsd" "$W/stop.xml"
tap_eq "... the host in flight failed, the others skipped" "1 5" \
    "$(xmllint --xpath 'string(/audit/summary/@failed)' "$W/stop.xml") $(xmllint --xpath 'string(/audit/summary/@skipped)' "$W/stop.xml")"

tap_done

#!/usr/bin/env bash
# --output json of the fleet commands: --get and --put across simulated
# hosts (esxsim), one that answers 500 (faultsim) and one whose port is
# closed. Every document is valid against fleet-results.schema.json
# (python3-jsonschema), is the only thing on standard output, carries the
# same facts as the text lines, and the exit status is that of text.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

SCHEMA=$srcdir/docs/schemas/fleet-results.schema.json
python3 -c 'import jsonschema' ||
    tap_die "python3-jsonschema is missing (apt-get install python3-jsonschema)"

legacy_setup fleet_json
legacy_start_sim "$W/sim" 2
trap 'faultsim_stop "$W/fs"; legacy_cleanup' EXIT
faultsim_start "$W/fs" "$ESXSIM_SEED" "$W/certs" "$ESXSIM_PASSWORD" ||
    tap_die "faultsim_start failed"
FS=127.0.0.1:$(. "$W/fs/faultsim.env" && echo "$FAULTSIM_PORT")
# A port nothing listens on: the kernel's pick, closed again.
CLOSED=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile -t GOOD <"$ESXSIM_SERVERS"
printf '%s\n' "${GOOD[@]}" "$FS" "$CLOSED" >"$W/servers"
FLEET=(--servers "$W/servers" --username root --password "$ESXSIM_PASSWORD"
    --cacertsfile "$ESXSIM_CA" --timeout 5 --host-timeout 20)

# valid NAME: the last standard output is one document valid against the
# schema; it is kept as $W/NAME.json.
valid() {
    printf '%s\n' "$OUT" >"$W/$1.json"
    tap_run "$1: the document is valid against the schema" \
        python3 "$srcdir/tests/lib/json_valid.py" "$SCHEMA" "$W/$1.json"
}
# jv NAME EXPR: the value of the Python expression EXPR over the document
# d of NAME (h: its hosts by name); strings as they are, the rest as JSON.
jv() {
    python3 - "$W/$1.json" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
h = {x["name"]: x for x in d["hosts"]}
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# --- --get --------------------------------------------------------------------
faultsim_faults "$W/fs" "GET status 500"
vifs "${FLEET[@]}" --get /host/esx.conf "$W/text"
TEXT_RC=$RC TEXT_OUT=$OUT
vifs "${FLEET[@]}" --output json --get /host/esx.conf "$W/g"
valid get
tap_eq "--get --output json: the exit status of text (1)" "1 1" "$TEXT_RC $RC"
tap_eq "... command, hosts and summary" \
    'get 4 {"hosts": 4, "ok": 2, "failed": 2, "skipped": 0}' \
    "$(jv get 'd["command"]') $(jv get 'len(d["hosts"])') $(jv get '{k: v for k, v in d["summary"].items() if k != "elapsed_ms"}')"
tap_match "... elapsed_ms" '^[0-9]+$' "$(jv get 'd["summary"]["elapsed_ms"]')"
for g in "${GOOD[@]}"; do
    tap_eq "$g: ok, 200, the file written and its size" \
        "ok 200 $W/g/$g/esx.conf $(stat -c %s "$ESXSIM_SEED") /host/esx.conf" \
        "$(jv get "' '.join(str(x) for x in (h['$g']['state'], h['$g']['http_status'], h['$g']['file']['local'], h['$g']['file']['bytes'], h['$g']['file']['remote']))")"
    tap_run "... $g's file is the host's" cmp "$W/g/$g/esx.conf" "$ESXSIM_SEED"
done
tap_eq "$FS (500): failed, http, 500, nothing written" \
    'failed http 500 false' \
    "$(jv get "' '.join(str(x) for x in (h['$FS']['state'], h['$FS']['error']['code'], h['$FS']['http_status'], 'local' in h['$FS']['file'])).lower()")"
tap_eq "$CLOSED (closed port): failed, network, no HTTP status" \
    'failed network False' \
    "$(jv get "' '.join(str(x) for x in (h['$CLOSED']['state'], h['$CLOSED']['error']['code'], 'http_status' in h['$CLOSED']))")"
for f in "$FS" "$CLOSED"; do
    tap_eq "$f: the reason is the text line's" \
        "$(grep "^$f FAILED: " <<<"$TEXT_OUT" | sed "s/^$f FAILED: //")" \
        "$(jv get "h['$f']['error']['message']")"
done
tap_eq "... the hosts of the text lines, in the document" \
    "$(grep -v '^[0-9]* hosts:' <<<"$TEXT_OUT" | cut -d' ' -f1 | sort)" \
    "$(jv get "'\n'.join(sorted(h))")"
tap_eq "... nothing else on standard output (one document)" 1 \
    "$(python3 -c 'import json,sys; d=json.JSONDecoder(); s=open(sys.argv[1]).read(); o,i=d.raw_decode(s); print(1 if s[i:].strip()=="" else 0)' "$W/get.json")"

# --- --put --------------------------------------------------------------------
faultsim_faults "$W/fs"
printf 'bundle\n' >"$W/up.txt"
vifs "${FLEET[@]}" --put "$W/up.txt" /tmp/up/ --output json
valid put
tap_eq "--put --output json: exit 1" 1 "$RC"
tap_eq "... two ok, two failed" '"put" 2 2' \
    "$(jv put 'json.dumps(d["command"])') $(jv put 'd["summary"]["ok"]') $(jv put 'd["summary"]["failed"]')"
tap_eq "... the file sent and its size on every host" \
    "$W/up.txt 7 /tmp/up/" \
    "$(jv put "' '.join(sorted(set('%s %s %s' % (x['file']['local'], x['file']['bytes'], x['file']['remote']) for x in d['hosts'])))")"
# (the fault server replaces files but creates none, as ESXi in /host)
tap_eq "$FS (a new file): not-found, 404" "not-found 404" \
    "$(jv put "h['$FS']['error']['code'] + ' ' + str(h['$FS']['http_status'])")"
tap_run "... the file on the good hosts" \
    cmp "$W/up.txt" "$ESXSIM_HOSTS_DIR/${GOOD[1]#*:}/tmp/up/up.txt"

# --- usage -------------------------------------------------------------------
vifs "${FLEET[@]}" --output xml --get /host/esx.conf "$W/x"
tap_eq "--output xml across hosts: usage error, nothing on stdout" "2 " \
    "$RC $OUT"
tap_match "... saying why" "results of several hosts are text or json" "$ERR"

tap_done

#!/usr/bin/env bash
# vifs audit's machine-readable outputs against simulated ESXi hosts
# (esxsim.sh, nginx) and a port nobody listens on: the JSON report (valid
# against audit.schema.json, the same hosts, statuses and drift as the
# XML report, read back by --retry-failed) and --metrics (accepted by
# promtool, written atomically, last successful audit carried over for a
# host that fails later).
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

JV=(python3 "$srcdir/tests/lib/json_valid.py" "$srcdir/docs/schemas/audit.schema.json")
command -v promtool >/dev/null || tap_die "promtool missing (apt-get install prometheus)"
legacy_setup audit_outputs
legacy_start_sim "$W/sim" 2
P1=$(esxsim_port "$W/sim" 1)
P2=$(esxsim_port "$W/sim" 2)
cp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$ESXSIM_HOSTS_DIR/$P1/host/esx.conf"
cp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$ESXSIM_HOSTS_DIR/$P2/host/esx.conf"
printf '/adv/Misc/Forbidden = "1"\n' >>"$ESXSIM_HOSTS_DIR/$P2/host/esx.conf"
# A port that refuses: picked free, then left closed.
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
H1=127.0.0.1:$P1 H2=127.0.0.1:$P2 H3=127.0.0.1:$DEAD
AUTH=(--username root --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
ALL=(--server "$H1" --server "$H2" --server "$H3")
printf '/device/000:27.0/owner = "passthru"\n!/adv/Misc/Forbidden\n' >"$W/baseline"

vifs audit "${ALL[@]}" "${AUTH[@]}" --baseline "$W/baseline" \
    --report "$W/r.json" --output json --metrics "$W/vifs.prom"
tap_eq "audit with drift and a dead host: exit 1" 1 "$RC"
tap_run "the JSON report is valid against audit.schema.json" \
    "${JV[@]}" "$W/r.json"
vifs audit "${ALL[@]}" "${AUTH[@]}" --baseline "$W/baseline" \
    --report "$W/r.xml"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$W/r.json"; }
xp() { xmllint --xpath "$1" "$W/r.xml" 2>/dev/null; }
tap_eq "... the XML's hosts and statuses" \
    "$(for h in "$H1" "$H2" "$H3"; do printf '%s %s\n' "$h" "$(xp "string(/audit/host[@name='$h']/@status)")"; done)" \
    "$(js '"\n".join("%s %s" % (h["name"], h["status"]) for h in sorted(d["hosts"], key=lambda h: ["'"$H1"'","'"$H2"'","'"$H3"'"].index(h["name"])))')"
tap_eq "... the XML's drift of host 2" \
    "$(xp "/audit/host[@name='$H2']/drift/difference/@key" | sed 's/ *key="\([^"]*\)"/\1 /g' | xargs)" \
    "$(js '" ".join(x["key"] for h in d["hosts"] if h["name"] == "'"$H2"'" for x in h["drift"]["differences"])')"
tap_eq "... the XML's passthru devices of host 1" \
    "$(xp "count(/audit/host[@name='$H1']/passthru/device)")" \
    "$(js 'len([h for h in d["hosts"] if h["name"] == "'"$H1"'"][0]["passthru"]["devices"])')"
tap_eq "... the summary" "1 1 1 0" \
    "$(js '" ".join(str(d["summary"][k]) for k in ("ok","drift","failed","skipped"))')"
tap_eq "... the dead host's error code" "network" \
    "$(js '[h for h in d["hosts"] if h["name"] == "'"$H3"'"][0]["error"]["code"]')"
vifs audit --retry-failed "$W/r.json" "${AUTH[@]}" --baseline "$W/baseline"
tap_eq "--retry-failed reads the JSON report: only the dead host" \
    "1 $H3 FAILED" "$RC $(head -n 1 <<<"$OUT" | cut -d: -f1-2)"
printf '{"version": 1, "hosts": [{"name": "", "status": "failed"}]}' >"$W/bad.json"
vifs audit --retry-failed "$W/bad.json" "${AUTH[@]}"
tap_match "... a broken JSON report: one clear line, exit 1" \
    "^1 vifs: $W/bad.json: host 1 has no usable name or status$" "$RC $ERR"
printf '{"version": 1, "hosts": [' >"$W/cut.json"
vifs audit --retry-failed "$W/cut.json" "${AUTH[@]}"
tap_match "... a truncated one too" "^1 vifs: $W/cut.json:1: " "$RC $ERR"

# --- metrics --------------------------------------------------------------
tap_run "promtool check metrics accepts the metrics file" \
    bash -c "promtool check metrics <'$W/vifs.prom'"
m() { awk -v k="$1" '$1 == k {print $2}' "$W/vifs.prom"; }
tap_eq "reached: hosts 1 and 2, not the dead one" "1 1 0" \
    "$(m "vifs_audit_host_reached{host=\"$H1\"}") $(m "vifs_audit_host_reached{host=\"$H2\"}") $(m "vifs_audit_host_reached{host=\"$H3\"}")"
tap_eq "status: host 2 drift" 1 \
    "$(m "vifs_audit_host_status{host=\"$H2\",status=\"drift\"}")"
tap_eq "status: host 3 failed" 1 \
    "$(m "vifs_audit_host_status{host=\"$H3\",status=\"failed\"}")"
tap_eq "lint errors of host 1 as the report has them" \
    "$(js '[h for h in d["hosts"] if h["name"] == "'"$H1"'"][0]["lint"]["errors"]')" \
    "$(m "vifs_audit_host_lint_errors{host=\"$H1\"}")"
tap_eq "passthru devices of host 1 as the report has them" \
    "$(js '[h for h in d["hosts"] if h["name"] == "'"$H1"'"][0]["passthru"]["count"]')" \
    "$(m "vifs_audit_host_passthru_devices{host=\"$H1\"}")"
tap_eq "drift of host 2: 1 difference" 1 \
    "$(m "vifs_audit_host_drift{host=\"$H2\"}")"
tap_eq "host counts" "1 1 1 0" \
    "$(for s in ok drift failed skipped; do m "vifs_audit_hosts{status=\"$s\"}"; done | xargs)"
tap_match "the run's duration" '^[0-9]+\.[0-9]{3}$' \
    "$(m vifs_audit_duration_seconds)"
t1=$(m "vifs_audit_last_success_timestamp_seconds{host=\"$H1\"}")
tap_match "host 1 has a last successful audit time" '^[0-9]{10}$' "$t1"
tap_eq "the dead host has none" "" \
    "$(m "vifs_audit_last_success_timestamp_seconds{host=\"$H3\"}")"

# Host 1 goes away: its last success is carried over from the file.
esxsim_stop "$W/sim"
sleep 1
vifs audit --server "$H1" --server "$H2" "${AUTH[@]}" --baseline "$W/baseline" \
    --metrics "$W/vifs.prom"
tap_eq "a run with both hosts down: exit 1" 1 "$RC"
tap_run "promtool accepts the new file" \
    bash -c "promtool check metrics <'$W/vifs.prom'"
tap_eq "host 1 not reached now" 0 \
    "$(m "vifs_audit_host_reached{host=\"$H1\"}")"
tap_eq "... its last successful audit is carried over" "$t1" \
    "$(m "vifs_audit_last_success_timestamp_seconds{host=\"$H1\"}")"
tap_eq "... no temporary file is left beside it" "vifs.prom" \
    "$(ls "$W" | grep -F vifs.prom | xargs)"
printf 'vifs_audit_last_success_timestamp_seconds{host="x\\q"} 5\n' >"$W/bad.prom"
vifs audit --server "$H1" "${AUTH[@]}" --metrics "$W/bad.prom"
tap_match "a broken metrics file: one clear line, nothing run" \
    "^1 vifs: $W/bad.prom:1: a broken host label$" "$RC $ERR"
tap_done

#!/usr/bin/env bash
# Credentials and redirects, against two faultsim.py hosts: host A sends
# its clients to host B (another host name and port). The session cookie
# of --sessionfile and the Basic credentials go to A only, never to B; a
# redirect back to A itself keeps the session.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/faultsim.sh
. "$srcdir/tests/lib/faultsim.sh"

legacy_setup security_redirect
trap 'faultsim_stop "$W/a"; faultsim_stop "$W/b"; legacy_cleanup' EXIT
bash "$srcdir/certs/make-certs.sh" "$W/certs" >/dev/null ||
    tap_die "make-certs.sh failed"
SEED=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
export FAULTSIM_SESSION=52a1f00d-cafe-4bad-beef-0123456789ab
faultsim_start "$W/a" "$SEED" "$W/certs" || tap_die "host A did not start"
faultsim_start "$W/b" "$SEED" "$W/certs" || tap_die "host B did not start"
# shellcheck source=/dev/null
. "$W/a/faultsim.env"
PA=$FAULTSIM_PORT
PB=$(cat "$W/b/port")
CA=$W/certs/ca.pem
printf '%s\n' '#LWP-Cookies-1.0' \
    "Set-Cookie3: vmware_soap_session=\"$FAULTSIM_SESSION\"; path=\"/\"; domain=127.0.0.1; path_spec; secure; discard; HttpOnly; version=0" \
    >"$W/session"
chmod 600 "$W/session"
S=(--sessionfile "$W/session" --portnumber "$PA" --cacertsfile "$CA")

# The session works on A (the control: the cookie is what authorizes).
vifs "${S[@]}" --get /host/esx.conf "$W/plain.conf"
tap_eq "--sessionfile: a download from A with the session" 0 "$RC"
tap_match "... A received the session cookie" \
    "GET /host/esx.conf Cookie: vmware_soap_session=$FAULTSIM_SESSION" \
    "$(cat "$W/a/headers.log")"

# A redirect to B: B must not see the session.
: >"$W/a/headers.log"
faultsim_faults "$W/a" "GET redirect https://localhost:$PB/host/esx.conf"
vifs "${S[@]}" --get /host/esx.conf "$W/b.conf"
tap_match "a redirect to another host: B was asked" \
    "^GET /host/esx.conf 401" "$(cat "$W/b/requests.log")"
tap_eq "... without the session cookie, nor any credential" "" \
    "$(cat "$W/b/headers.log")"
tap_eq "... and the download fails (B wants credentials)" 1 "$RC"
tap_run "... nothing under the final name" test ! -e "$W/b.conf"

# The same with Basic credentials.
: >"$W/b/requests.log"
vifs --server 127.0.0.1 --portnumber "$PA" --cacertsfile "$CA" \
    --username root --password "$FAULTSIM_PASSWORD" \
    --get /host/esx.conf "$W/b2.conf"
tap_match "Basic credentials: B was asked" "^GET /host/esx.conf 401" \
    "$(cat "$W/b/requests.log")"
tap_eq "... and got no credential" "" "$(cat "$W/b/headers.log")"

# A redirect to A itself keeps the session.
: >"$W/a/headers.log"
faultsim_faults "$W/a" \
    "GET#1 redirect https://127.0.0.1:$PA/host/esx.conf?again"
vifs "${S[@]}" --get /host/esx.conf "$W/self.conf"
tap_eq "a redirect to the same host: downloaded" 0 "$RC"
tap_eq "... the session went to both GET requests" 2 \
    "$(grep -c "^GET .*Cookie: vmware_soap_session=$FAULTSIM_SESSION" \
        "$W/a/headers.log")"
faultsim_faults "$W/a"

tap_done

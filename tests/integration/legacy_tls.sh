#!/usr/bin/env bash
# TLS trust of the legacy options against simulated ESXi hosts: a CA file,
# an untrusted CA refused with both thumbprints shown, pinned thumbprints
# (SHA-1 and SHA-256, with and without colons, right and wrong), `vifs
# trust` and the known-hosts file, a certificate for another name, and
# --insecure with its warning.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup legacy_tls
# Host 1: the test CA's certificate; host 2: one from another CA; host 3:
# the test CA's, for another name.
legacy_start_sim "$W/sim" 3 --cert-at 2=wrong --cert-at 3=mismatch \
    --http-port
P1=$ESXSIM_PORT
P2=$(esxsim_port "$W/sim" 2)
P3=$(esxsim_port "$W/sim" 3)
thumb() {
    openssl x509 -in "$W/certs/$1.pem" -noout -fingerprint "-$2" |
        sed 's/^[^=]*=//'
}
WRONG256=$(thumb wrong sha256)
WRONG1=$(thumb wrong sha1)
T256=$ESXSIM_THUMBPRINT_SHA256
T1=$ESXSIM_THUMBPRINT_SHA1
KH=$HOME/.config/vifs/known_hosts
CRED=(--username root --password "$ESXSIM_PASSWORD")
at() {
    local port=$1
    shift
    vifs --server 127.0.0.1 --portnumber "$port" "${CRED[@]}" "$@"
}

# --- CA verification -------------------------------------------------------
at "$P1" --cacertsfile "$ESXSIM_CA" --dir /host
tap_eq "--cacertsfile with the test CA" 0 "$RC"
VI_CACERTFILE=$ESXSIM_CA at "$P1" --dir /host
tap_eq "VI_CACERTFILE" 0 "$RC"
at "$P1" -t "$ESXSIM_CA" --dir /host
tap_eq "-t CAFILE" 0 "$RC"

at "$P1" --get /host/esx.conf "$W/x.conf"
tap_eq "without the test CA the host is refused" 1 "$RC"
tap_match "... certificate not trusted, and why" \
    "^vifs: 127\.0\.0\.1:$P1: certificate not trusted \(unable to get local issuer certificate\)" \
    "$ERR"
tap_match "... with its SHA-256 thumbprint" "SHA-256 thumbprint $T256" "$ERR"
tap_match "... and its SHA-1 thumbprint" "SHA-1 $T1" "$ERR"
tap_match "... and how to trust it" "vifs trust 127\.0\.0\.1:$P1" "$ERR"
tap_match "... then vifs's own message" \
    $'\nError: File can not be downloaded to '"$W/x\\.conf\\.\$" "$ERR"
tap_run "... and no file" test ! -e "$W/x.conf"

at "$P2" --cacertsfile "$ESXSIM_CA" --dir /host
tap_eq "a certificate from another CA is refused" 1 "$RC"
tap_match "... showing that host's thumbprints" \
    "SHA-256 thumbprint $WRONG256, SHA-1 $WRONG1" "$ERR"
at "$P3" --cacertsfile "$ESXSIM_CA" --dir /host
tap_eq "a certificate for another name is refused" 1 "$RC"
tap_match "... saying so" "no alternative certificate subject name" "$ERR"
at "$P1" --cacertsfile "$W/none.pem" --dir /host
tap_match "a missing CA file" "^1 vifs: --cacertsfile $W/none\.pem: No such" \
    "$RC $ERR"

# --- pinned thumbprints --------------------------------------------------------
lower() { tr 'A-F' 'a-f' <<<"$1"; }
at "$P1" --thumbprint "$T1" --dir /host
tap_eq "SHA-1 thumbprint with colons" 0 "$RC"
at "$P1" --thumbprint "$(lower "${T1//:/}")" --dir /host
tap_eq "SHA-1 thumbprint without colons, lower case" 0 "$RC"
at "$P1" --thumbprint "$T256" --dir /host
tap_eq "SHA-256 thumbprint with colons" 0 "$RC"
at "$P1" -d "${T256//:/}" --dir /host
tap_eq "SHA-256 thumbprint without colons (-d)" 0 "$RC"
VI_THUMBPRINT=$T256 at "$P1" --dir /host
tap_eq "VI_THUMBPRINT" 0 "$RC"
at "$P3" --thumbprint "$(thumb mismatch sha256)" --dir /host
tap_eq "a pinned certificate needs no matching name" 0 "$RC"

at "$P1" --thumbprint "$WRONG256" --get /host/esx.conf "$W/x.conf"
tap_eq "a wrong SHA-256 thumbprint is refused" 1 "$RC"
tap_match "... does not match, showing the host's" \
    "^vifs: 127\.0\.0\.1:$P1: certificate does not match the pinned thumbprint \(--thumbprint\); host SHA-256 thumbprint $T256, SHA-1 $T1" \
    "$ERR"
at "$P1" --thumbprint "$WRONG1" --dir /host
tap_eq "a wrong SHA-1 thumbprint is refused" 1 "$RC"
at "$P1" --thumbprint "AB:CD" --dir /host
tap_match "a malformed thumbprint" \
    "^1 vifs: Invalid SHA-1/SHA-256/SHA-512 thumbprint: AB:CD" "$RC $ERR"
# A CA file and a pin: both are enforced, neither drops the other.
at "$P1" --cacertsfile "$ESXSIM_CA" --thumbprint "$WRONG256" --dir /host
tap_match "--cacertsfile does not drop a wrong --thumbprint" \
    "^1 vifs: 127\.0\.0\.1:$P1: certificate does not match the pinned thumbprint \(--thumbprint\)" \
    "$RC $ERR"
at "$P1" --cacertsfile "$ESXSIM_CA" --thumbprint "$T256" --dir /host
tap_eq "--cacertsfile and the right --thumbprint" 0 "$RC"
at "$P2" --cacertsfile "$ESXSIM_CA" --thumbprint "$WRONG256" \
    --dir /host
tap_match "the right pin does not excuse a chain the CA file refuses" \
    "^1 vifs: 127\.0\.0\.1:$P2: certificate not trusted" "$RC $ERR"
VI_CACERTFILE=$ESXSIM_CA VI_THUMBPRINT=$WRONG1 at "$P1" --dir /host
tap_eq "... VI_CACERTFILE and a wrong VI_THUMBPRINT: refused" 1 "$RC"
vifs --fleet --server "127.0.0.1:$P1" --server "127.0.0.1:$P3" "${CRED[@]}" \
    --cacertsfile "$ESXSIM_CA" --thumbprint "$WRONG256" \
    --get /host/esx.conf "$W/fleet-pin"
tap_match "a fleet with --cacertsfile and a wrong --thumbprint: refused" \
    "^1 .*2 hosts: 0 ok, 2 failed" "$RC $OUT"
tap_match "... each host says its pin does not match" \
    "127\.0\.0\.1:$P1 FAILED: .*does not match the pinned thumbprint" "$OUT"

# --- vifs trust and the known-hosts file -----------------------------------------
vifs trust "127.0.0.1:$P1" --thumbprint "$WRONG256"
tap_eq "trust --thumbprint of another certificate exits 1" 1 "$RC"
tap_match "... says what the host presents" \
    "presents the SHA-256 thumbprint $T256, not $WRONG256; nothing recorded" \
    "$ERR"
tap_run "... and records nothing" test ! -e "$KH"

vifs trust "127.0.0.1:$P1"
tap_eq "vifs trust HOST:PORT exits 0" 0 "$RC"
tap_eq "... shows the SHA-256 thumbprint and the file" \
    "Trusted 127.0.0.1:$P1 with SHA-256 thumbprint $T256 (recorded in $KH)." \
    "$OUT"
tap_eq "... which holds the host's line" "127.0.0.1:$P1 $T256" "$(cat "$KH")"
at "$P1" --get /host/esx.conf "$W/kh.conf"
tap_file_eq "then the host is trusted through known_hosts" "$ESXSIM_SEED" \
    "$W/kh.conf"
vifs trust "127.0.0.1:$P1"
tap_match "trusting it again: already trusted" \
    "^0 127\.0\.0\.1:$P1 is already trusted" "$RC $OUT"
vifs trust --server 127.0.0.1 --portnumber "$P2" --thumbprint "$WRONG1"
tap_match "trust --server --portnumber --thumbprint SHA-1" \
    "^0 Trusted 127\.0\.0\.1:$P2 with SHA-256 thumbprint $WRONG256" \
    "$RC $OUT"
at "$P2" --dir /host
tap_eq "a host from another CA is trusted once recorded" 0 "$RC"

# Host 3 recorded with host 1's thumbprint: its certificate has changed.
printf '127.0.0.1:%s %s\n' "$P3" "$T256" >>"$KH"
at "$P3" --dir /host
tap_eq "a host whose certificate changed is refused" 1 "$RC"
tap_match "... the pin from known_hosts does not match" \
    "does not match the pinned thumbprint \(known_hosts\); host SHA-256 thumbprint $(thumb mismatch sha256)" \
    "$ERR"
at "$P3" --cacertsfile "$ESXSIM_CA" --thumbprint "$(thumb mismatch sha1)" \
    --dir /host
tap_eq "--cacertsfile still checks the name with a pin" 1 "$RC"
at "$P3" --cacertsfile "$ESXSIM_CA" --dir /host
tap_match "--cacertsfile does not drop the known_hosts pin" \
    "^1 vifs: .*does not match the pinned thumbprint \(known_hosts\)" \
    "$RC $ERR"
at "$P3" --thumbprint "$(thumb mismatch sha1)" --dir /host
tap_eq "--thumbprint wins over known_hosts" 0 "$RC"

vifs trust --known-hosts "$W/kh2" "https://127.0.0.1:$P1/sdk/webService"
tap_eq "trust --known-hosts FILE of a URL" \
    "0 127.0.0.1:$P1 $T256" "$RC $(cat "$W/kh2" 2>/dev/null)"
VIFS_KNOWN_HOSTS=$W/kh2 at "$P1" --dir /host
tap_eq "VIFS_KNOWN_HOSTS names the file" 0 "$RC"
rm -f "$KH"
at "$P1" --known-hosts "$W/kh2" --dir /host
tap_eq "--known-hosts names the file" 0 "$RC"

down=$(esxsim_pick_ports 1)
vifs trust "127.0.0.1:$down"
tap_match "trust of a host that is down" \
    "^1 vifs: 127\.0\.0\.1:$down: no certificate seen: .*Connection refused" \
    "$RC $ERR"
vifs trust "http://127.0.0.1:$ESXSIM_HTTP_PORT"
tap_match "trust over plain HTTP" "^1 vifs: .*plain HTTP" "$RC $ERR"
vifs trust
tap_match "trust without HOST is a usage error" "^2 vifs: trust: no HOST" \
    "$RC $ERR"
vifs trust --help
tap_match "trust --help" "^0 usage: vifs trust" "$RC $OUT"

# --- insecure ------------------------------------------------------------------
at "$P2" --insecure --known-hosts "$W/none" --get /host/esx.conf "$W/in.conf"
tap_file_eq "--insecure transfers from an untrusted host" "$ESXSIM_SEED" \
    "$W/in.conf"
tap_match "... with a loud warning on stderr" \
    "^vifs: warning: --insecure: 127\.0\.0\.1:$P2: the server's certificate is not checked" \
    "$ERR"

tap_done

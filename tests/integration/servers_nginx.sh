#!/usr/bin/env bash
# The simulated ESXi hosts of tests/lib/esxsim.sh, checked with curl: start,
# authentication, /host, /tmp, /folder, listing pages, refusals, trust
# failures, the stall port, 1000 hosts, and a stop that leaves nothing.
# Fails (never skips) when a server cannot start.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
fixtures=${VIFS_FIXTURES:-$srcdir/tests/fixtures}
# shellcheck source=../lib/esxsim.sh
. "$srcdir/tests/lib/esxsim.sh"
# shellcheck source=../lib/listing-tree.sh
. "$srcdir/tests/lib/listing-tree.sh"
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/servers_nginx.XXXXXX") ||
    tap_die "cannot make a scratch directory"
cleanup() {
    local d
    for d in "$work"/*/; do
        esxsim_stop "${d%/}"
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# status ARGS...: the HTTP status curl gets (000 when no answer).
status() {
    curl -sS -o /dev/null -w '%{http_code}' "$@" 2>/dev/null
}

bash "$srcdir/certs/make-certs.sh" "$work/certs" 2 ||
    tap_die "make-certs.sh failed"
tap_run "the test CA verifies the host certificate" \
    openssl verify -CAfile "$work/certs/ca.pem" "$work/certs/host.pem" \
    "$work/certs/host-2.pem" "$work/certs/mismatch.pem"
if openssl verify -CAfile "$work/certs/ca.pem" "$work/certs/wrong.pem" \
    >/dev/null 2>&1 ||
    openssl verify -CAfile "$work/certs/ca.pem" "$work/certs/self.pem" \
        >/dev/null 2>&1; then
    tap_fail "the test CA rejects wrong.pem and self.pem"
else
    tap_ok "the test CA rejects wrong.pem and self.pem"
fi
tap_match "host certificate names 127.0.0.1 and localhost" \
    'IP Address:127\.0\.0\.1, DNS:localhost' \
    "$(openssl x509 -in "$work/certs/host.pem" -noout -ext subjectAltName)"
before=$(stat -c %Y "$work/certs/ca.pem")
bash "$srcdir/certs/make-certs.sh" "$work/certs" 2
tap_eq "make-certs.sh keeps a complete set" "$before" \
    "$(stat -c %Y "$work/certs/ca.pem")"

# --- three hosts --------------------------------------------------------
A=$work/a
esxsim_start "$A" 3 --certs "$work/certs" --http-port ||
    tap_die "esxsim_start of 3 hosts failed"
# shellcheck source=/dev/null
. "$A/hosts.env"
mapfile -t servers <"$A/servers.txt"
tap_eq "servers.txt lists 3 hosts" 3 "${#servers[@]}"
tap_eq "hosts.env agrees" "$ESXSIM_PORTS" \
    "$(printf '%s\n' "${servers[@]}" | sed 's/^127\.0\.0\.1://' | paste -sd' ')"
tap_eq "the 3 ports differ" 3 \
    "$(printf '%s\n' "${servers[@]}" | sort -u | wc -l)"

C=(curl -sS --cacert "$ESXSIM_CA")
root=(-u "root:$ESXSIM_PASSWORD")
limited=(-u "$ESXSIM_LIMITED_USER:$ESXSIM_LIMITED_PASSWORD")
U=$ESXSIM_URL
D1=datastore1
D2=$ESXSIM_DS2_ENC
hostdir=$ESXSIM_HOSTS_DIR/$ESXSIM_PORT

n=0
for s in "${servers[@]}"; do
    if "${C[@]}" "${root[@]}" -o "$work/got.conf" \
        "https://$s/host/esx.conf" &&
        cmp -s "$work/got.conf" "$ESXSIM_SEED"; then
        n=$((n + 1))
    fi
done
tap_eq "GET /host/esx.conf with auth gives the seed on every host" 3 "$n"

hdr=$("${C[@]}" -D - -o /dev/null "$U/host/esx.conf" | tr -d '\r')
tap_match "no credentials: 401" '^HTTP/1\.1 401' "$hdr"
tap_eq "no credentials: Basic challenge of ESXi's realm" \
    'WWW-Authenticate: Basic realm="VMware HTTP server"' \
    "$(grep -i '^WWW-Authenticate:' <<<"$hdr")"
tap_eq "wrong password: 401" 401 \
    "$(status --cacert "$ESXSIM_CA" -u root:wrong "$U/host/esx.conf")"
tap_eq "no credentials for a missing /host file: still 401" 401 \
    "$(status --cacert "$ESXSIM_CA" -T /dev/null "$U/host/none")"
tap_eq "no credentials, bad dsName: still 401" 401 \
    "$(status --cacert "$ESXSIM_CA" "$U/folder/x?dsName=..%2fx")"
body=$("${C[@]}" "$U/")
tap_match "welcome page without credentials" 'ID_EESX_Welcome' "$body"

# /folder round trips.
head -c 300000 /dev/urandom >"$work/blob"
tap_eq "PUT new datastore file: 201" 201 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T "$work/blob" \
        "$U/folder/x?dsName=$D1")"
"${C[@]}" "${root[@]}" -o "$work/blob.got" "$U/folder/x?dsName=$D1"
tap_file_eq "GET returns the bytes put" "$work/blob" "$work/blob.got"
tap_file_eq "the file is in the host's datastore directory" "$work/blob" \
    "$hostdir/ds/datastore1/x"
hdr=$("${C[@]}" "${root[@]}" -I "$U/folder/x?dsName=$D1" | tr -d '\r')
tap_eq "HEAD gives the size" 'Content-Length: 300000' \
    "$(grep -i '^Content-Length:' <<<"$hdr")"
tap_match "PUT over an existing file: 2xx" '^2[0-9][0-9]$' \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T /etc/hostname \
        "$U/folder/x?dsName=$D1")"
tap_eq "PUT creates missing parents (encoded names)" 201 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T "$work/blob" \
        "$U/folder/a%20b/c%26d/%C3%A9.bin?dsName=$D2&dcPath=ha%2ddatacenter")"
tap_file_eq "decoded path on disk" "$work/blob" \
    "$hostdir/ds/$ESXSIM_DS2/a b/c&d/é.bin"
n=0
for q in "data+store%262-%C3%A9" "%64ata%20store%262%2D%c3%A9" "$D2"; do
    [ "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "$U/folder/a%20b/c%26d/%C3%A9.bin?dsName=$q")" = 200 ] && n=$((n + 1))
done
tap_eq "every encoding of the datastore name is decoded" 3 "$n"
tap_eq "DELETE a file: 204" 204 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -X DELETE \
        "$U/folder/a%20b/c%26d/%C3%A9.bin?dsName=$D2")"
tap_eq "deleted file: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "$U/folder/a%20b/c%26d/%C3%A9.bin?dsName=$D2")"
tap_eq "DELETE a missing file: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -X DELETE \
        "$U/folder/a%20b/c%26d/%C3%A9.bin?dsName=$D2")"
tap_eq "PUT below a file: 500" 500 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T /etc/hostname \
        "$U/folder/x/y?dsName=$D1")"
tap_eq "DELETE a directory: 405" 405 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -X DELETE \
        "$U/folder/a%20b?dsName=$D2")"
tap_eq "POST: 405" 405 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -d x \
        "$U/folder/x?dsName=$D1")"

# Refused datastore names, and nothing written for them.
n=0
for q in '..%2fx' 'a/b' '%2e%2E' '..' 'x%2F' 'a%5cb' '%2E.'; do
    [ "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T /etc/hostname \
        "$U/folder/evil?dsName=$q")" = 400 ] && n=$((n + 1))
done
tap_eq "dsName with / .. or \\ in any encoding: 400" 7 "$n"
tap_eq "nothing written for refused names" "" \
    "$(find "$ESXSIM_HOSTS_DIR" -name evil)"
tap_eq "unknown datastore: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" "$U/folder/x?dsName=nosuch")"
tap_eq "datastore names are case-sensitive" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "$U/folder/x?dsName=Datastore1")"
tap_eq "no dsName: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" "$U/folder/x")"
tap_eq "other datacenter: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "$U/folder/x?dsName=$D1&dcPath=dc2")"
tap_eq "path escaping the datastore: 400" 400 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" --path-as-is \
        "$U/folder/%2e%2e/%2e%2e/x?dsName=$D1")"

# /host and /tmp.
printf '/adv/Misc/HostName = "esx-test"\n' >"$work/new.conf"
tap_match "PUT /host/esx.conf: 2xx" '^2[0-9][0-9]$' \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T "$work/new.conf" \
        "$U/host/esx.conf")"
"${C[@]}" "${root[@]}" -o "$work/got.conf" "$U/host/esx.conf"
tap_file_eq "GET /host/esx.conf returns the new file" "$work/new.conf" \
    "$work/got.conf"
tap_eq "PUT of a new /host file: 404 (replace only)" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T "$work/new.conf" \
        "$U/host/new.conf")"
tap_eq "DELETE /host/esx.conf: 405" 405 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -X DELETE "$U/host/esx.conf")"
body=$("${C[@]}" "${root[@]}" "$U/host")
tap_match "/host lists esx.conf" '<a href="/host/esx\.conf">esx\.conf</a>' \
    "$body"
tap_eq "PUT /tmp: 201" 201 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" -T "$work/blob" \
        "$U/tmp/bundle.zip")"
tap_file_eq "/tmp upload on disk" "$work/blob" "$hostdir/tmp/bundle.zip"
tap_eq "GET /tmp: 405" 405 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" "$U/tmp/bundle.zip")"

# The datastore-only user.
tap_eq "limited user PUT /host: 403" 403 \
    "$(status --cacert "$ESXSIM_CA" "${limited[@]}" -T "$work/new.conf" \
        "$U/host/esx.conf")"
tap_eq "limited user PUT /tmp: 403" 403 \
    "$(status --cacert "$ESXSIM_CA" "${limited[@]}" -T "$work/new.conf" \
        "$U/tmp/x")"
tap_eq "limited user GET /host: 200" 200 \
    "$(status --cacert "$ESXSIM_CA" "${limited[@]}" "$U/host/esx.conf")"
tap_eq "limited user PUT /folder: 201" 201 \
    "$(status --cacert "$ESXSIM_CA" "${limited[@]}" -T "$work/new.conf" \
        "$U/folder/limited.txt?dsName=$D1")"
tap_eq "limited user, wrong password: 401 before 403" 401 \
    "$(status --cacert "$ESXSIM_CA" -u "$ESXSIM_LIMITED_USER:x" \
        -T "$work/new.conf" "$U/host/esx.conf")"

# Hosts are separate.
p2=$(esxsim_port "$A" 2)
tap_eq "a file put on host 1 is not on host 2" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "https://127.0.0.1:$p2/folder/x?dsName=$D1")"

# Datastore table (PROTOCOL.md 4.3).
body=$("${C[@]}" "${root[@]}" "$U/folder?dcPath=ha-datacenter")
tap_match "datastore table starts with <!DOCTYPE html" '^<!DOCTYPE html' \
    "$body"
n=0
for ((i = 1; i <= ESXSIM_DS_COUNT; i++)); do
    name_var=ESXSIM_DS$i
    enc_var=ESXSIM_DS${i}_ENC
    text=$(esxsim_html "${!name_var}")
    row="<tr><td><a href=\"/folder\\?dcPath=ha%2ddatacenter&amp;"
    row+="dsName=${!enc_var}\">$text</a></td>"
    row+="<td align=\"right\">[0-9]+</td><td align=\"right\">[0-9]+</td></tr>"
    [[ $body =~ $row ]] && n=$((n + 1))
done
tap_eq "one row per datastore: link, capacity, free" "$ESXSIM_DS_COUNT" "$n"
tap_eq "dcPath written as ESXi links it (ha%2ddatacenter)" 200 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" \
        "$U/folder?dcPath=ha%2ddatacenter")"
tap_eq "unknown dcPath: 404" 404 \
    "$(status --cacert "$ESXSIM_CA" "${root[@]}" "$U/folder?dcPath=dc2")"
body=$("${C[@]}" "${root[@]}" "$U/folder")
tap_match "/folder lists ha-datacenter" \
    '<a href="/folder\?dcPath=ha%2ddatacenter">ha-datacenter</a>' "$body"

# Listing pages: the fixtures of the listing parser are what is served.
rm -rf "$hostdir/ds/$ESXSIM_DS2/a b"
listing_tree_nginx "$hostdir/ds/$ESXSIM_DS2/ds"
listing_tree_touch "$hostdir/ds/$ESXSIM_DS2"
listing_tree_touch "$hostdir/host"
"${C[@]}" "${root[@]}" -o "$work/page" "$U/folder/ds/?dsName=$D2"
tap_file_eq "listing = listing/esxsim-folder.html" \
    "$fixtures/listing/esxsim-folder.html" "$work/page"
"${C[@]}" "${root[@]}" -o "$work/page" "$U/folder/ds?dsName=$D2"
tap_file_eq "directory without trailing slash lists in place" \
    "$fixtures/listing/esxsim-folder.html" "$work/page"
"${C[@]}" "${root[@]}" -o "$work/page" \
    "$U/folder?dcPath=ha-datacenter&dsName=$D2"
tap_file_eq "datastore top = listing/esxsim-folder-top.html" \
    "$fixtures/listing/esxsim-folder-top.html" "$work/page"
"${C[@]}" "${root[@]}" -o "$work/page" "$U/folder?dcPath=ha-datacenter"
tap_file_eq "datastore table = listing/esxsim-datastores.html" \
    "$fixtures/listing/esxsim-datastores.html" "$work/page"
"${C[@]}" "${root[@]}" -o "$work/page" "$U/folder"
tap_file_eq "datacenters = listing/esxsim-datacenters.html" \
    "$fixtures/listing/esxsim-datacenters.html" "$work/page"
cp "$ESXSIM_SEED" "$hostdir/host/esx.conf"
listing_tree_touch "$hostdir/host"
"${C[@]}" "${root[@]}" -o "$work/page" "$U/host"
tap_file_eq "/host = listing/esxsim-host.html" \
    "$fixtures/listing/esxsim-host.html" "$work/page"

# Plain HTTP host and the stall port.
tap_eq "plain HTTP host answers" 200 \
    "$(status "${root[@]}" "$ESXSIM_HTTP_URL/host/esx.conf")"
start=$SECONDS
out=$(curl -sS --cacert "$ESXSIM_CA" "${root[@]}" -m 2 -o /dev/null \
    -w '%{http_code} %{size_header} %{time_appconnect}' \
    "$ESXSIM_STALL_URL/host/esx.conf" 2>/dev/null)
rc=$?
tap_eq "stall port: the client times out (curl status 28)" 28 "$rc"
tap_match "stall port: TLS done, no complete header" '^000 0 0\.[0-9]*[1-9]' \
    "$out"
tap_match "stall port: gave up after the 2 s limit" '^[2-4]$' \
    "$((SECONDS - start))"

# Stop: nothing left.
pid=$ESXSIM_PID
mapfile -t workers < <(esxsim_children "$pid")
wd=$(cat "$A/watchdog.pid")
tap_eq "one worker process" 1 "${#workers[@]}"
esxsim_stop "$A"
left=''
for p in "$pid" "${workers[@]}" "$wd"; do
    esxsim_alive "$p" && left+=" $p"
done
tap_eq "stop leaves no nginx, worker or watchdog process" "" "$left"
if esxsim_listening "${servers[@]##*:}" || esxsim_listening "$ESXSIM_STALL_PORT"
then
    still=1
else
    still=0
fi
tap_eq "stop closes every port" 0 "$still"
tap_run "stopping again succeeds" esxsim_stop "$A"

# --- trust failures: one instance, four certificates --------------------
T=$work/trust
esxsim_start "$T" 4 --certs "$work/certs" --raw-autoindex \
    --cert-at 2=wrong --cert-at 3=self --cert-at 4=mismatch ||
    tap_die "esxsim_start with --cert-at failed"
# shellcheck source=/dev/null
. "$T/hosts.env"
read -ra ports <<<"$ESXSIM_PORTS"
tap_eq "host 1 verifies with the test CA" 200 \
    "$(status --cacert "$ESXSIM_CA" "https://127.0.0.1:${ports[0]}/")"
n=0
for p in "${ports[@]:1}"; do
    curl -s -o /dev/null --cacert "$ESXSIM_CA" "https://127.0.0.1:$p/"
    [ $? = 60 ] && n=$((n + 1))
done
tap_eq "wrong CA, self-signed and mismatched name fail verification" 3 "$n"
tap_eq "wrong.pem verifies with wrong-ca.pem" 200 \
    "$(status --cacert "$ESXSIM_CERTDIR/wrong-ca.pem" \
        "https://127.0.0.1:${ports[1]}/")"
tap_eq "self.pem verifies with itself" 200 \
    "$(status --cacert "$ESXSIM_CERTDIR/self.pem" \
        "https://127.0.0.1:${ports[2]}/")"
fp=$(openssl s_client -connect "127.0.0.1:${ports[0]}" </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
tap_eq "hosts.env SHA-256 thumbprint = served certificate" \
    "$ESXSIM_THUMBPRINT_SHA256" "$fp"

# nginx's own autoindex (the parser's nginx fixtures).
hostdir=$ESXSIM_HOSTS_DIR/${ports[0]}
listing_tree_nginx "$hostdir/ds/datastore1/ds"
mkdir -p "$hostdir/ds/datastore1/empty"
listing_tree_touch "$hostdir/ds/datastore1/empty"
curl -sS --cacert "$ESXSIM_CA" "${root[@]}" -o "$work/page" \
    "https://127.0.0.1:${ports[0]}/folder/ds/?dsName=datastore1"
tap_file_eq "--raw-autoindex listing = listing/nginx-autoindex.html" \
    "$fixtures/listing/nginx-autoindex.html" "$work/page"
curl -sS --cacert "$ESXSIM_CA" "${root[@]}" -o "$work/page" \
    "https://127.0.0.1:${ports[0]}/folder/empty/?dsName=datastore1"
tap_file_eq "--raw-autoindex empty = listing/nginx-autoindex-empty.html" \
    "$fixtures/listing/nginx-autoindex-empty.html" "$work/page"
esxsim_stop "$T"

# --- failures are loud ---------------------------------------------------
mkdir -p "$work/badcerts"
cp "$work/certs/"*.pem "$work/certs/"*.key "$work/badcerts/"
echo "not a certificate" >"$work/badcerts/host.pem"
err=$(esxsim_start "$work/bad" 1 --certs "$work/badcerts" 2>&1)
rc=$?
tap_eq "a server that cannot start: esxsim_start fails" 1 "$rc"
tap_match "and shows nginx's own error" 'nginx said.*host\.pem' \
    "${err//$'\n'/ }"
tap_eq "and leaves no pid file" no \
    "$([ -e "$work/bad/esxsim.pid" ] && echo yes || echo no)"

# --- the owner watchdog ---------------------------------------------------
sleep 60 &
owner=$!
esxsim_start "$work/wd" 1 --certs "$work/certs" --owner "$owner" ||
    tap_die "esxsim_start with --owner failed"
pid=$(cat "$work/wd/esxsim.pid")
kill "$owner"
wait "$owner" 2>/dev/null
for ((i = 0; i < 100; i++)); do
    esxsim_alive "$pid" || break
    sleep 0.05
done
tap_eq "servers stop when their owner dies" no \
    "$(esxsim_alive "$pid" && echo yes || echo no)"
esxsim_stop "$work/wd"

# --- callers running with set -euo pipefail -------------------------------
out=$(bash -c 'set -euo pipefail
    . "$1"
    esxsim_start "$2" 1 --certs "$3"
    sleep 1.5
    esxsim_alive "$(cat "$2/watchdog.pid")" && echo "watchdog alive"
    esxsim_stop "$2"
    echo finished' _ "$srcdir/tests/lib/esxsim.sh" "$work/strict" \
    "$work/certs" 2>&1)
tap_eq "start, watchdog and stop work under set -euo pipefail" \
    "watchdog alive finished" "${out//$'\n'/ }"

# --- 1000 hosts -------------------------------------------------------------
start=$SECONDS
esxsim_start "$work/big" 1000 --certs "$work/certs" --workers 2 \
    --no-access-log || tap_die "esxsim_start of 1000 hosts failed"
echo "# 1000 hosts ready in $((SECONDS - start)) s"
# shellcheck source=/dev/null
. "$work/big/hosts.env"
while read -r s; do
    printf 'url = "https://%s/host/esx.conf"\noutput = /dev/null\n' "$s"
done <"$work/big/servers.txt" >"$work/big.curl"
codes=$(curl -sS --cacert "$ESXSIM_CA" "${root[@]}" -K "$work/big.curl" \
    -w '%{http_code}\n' | sort | uniq -c | sed 's/^ *//')
tap_eq "all 1000 hosts answer GET /host/esx.conf" "1000 200" "$codes"
pid=$ESXSIM_PID
mapfile -t workers < <(esxsim_children "$pid")
tap_eq "two worker processes" 2 "${#workers[@]}"
esxsim_stop "$work/big"
left=''
for p in "$pid" "${workers[@]}"; do
    esxsim_alive "$p" && left+=" $p"
done
tap_eq "stop of 1000 hosts leaves no process" "" "$left"

tap_done

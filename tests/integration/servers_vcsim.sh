#!/usr/bin/env bash
# govmomi's simulator as started by tests/lib/vcsim.sh, checked with curl:
# offline build (cached), start, TLS with the test CA, SOAP service content
# and login, the /folder file service and its listing pages, a clean stop.
# Fails (never skips) when the simulator cannot be built or started.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
fixtures=${VIFS_FIXTURES:-$srcdir/tests/fixtures}
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"
# shellcheck source=../lib/listing-tree.sh
. "$srcdir/tests/lib/listing-tree.sh"
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/servers_vcsim.XXXXXX") ||
    tap_die "cannot make a scratch directory"
cleanup() {
    vcsim_stop "$work/sim"
    vcsim_stop "$work/bad"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

status() {
    curl -sS -o /dev/null -w '%{http_code}' "$@" 2>/dev/null
}

# soap BODY [CURL ARGS...]: POST a SOAP envelope holding BODY to the
# simulator; prints the response headers and body.
soap() {
    local body=$1
    shift
    curl -sS -i --cacert "$VCSIM_CA" -H 'Content-Type: text/xml' \
        -H 'SOAPAction: "urn:vim25/6.5"' "$@" --data-binary \
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>$body</soapenv:Body></soapenv:Envelope>" \
        "$VCSIM_URL"
}

builddir=${VIFS_BUILDDIR:-$work}/vcsim
start=$SECONDS
vcsim_build "$builddir" || tap_die "vcsim_build failed"
echo "# vcsim_build took $((SECONDS - start)) s;" \
    "last build: $(tail -n 1 "$builddir/build.log")"
tap_run "the simulator binary is built" test -x "$builddir/vcsim"
before=$(stat -c %Y "$builddir/vcsim")
start=$SECONDS
vcsim_build "$builddir" || tap_die "second vcsim_build failed"
tap_eq "an unchanged source is not rebuilt" "$before" \
    "$(stat -c %Y "$builddir/vcsim")"

bash "$srcdir/certs/make-certs.sh" "$work/certs" ||
    tap_die "make-certs.sh failed"
vcsim_start "$work/sim" --bin "$builddir/vcsim" --certs "$work/certs" ||
    tap_die "vcsim_start failed"
# shellcheck source=/dev/null
. "$work/sim/vcsim.env"
tap_match "VCSIM_URL is an /sdk URL on 127.0.0.1" \
    '^https://127\.0\.0\.1:[0-9]+/sdk$' "$VCSIM_URL"
fp=$(openssl s_client -connect "$VCSIM_HOSTPORT" </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
tap_eq "served certificate = VCSIM_THUMBPRINT_SHA256" \
    "$VCSIM_THUMBPRINT_SHA256" "$fp"
tap_eq "the test CA verifies it" 200 \
    "$(status --cacert "$VCSIM_CA" "https://$VCSIM_HOSTPORT/about")"
tap_run "the password is not on the command line" \
    bash -c "! grep -qF -- '$VCSIM_PASSWORD' /proc/$VCSIM_PID/cmdline"

# SOAP.
out=$(soap '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>')
tap_match "RetrieveServiceContent: 200" '^HTTP/1\.1 200' "$out"
tap_match "root folder ha-folder-root" \
    '<rootFolder type="Folder">ha-folder-root</rootFolder>' "$out"
tap_match "apiType HostAgent (an ESXi host)" '<apiType>HostAgent</apiType>' \
    "$out"
login() {
    soap "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">ha-sessionmgr</_this><userName>$1</userName><password>$2</password></Login>"
}
out=$(login "$VCSIM_USERNAME" "$VCSIM_PASSWORD" | tr -d '\r')
cookie=$(sed -n 's/^Set-Cookie: \(vmware_soap_session=[^;]*\).*/\1/p' <<<"$out")
tap_match "Login sets vmware_soap_session" '^vmware_soap_session=.+' "$cookie"
out=$(login "$VCSIM_USERNAME" wrong)
tap_match "wrong password: HTTP 500 with an InvalidLogin fault" \
    '^HTTP/1\.1 500.*InvalidLogin' "${out//[$'\r\n']/ }"

# /folder: listing fixtures first, while the datastore is as made.
D=LocalDS_0
F=https://$VCSIM_HOSTPORT/folder
C=(curl -sS --cacert "$VCSIM_CA")
hdr=$("${C[@]}" -D - -o /dev/null "$F?dcPath=ha-datacenter" | tr -d '\r')
tap_eq "/folder?dcPath=... redirects to /folder/?dcPath=..." \
    'Location: /folder/?dcPath=ha-datacenter' \
    "$(grep -i '^Location:' <<<"$hdr")"
"${C[@]}" -L -o "$work/page" "$F?dcPath=ha-datacenter"
tap_file_eq "datastore top = listing/vcsim-datastores.html" \
    "$fixtures/listing/vcsim-datastores.html" "$work/page"
listing_tree_vcsim "$VCSIM_DS_DIR/ds"
mkdir -p "$VCSIM_DS_DIR/ds/empty"
"${C[@]}" -o "$work/page" "$F/ds/?dsName=$D"
tap_file_eq "listing = listing/vcsim-folder.html" \
    "$fixtures/listing/vcsim-folder.html" "$work/page"
"${C[@]}" -o "$work/page" "$F/ds/empty/?dsName=$D"
tap_file_eq "empty directory = listing/vcsim-empty.html" \
    "$fixtures/listing/vcsim-empty.html" "$work/page"
rm -rf "$VCSIM_DS_DIR/ds"

head -c 200000 /dev/urandom >"$work/blob"
tap_eq "PUT with Basic auth: 200" 200 \
    "$(status --cacert "$VCSIM_CA" -u "$VCSIM_USERNAME:$VCSIM_PASSWORD" \
        -T "$work/blob" "$F/dir%20a/b%26c.bin?dcPath=ha-datacenter&dsName=$D")"
tap_file_eq "the file is in VCSIM_DS_DIR, decoded" "$work/blob" \
    "$VCSIM_DS_DIR/dir a/b&c.bin"
"${C[@]}" -b "$cookie" -o "$work/blob.got" "$F/dir%20a/b%26c.bin?dsName=$D"
tap_file_eq "GET with the session cookie returns it" "$work/blob" \
    "$work/blob.got"
body=$("${C[@]}" -u "$VCSIM_USERNAME:$VCSIM_PASSWORD" "$F/dir%20a/?dsName=$D")
tap_match "listing with Basic auth shows it" \
    '<a href="b&c\.bin">b&amp;c\.bin</a>' "$body"
tap_eq "/folder is not protected by the simulator (any client may read)" 200 \
    "$(status --cacert "$VCSIM_CA" "$F/dir%20a/b%26c.bin?dsName=$D")"
tap_eq "unknown datastore: 404" 404 \
    "$(status --cacert "$VCSIM_CA" "$F/x?dsName=nosuch")"
tap_eq "unknown datacenter: 404" 404 \
    "$(status --cacert "$VCSIM_CA" "$F/x?dcPath=dc2&dsName=$D")"

# Stop: process, port and datastore directory gone.
pid=$VCSIM_PID
wd=$(cat "$work/sim/watchdog.pid")
port=$VCSIM_PORT
vcsim_stop "$work/sim"
left=''
for p in "$pid" "$wd"; do
    esxsim_alive "$p" && left+=" $p"
done
tap_eq "stop leaves no simulator or watchdog process" "" "$left"
tap_eq "stop closes the port" no \
    "$(esxsim_listening "$port" && echo yes || echo no)"
tap_eq "stop removes the datastore directory" no \
    "$([ -e "$VCSIM_DS_DIR" ] && echo yes || echo no)"
tap_run "stopping again succeeds" vcsim_stop "$work/sim"

# A simulator that cannot start says why.
mkdir -p "$work/badcerts"
cp "$work/certs/"*.pem "$work/certs/"*.key "$work/badcerts/"
echo "not a key" >"$work/badcerts/host.key"
err=$(vcsim_start "$work/bad" --bin "$builddir/vcsim" \
    --certs "$work/badcerts" 2>&1)
tap_eq "a simulator that cannot start: vcsim_start fails" 1 "$?"
tap_match "and shows the simulator's error" 'loading certificate' "$err"

tap_done

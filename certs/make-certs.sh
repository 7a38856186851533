#!/usr/bin/env bash
# make-certs.sh OUTDIR [HOSTCOUNT]
#
# Makes the certificates of the simulated hosts with the openssl command:
#
#   ca.pem, ca.key               the test CA that clients are told to trust
#   host.pem, host.key           host certificate signed by the test CA,
#                                subjectAltName IP:127.0.0.1, DNS:localhost;
#                                every simulated host serves this one
#   host-2.pem ... host-N.pem    further distinct host certificates (same
#                                names, same CA) when HOSTCOUNT N > 1
#   mismatch.pem, mismatch.key   signed by the test CA but for the name
#                                esx.invalid only (host name check fails)
#   wrong-ca.pem, wrong-ca.key   a second CA that clients do not trust
#   wrong.pem, wrong.key         host certificate signed by the wrong CA
#   self.pem, self.key           self-signed host certificate
#
# Keys are ECDSA P-256 (fast to make); set VIFS_CERT_KEY=rsa for RSA 2048 as
# ESXi uses. An OUTDIR that already holds a complete set made with the same
# HOSTCOUNT and key type is left alone, so callers may run this every time.
# Several callers may run it on the same OUTDIR at once: the set is made in
# a private directory and renamed into place.
set -euo pipefail

usage() {
    echo "usage: make-certs.sh OUTDIR [HOSTCOUNT]" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
outdir=$1
count=${2:-1}
case $count in
    '' | *[!0-9]* | 0*) usage ;;
esac
keytype=${VIFS_CERT_KEY:-ec}
case $keytype in
    ec | rsa) ;;
    *)
        echo "make-certs.sh: VIFS_CERT_KEY must be ec or rsa" >&2
        exit 2
        ;;
esac
stamp="count=$count key=$keytype"

if [ -f "$outdir/.complete" ] &&
    [ "$(cat "$outdir/.complete")" = "$stamp" ]; then
    exit 0
fi

mkdir -p "$(dirname "$outdir")"
work=$(mktemp -d "$outdir.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

newkey() {
    if [ "$keytype" = rsa ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
            -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -out "$1" 2>/dev/null
    fi
}

# ca NAME SUBJECT: self-signed CA certificate NAME.pem with key NAME.key.
ca() {
    newkey "$work/$1.key"
    openssl req -x509 -new -key "$work/$1.key" -out "$work/$1.pem" \
        -subj "$2" -days 3650 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# leaf NAME CA SAN SERIAL: certificate NAME.pem for SAN, signed by CA.
leaf() {
    local ext="$work/$1.ext"
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,$leaf_usage" \
        "extendedKeyUsage=serverAuth" \
        "subjectKeyIdentifier=hash" \
        "authorityKeyIdentifier=keyid" \
        "subjectAltName=$3" >"$ext"
    newkey "$work/$1.key"
    openssl req -new -key "$work/$1.key" -subj "/O=vifs test/CN=localhost" \
        -out "$work/$1.csr" 2>/dev/null
    openssl x509 -req -in "$work/$1.csr" -CA "$work/$2.pem" \
        -CAkey "$work/$2.key" -set_serial "$4" -days 825 -sha256 \
        -extfile "$ext" -out "$work/$1.pem" 2>/dev/null
    rm -f "$work/$1.csr" "$ext"
}

# RSA keys also encipher the TLS 1.2 RSA key exchange; ECDSA keys only sign.
leaf_usage=digitalSignature
[ "$keytype" = rsa ] && leaf_usage=digitalSignature,keyEncipherment
san="IP:127.0.0.1,DNS:localhost"
ca ca "/O=vifs test/CN=vifs test CA"
leaf host ca "$san" 1001
for ((i = 2; i <= count; i++)); do
    leaf "host-$i" ca "$san" $((1000 + i))
done
leaf mismatch ca "DNS:esx.invalid" 2001
ca wrong-ca "/O=vifs test/CN=vifs untrusted CA"
leaf wrong wrong-ca "$san" 3001

newkey "$work/self.key"
openssl req -x509 -new -key "$work/self.key" -out "$work/self.pem" \
    -subj "/O=vifs test/CN=localhost" -days 825 -sha256 \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "extendedKeyUsage=serverAuth" \
    -addext "subjectAltName=$san" 2>/dev/null

# Certificates are public; keys stay private to the owner.
chmod 644 "$work"/*.pem
printf '%s\n' "$stamp" >"$work/.complete"
chmod 644 "$work/.complete"
chmod 755 "$work"

# Rename the finished set into place. An existing OUTDIR is replaced only
# when it holds a set made with other settings; a non-empty directory that
# is not a set is refused. If another caller finished first, its set wins
# and ours is dropped by the trap.
if [ -d "$outdir" ] && [ -z "$(ls -A "$outdir")" ]; then
    rmdir "$outdir" 2>/dev/null || true
fi
if [ -d "$outdir" ]; then
    if [ ! -f "$outdir/.complete" ]; then
        echo "make-certs.sh: $outdir exists and holds no certificate set" >&2
        exit 1
    fi
    if [ "$(cat "$outdir/.complete")" = "$stamp" ]; then
        exit 0
    fi
    old=$(mktemp -d "$outdir.old.XXXXXX")
    mv -T "$outdir" "$old/set" 2>/dev/null || true
    rm -rf "$old"
fi
if ! mv -T "$work" "$outdir" 2>/dev/null; then
    if [ -f "$outdir/.complete" ] &&
        [ "$(cat "$outdir/.complete")" = "$stamp" ]; then
        exit 0
    fi
    echo "make-certs.sh: cannot move the certificates into $outdir" >&2
    exit 1
fi
trap - EXIT

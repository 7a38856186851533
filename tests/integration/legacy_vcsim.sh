#!/usr/bin/env bash
# The legacy --get, --put and --dir against govmomi's vSphere simulator
# (tests/lib/vcsim.sh), reached through its SOAP URL (--url .../sdk) as
# VMware's vifs is.  The simulator's /folder file service asks for no
# credentials at all (docs/internals/testservers.md), so Basic auth is
# sent and accepted but not checked here: authentication failures are
# tested against the nginx hosts (legacy_auth.sh).  Its DELETE is served
# as a GET and it has no datastore table, so --rm and --listds are not
# tested here either.  Fails (never skips) when the simulator cannot be
# built or started.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"

vcsim_one legacy_vcsim
head -c 2097152 /dev/urandom >"$L/rand.bin"

vifs "${CONN[@]}" --dir "[$DS]"
tap_eq "--dir of the datastore's top exits 0" 0 "$RC"
tap_match "... through the simulator's redirect to /folder/?..." \
    $'^\nContent Listing\n---------------\n\n(.*\n)?ha-host_VM0/' "$OUT"

name='sub dir/a b&c+d é.bin'
vifs "${CONN[@]}" --put "$L/rand.bin" "[$DS] $name"
tap_eq "--put to [$DS] with awkward names exits 0" 0 "$RC"
tap_eq "... vifs's message" \
    "Uploaded file $L/rand.bin to $name successfully." "$OUT"
tap_file_eq "... the datastore holds the exact bytes" "$L/rand.bin" \
    "$VCSIM_DS_DIR/$name"
vifs "${CONN[@]}" --get "[$DS] $name" "$L/back.bin"
tap_file_eq "--get back is byte-exact" "$L/rand.bin" "$L/back.bin"
vifs "${CONN[@]}" --get \
    "/folder/sub%20dir/a%20b%26c%2Bd%20%C3%A9.bin?dcPath=ha-datacenter&dsName=$DS" \
    "$L/back2.bin"
tap_file_eq "--get by /folder?dcPath=&dsName= is byte-exact" "$L/rand.bin" \
    "$L/back2.bin"
vifs "${CONN[@]}" --put "$L/back.bin" "[$DS] $name"
tap_eq "--put over an existing file (HTTP 200) exits 0" 0 "$RC"

vifs "${CONN[@]}" --dir "[$DS] sub dir"
tap_eq "--dir of a directory (redirected to its slash form): the link's text" \
    "$(printf '\nContent Listing\n---------------\n\na b&amp;c+d é.bin')" "$OUT"
vifs "${CONN[@]}" --dir "[$DS] sub dir" --output xml
tap_match "--output xml names the file" '<name>a b&amp;c\+d é\.bin</name>' \
    "$OUT"

vifs "${CONN[@]}" --get "[$DS] none.bin" "$L/none.bin"
tap_eq "--get of a missing file exits 1" 1 "$RC"
tap_match "... no such file, then vifs's lines" \
    "^vifs: $VCSIM_HOSTPORT: no such file: .*"$'\n'"GET .* unsuccessful : 404 Not Found"$'\n'"Error: File can not be downloaded to $L/none\\.bin\\.$" \
    "$ERR"
vifs "${CONN[@]}" --get "[NoSuchDS] x.bin" "$L/none.bin"
tap_eq "an unknown datastore: exit 1" 1 "$RC"

vifs --url "$VCSIM_URL" --username "$VCSIM_USERNAME" \
    --password "$VCSIM_PASSWORD" --thumbprint "$VCSIM_THUMBPRINT_SHA256" \
    --get "[$DS] $name" "$L/pinned.bin"
tap_file_eq "a pinned SHA-256 thumbprint instead of the CA" "$L/rand.bin" \
    "$L/pinned.bin"

tap_done

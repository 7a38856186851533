#!/usr/bin/env bash
# The VIM API operations of the legacy options against govmomi's vSphere
# simulator (tests/lib/vcsim.sh): --listdc, --mkdir, --rmdir, --copy,
# --move and --rm through SOAP, each with its failures (missing source,
# existing target without and with --force, a directory that is not
# empty, a wrong password, a URL without the VIM API), on files made with
# --put, and with the default connection options (--server, --portnumber,
# no service path: the fallback to /sdk).  What the simulator's datastore
# directory holds is checked after every change.  Fails (never skips)
# when the simulator cannot start.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"

vcsim_one vim_ops
D=$VCSIM_DS_DIR
head -c 300000 /dev/urandom >"$L/a.bin"
head -c 1000 /dev/urandom >"$L/other.bin"

# --- --listdc ---------------------------------------------------------------
vifs "${CONN[@]}" --listdc
tap_eq "--listdc prints the datacenter's path" "0 ha-datacenter" "$RC $OUT"
vifs "${CONN[@]}" -C
tap_eq "-C is --listdc" "0 ha-datacenter" "$RC $OUT"

# --- --mkdir ----------------------------------------------------------------
vifs "${CONN[@]}" --mkdir "[$DS] work dir"
tap_eq "--mkdir: vifs's message" \
    "0 Created directory '[$DS] work dir' successfully." "$RC $OUT"
tap_run "... the directory exists" test -d "$D/work dir"
vifs "${CONN[@]}" -M "[$DS] work dir"
tap_eq "--mkdir of an existing directory exits 1" 1 "$RC"
tap_match "... one line with the fault, then vifs's lines" \
    "^vifs: $VCSIM_HOSTPORT: MakeDirectory: file already exists: \\[$DS\\] work dir \\(FileAlreadyExists\\)"$'\n'"Unable to create directory \\[$DS\\] work dir:"$'\n'".*file exists$" \
    "$ERR"
vifs "${CONN[@]}" --mkdir "[$DS] none/sub"
tap_match "--mkdir under a missing parent: FileNotFound" \
    "^1 vifs: .*MakeDirectory: no such file or directory: \\[$DS\\] none/sub \\(FileNotFound\\)" \
    "$RC $ERR"
tap_run "... nothing made" test ! -e "$D/none"
vifs "${CONN[@]}" --mkdir "[$DS] none/sub/deeper" --parents
tap_eq "--mkdir --parents creates the missing parents" \
    "0 Created directory '[$DS] none/sub/deeper' successfully." "$RC $OUT"
tap_run "... all of them" test -d "$D/none/sub/deeper"
vifs "${CONN[@]}" --mkdir "[NoSuchDS] x"
tap_match "--mkdir on an unknown datastore: InvalidDatastore" \
    "^1 vifs: .*MakeDirectory: no such datastore: NoSuchDS \\(InvalidDatastore\\)" \
    "$RC $ERR"
vifs "${CONN[@]}" --mkdir /host/x
tap_eq "--mkdir /host: vifs's refusal" \
    "1 Creating a directory /host is not supported." "$RC $ERR"
vifs "${CONN[@]}" --mkdir plain/dir
tap_match "--mkdir without a datastore: Invalid datastore path" \
    "^1 vifs: plain/dir: no datastore.*"$'\n'"Invalid datastore path: plain/dir\\.$" \
    "$RC $ERR"

# --- files made with --put: copy, move ---------------------------------------
vifs "${CONN[@]}" --put "$L/a.bin" "[$DS] work dir/a.bin"
tap_eq "--put into the new directory" 0 "$RC"
vifs "${CONN[@]}" --copy "[$DS] work dir/a.bin" "[$DS] work dir/b.bin"
tap_eq "--copy: vifs's message" \
    "0 Copied file from [$DS] work dir/a.bin to [$DS] work dir/b.bin successfully." \
    "$RC $OUT"
tap_file_eq "... the copy has the same bytes" "$L/a.bin" "$D/work dir/b.bin"
tap_file_eq "... the source is still there" "$L/a.bin" "$D/work dir/a.bin"

vifs "${CONN[@]}" --put "$L/other.bin" "[$DS] work dir/a.bin"
vifs "${CONN[@]}" -c "[$DS] work dir/a.bin" "[$DS] work dir/b.bin"
tap_eq "--copy onto an existing file without --force exits 1" 1 "$RC"
tap_match "... FileAlreadyExists, and what overwrites" \
    "^vifs: .*CopyDatastoreFile_Task: file already exists: .*b\\.bin \\(FileAlreadyExists\\); --force overwrites"$'\n'"Unable to copy \\[$DS\\] work dir/a\\.bin to \\[$DS\\] work dir/b\\.bin:"$'\n' \
    "$ERR"
tap_file_eq "... the target is untouched" "$L/a.bin" "$D/work dir/b.bin"
vifs "${CONN[@]}" --copy "[$DS] work dir/a.bin" "[$DS] work dir/b.bin" --force
tap_eq "--copy --force overwrites" 0 "$RC"
tap_file_eq "... the target has the new bytes" "$L/other.bin" \
    "$D/work dir/b.bin"
vifs "${CONN[@]}" --copy "[$DS] work dir/none.bin" "[$DS] work dir/c.bin"
tap_match "--copy of a missing source: FileNotFound, exit 1" \
    "^1 vifs: .*CopyDatastoreFile_Task: no such file or directory" \
    "$RC $ERR"
vifs "${CONN[@]}" --copy "[$DS] work dir/a.bin"
tap_eq "--copy without a target" "1 Error: target is not specified." \
    "$RC $ERR"
vifs "${CONN[@]}" --copy /host/esx.conf "[$DS] x"
tap_eq "--copy from /host" "1 Files in /host cannot be used in copy." \
    "$RC $ERR"
vifs "${CONN[@]}" --copy "[$DS] work dir/a.bin" \
    "/folder/work%20dir/z.bin?dcPath=nodc&dsName=$DS"
tap_match "--copy into an unknown datacenter" \
    "^1 vifs: $VCSIM_HOSTPORT: no datacenter 'nodc' \\(see --listdc\\)" \
    "$RC $ERR"

vifs "${CONN[@]}" --move "[$DS] work dir/b.bin" "[$DS] moved.bin"
tap_eq "--move: vifs's message" \
    "0 Moved file from [$DS] work dir/b.bin to [$DS] moved.bin successfully." \
    "$RC $OUT"
tap_run "... the source is gone" test ! -e "$D/work dir/b.bin"
tap_file_eq "... the target has its bytes" "$L/other.bin" "$D/moved.bin"
vifs "${CONN[@]}" -m "[$DS] work dir/a.bin" "[$DS] moved.bin"
tap_match "--move onto an existing file without --force: exit 1" \
    "^1 vifs: .*MoveDatastoreFile_Task: file already exists.*--force overwrites" \
    "$RC $ERR"
tap_run "... the source stays" test -e "$D/work dir/a.bin"
vifs "${CONN[@]}" -m "[$DS] work dir/a.bin" "[$DS] moved.bin" -f
tap_eq "--move -f replaces it" 0 "$RC"
tap_run "... and the source is gone" test ! -e "$D/work dir/a.bin"
vifs "${CONN[@]}" --move "[$DS] work dir/a.bin" "[$DS] again.bin"
tap_match "--move of a missing source exits 1" "^1 vifs: .*MoveDatastoreFile_Task" \
    "$RC $ERR"
vifs "${CONN[@]}" --move "[$DS] x" /host/y
tap_eq "--move into /host" "1 Files in /host cannot be used in move." \
    "$RC $ERR"

# --- --rmdir, --rm ------------------------------------------------------------
vifs "${CONN[@]}" --put "$L/a.bin" "[$DS] work dir/keep.bin"
vifs "${CONN[@]}" --rmdir "[$DS] work dir" -f
tap_eq "--rmdir of a directory that is not empty exits 1" 1 "$RC"
tap_match "... vifs's message" \
    "Error: Cannot delete '\\[$DS\\] work dir' since it is not empty\\.$" \
    "$ERR"
tap_run "... and it is still there" test -e "$D/work dir/keep.bin"
printf 'n\n' >"$W/no"
VIFS_STDIN=$W/no vifs "${CONN[@]}" --mkdir "[$DS] empty"
VIFS_STDIN=$W/no vifs "${CONN[@]}" -R "[$DS] empty"
tap_eq "--rmdir answered n: aborted" \
    "1 Remove directory '[$DS] empty'? (y/n) : Deletion of file has been aborted." \
    "$RC $OUT"
tap_run "... the directory stays" test -d "$D/empty"
printf 'y\n' >"$W/yes"
VIFS_STDIN=$W/yes vifs "${CONN[@]}" -R "[$DS] empty"
tap_eq "--rmdir answered y deletes the empty directory" \
    "0 Remove directory '[$DS] empty'? (y/n) : Deleted file '[$DS] empty' successfully." \
    "$RC $OUT"
tap_run "... it is gone" test ! -e "$D/empty"
vifs "${CONN[@]}" --rmdir "[$DS] nothere" -f
tap_match "--rmdir of a missing directory: the listing fails" \
    "^1 vifs: .*"$'\n'"GET .* unsuccessful : 404 Not Found"$'\n'"Error: Cannot delete '\\[$DS\\] nothere'\\.$" \
    "$RC $ERR"

vifs "${CONN[@]}" --rm "[$DS] moved.bin" -f
tap_eq "--rm of a file made with --put" \
    "0 Deleted file '[$DS] moved.bin' successfully." "$RC $OUT"
tap_run "... it is gone (DeleteDatastoreFile_Task; the simulator's DELETE does nothing)" \
    test ! -e "$D/moved.bin"
vifs "${CONN[@]}" --rm "[$DS] moved.bin" -f
tap_match "--rm of a missing file: FileNotFound, vifs's lines" \
    "^vifs: .*DeleteDatastoreFile_Task: no such file or directory: .*moved\\.bin \\(FileNotFound\\)"$'\n'"Unable to delete \\[$DS\\] moved\\.bin:"$'\n'".+$" \
    "$ERR"
tap_eq "... exit 1" 1 "$RC"
vifs "${CONN[@]}" --rm "[$DS] work dir" -f
tap_eq "--rm of a directory deletes it with its files, as vifs" \
    "0 Deleted file '[$DS] work dir' successfully." "$RC $OUT"
tap_run "... it is gone" test ! -e "$D/work dir"

# --- login and service failures ----------------------------------------------
vifs --url "$VCSIM_URL" --username root --password wrong \
    --cacertsfile "$VCSIM_CA" --mkdir "[$DS] never"
tap_eq "a wrong password: one line with the fault, then vifs's" \
    "1 vifs: $VCSIM_HOSTPORT: Login: login as root refused: wrong user name or password (InvalidLogin)
Error: Login failure" "$RC $ERR"
tap_run "... nothing made" test ! -e "$D/never"
# --- the defaults: no --url, no --servicepath ----------------------------------
# Real hosts serve /sdk/webService and /sdk, the simulator only /sdk: after
# a 404 at the default path vifs tries /sdk once and keeps it for the run.
DEF=(--server 127.0.0.1 --portnumber "$VCSIM_PORT" --username root
    --password "$VCSIM_PASSWORD")
vifs "${DEF[@]}" --thumbprint "$VCSIM_THUMBPRINT_SHA256" --mkdir "[$DS] d"
tap_eq "--mkdir with the defaults (and a thumbprint) reaches /sdk" \
    "0 Created directory '[$DS] d' successfully." "$RC $OUT"
tap_run "... the directory exists" test -d "$D/d"
vifs "${DEF[@]}" --cacertsfile "$VCSIM_CA" --listdc
tap_eq "--listdc with the defaults" "0 ha-datacenter" "$RC $OUT"
vifs "${DEF[@]}" --cacertsfile "$VCSIM_CA" --verbose --listdc
tap_match "... --verbose shows /sdk/webService answered 404, then /sdk" \
    "POST /sdk/webService.*"$'\n'"(.*"$'\n'")*.*404.*"$'\n'"(.*"$'\n'")*.*POST /sdk( |"$'\n'")" \
    "$ERR"
tap_eq "... and /sdk/webService is asked once only" 1 \
    "$(grep -c 'POST /sdk/webService' <<<"$ERR")"
vifs "${DEF[@]}" --cacertsfile "$VCSIM_CA" --savesessionfile "$W/def.session" \
    --listdc
tap_eq "--savesessionfile with the defaults" "0 ha-datacenter" "$RC $OUT"
vifs --server 127.0.0.1 --portnumber "$VCSIM_PORT" --cacertsfile "$VCSIM_CA" \
    --sessionfile "$W/def.session" --rmdir "[$DS] d" -f
tap_eq "--sessionfile with the defaults" \
    "0 Deleted file '[$DS] d' successfully." "$RC $OUT"
tap_run "... the directory is gone" test ! -e "$D/d"
vifs "${DEF[@]}" --cacertsfile "$VCSIM_CA" --servicepath /sdk/webService \
    --listdc
tap_match "an explicit --servicepath is used as given: no VIM API there" \
    "^1 vifs: 127\\.0\\.0\\.1:$VCSIM_PORT: no VIM API at /sdk/webService: RetrieveServiceContent answered HTTP status 404" \
    "$RC $ERR"
vifs --url "https://127.0.0.1:$VCSIM_PORT/sdk/webService" --username root \
    --password "$VCSIM_PASSWORD" --cacertsfile "$VCSIM_CA" --listdc
tap_match "so is the path of an explicit --url" \
    "^1 vifs: .*no VIM API at /sdk/webService" "$RC $ERR"
vifs "${DEF[@]}" --servicepath /sdk --cacertsfile "$VCSIM_CA" --listdc
tap_eq "--servicepath /sdk reaches it" "0 ha-datacenter" "$RC $OUT"
vifs --url "$VCSIM_URL" --username root --password "$VCSIM_PASSWORD" \
    --listdc
tap_match "TLS trust applies to SOAP as to files: an unknown CA is refused" \
    "^1 vifs: $VCSIM_HOSTPORT: certificate not trusted" "$RC $ERR"

tap_done

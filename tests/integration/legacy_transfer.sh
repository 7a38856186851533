#!/usr/bin/env bash
# VMware vifs's file operations against a simulated ESXi host: --get and
# --put round trips (byte-exact) on /host, /tmp, "[datastore] path" and
# /folder?dsName= paths, names with awkward characters, --dir (text and
# XML), --listds, --rm (forced and prompted), and vifs's messages, exit
# status, short letters, argument order and operation priority.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup legacy_transfer
legacy_start_sim "$W/sim" 1 --http-port
DS1=$HOSTDIR/ds/$ESXSIM_DS1
DS2=$HOSTDIR/ds/$ESXSIM_DS2
L=$W/local
mkdir -p "$L"
head -c 3145728 /dev/urandom >"$L/rand.bin"
head -c 100000 /dev/urandom >"$L/small.bin"
: >"$L/empty.bin"

# --- /host -------------------------------------------------------------
vifs "${CONN[@]}" --get /host/esx.conf "$L/esx.conf"
tap_eq "--get /host/esx.conf exits 0" 0 "$RC"
tap_file_eq "--get /host/esx.conf is byte-exact" "$ESXSIM_SEED" "$L/esx.conf"
tap_eq "--get prints vifs's message" \
    "Downloaded file to $L/esx.conf successfully." "$OUT"
tap_eq "--get prints nothing on stderr" "" "$ERR"

mkdir "$L/into"
vifs "${CONN[@]}" --get /host/esx.conf "$L/into"
tap_file_eq "--get to a directory appends the remote name" "$ESXSIM_SEED" \
    "$L/into/esx.conf"
tap_eq "... and says so" \
    "Downloaded file to $L/into/esx.conf successfully." "$OUT"

vifs "${CONN[@]}" --get /host/esx.conf -
tap_eq "--get to - writes the file to stdout" "$(cat "$ESXSIM_SEED")" "$OUT"
tap_eq "... and the note to stderr" "Downloaded file to - successfully." \
    "$ERR"

{
    cat "$ESXSIM_SEED"
    printf '/adv/Misc/HostName = "esx-vifs-test"\n'
} >"$L/esx.conf.new"
vifs "${CONN[@]}" --put "$L/esx.conf.new" /host/esx.conf
tap_eq "--put /host/esx.conf replaces it" 0 "$RC"
tap_file_eq "... byte-exact" "$L/esx.conf.new" "$HOSTDIR/host/esx.conf"
tap_eq "--put prints vifs's message" \
    "Uploaded file $L/esx.conf.new to esx.conf successfully." "$OUT"

vifs "${CONN[@]}" --put "$L/small.bin" /host/new.cfg
tap_eq "--put of a new /host file fails" 1 "$RC"
tap_match "... with the reason first" \
    "^vifs: 127\.0\.0\.1:$ESXSIM_PORT: PUT /host/new\.cfg: .*replaced but not created" \
    "$ERR"
tap_match "... then vifs's message" \
    "Error: File $L/small.bin can not be uploaded to new\.cfg\.$" "$ERR"
tap_run "... and the host has no such file" test ! -e "$HOSTDIR/host/new.cfg"

# --- /tmp --------------------------------------------------------------
vifs "${CONN[@]}" --put "$L/rand.bin" /tmp/bundles/update.zip
tap_eq "--put to /tmp exits 0" 0 "$RC"
tap_file_eq "--put to /tmp is byte-exact (3 MiB)" "$L/rand.bin" \
    "$HOSTDIR/tmp/bundles/update.zip"

# --- datastores ----------------------------------------------------------
awkward='dir/a b&c#d%e+f[g]h é-日本.bin'
vifs "${CONN[@]}" --put "$L/rand.bin" "[$ESXSIM_DS1] $awkward"
tap_eq "--put to [ds] with & # % + [ ] space and UTF-8 exits 0" 0 "$RC"
tap_file_eq "... and lands under its exact name" "$L/rand.bin" "$DS1/$awkward"
tap_eq "... the message shows the path without [ds]" \
    "Uploaded file $L/rand.bin to $awkward successfully." "$OUT"
vifs "${CONN[@]}" --get "[$ESXSIM_DS1] $awkward" "$L/back.bin"
tap_file_eq "--get of that name is byte-exact" "$L/rand.bin" "$L/back.bin"

enc='a%20b%26c%23d%25e%2Bf%5Bg%5Dh%20%C3%A9-%E6%97%A5%E6%9C%AC.bin'
vifs "${CONN[@]}" --get "/folder/dir/$enc?dcPath=ha-datacenter&dsName=$ESXSIM_DS1" \
    "$L/back2.bin"
tap_file_eq "--get of /folder/...?dcPath=&dsName= is byte-exact" \
    "$L/rand.bin" "$L/back2.bin"
vifs "${CONN[@]}" --put "$L/small.bin" "/folder/url%20form/x%2By.bin?dsName=$ESXSIM_DS1"
tap_file_eq "--put to /folder/...?dsName= decodes the path" "$L/small.bin" \
    "$DS1/url form/x+y.bin"

vifs "${CONN[@]}" --put "$L/small.bin" "[$ESXSIM_DS2] sub dir/f&g.bin"
tap_file_eq "--put to a datastore named '$ESXSIM_DS2'" "$L/small.bin" \
    "$DS2/sub dir/f&g.bin"
vifs "${CONN[@]}" --get "/folder/sub%20dir/f%26g.bin?dsName=$ESXSIM_DS2_ENC" \
    "$L/back3.bin"
tap_file_eq "--get from it by /folder?dsName=$ESXSIM_DS2_ENC" \
    "$L/small.bin" "$L/back3.bin"

vifs "${CONN[@]}" --put "$L/empty.bin" "[$ESXSIM_DS1] empty.bin"
tap_eq "--put of an empty file exits 0" 0 "$RC"
vifs "${CONN[@]}" --get "[$ESXSIM_DS1] empty.bin" "$L/empty.back"
tap_file_eq "--get of an empty file" "$L/empty.bin" "$L/empty.back"

vifs "${CONN[@]}" --put "$L/small.bin" "[$ESXSIM_DS1] into/"
tap_file_eq "--put to a directory path appends the local name" \
    "$L/small.bin" "$DS1/into/small.bin"
tap_eq "... and says so" \
    "Uploaded file $L/small.bin to into/small.bin successfully." "$OUT"

# --- --dir and --listds ----------------------------------------------------
mkdir -p "$DS1/list/zz"
for f in b.txt a.txt B.txt 'é &.txt'; do
    printf 'x' >"$DS1/list/$f"
done
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] list"
tap_eq "--dir of a datastore directory: the links' text, as vifs prints it" \
    "$(printf '\nContent Listing\n---------------\n\nzz/\nB.txt\na.txt\nb.txt\né &amp;.txt')" \
    "$OUT"
tap_eq "--dir exits 0" 0 "$RC"
vifs "${CONN[@]}" --dir "/folder/list?dsName=$ESXSIM_DS1"
tap_match "--dir of the /folder?dsName= form" $'\na\\.txt\nb\\.txt' "$OUT"
vifs "${CONN[@]}" --dir /host
tap_eq "--dir /host" \
    "$(printf '\nContent Listing\n---------------\n\nesx.conf')" "$OUT"
vifs "${CONN[@]}" --dir "[$ESXSIM_DS2]"
tap_eq "--dir of the top of '$ESXSIM_DS2'" \
    "$(printf '\nContent Listing\n---------------\n\nsub dir/')" "$OUT"

vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] list" --output xml
printf '%s\n' "$OUT" >"$W/list.xml"
tap_run "--output xml is valid against listing.xsd" xmllint --noout \
    --schema "$srcdir/docs/schemas/listing.xsd" "$W/list.xml"
tap_match "... with the path and typed entries" \
    "<path>\[$ESXSIM_DS1\] list</path>.*<entry type=\"directory\">.*<name>zz</name>.*<entry type=\"file\" size=\"1\">.*<name>é &amp;\.txt</name>" \
    "$(tr -d '\n' <"$W/list.xml")"

vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] list" --output json
printf '%s\n' "$OUT" >"$W/list.json"
tap_run "--output json is valid against listing.schema.json" python3 \
    "$srcdir/tests/lib/json_valid.py" \
    "$srcdir/docs/schemas/listing.schema.json" "$W/list.json"
tap_eq "... with the XML's entries, in order" \
    "$(python3 -c 'import sys, xml.etree.ElementTree as E; print("/".join(n.text for n in E.parse(sys.argv[1]).iter("name")))' "$W/list.xml")" \
    "$(python3 -c 'import json,sys; print("/".join(e["name"] for e in json.load(open(sys.argv[1]))["entries"]))' "$W/list.json")"

vifs "${CONN[@]}" --listds
tap_eq "--listds lists the datastores" \
    "$(printf '\nContent Listing\n---------------\n\n%s\n%s' "$ESXSIM_DS1" "${ESXSIM_DS2//&/&amp;}")" \
    "$OUT"
vifs "${CONN[@]}" -S -Z ha-datacenter
tap_eq "-S -Z ha-datacenter the same" 0 "$RC"
tap_match "... listing $ESXSIM_DS2" "${ESXSIM_DS2//&/\\&amp;}" "$OUT"
vifs "${CONN[@]}" --listds --output xml
tap_match "--listds --output xml gives capacity and free space" \
    "<entry type=\"datastore\" capacity=\"[0-9]+\" free=\"[0-9]+\">" "$OUT"
vifs "${CONN[@]}" --listds --dc nowhere
tap_eq "--listds --dc of an unknown datacenter exits 1" 1 "$RC"
tap_match "... Can not list directory" \
    "GET https://127\.0\.0\.1:$ESXSIM_PORT/folder\?dcPath=nowhere unsuccessful : 404 Not Found"$'\n'"Error: Can not list directory '/folder\?dcPath=nowhere'\.$" \
    "$ERR"

vifs "${CONN[@]}" --dir /tmp
tap_eq "--dir /tmp exits 1" 1 "$RC"
tap_eq "... Listing of /tmp is not supported." \
    "Listing of /tmp is not supported." "$ERR"
vifs "${CONN[@]}" --dir dir/plain
tap_eq "--dir of a path without datastore: Invalid format" \
    "1 Invalid format : dir/plain." "$RC $ERR"
vifs "${CONN[@]}" --dir "[$ESXSIM_DS1] nothere"
tap_eq "--dir of a missing directory exits 1" 1 "$RC"
tap_match "... reason, GET line, vifs's message" \
    "^vifs: .*no such file.*"$'\n'"GET .* unsuccessful : 404 Not Found"$'\n'"Error: Can not list directory '\\[$ESXSIM_DS1\\] nothere'\\.$" \
    "$ERR"

# --- --rm ----------------------------------------------------------------
cp "$L/small.bin" "$DS1/list/rm-me.bin"
vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] list/rm-me.bin" --force
tap_eq "--rm --force exits 0" 0 "$RC"
tap_eq "... vifs's message" \
    "Deleted file '[$ESXSIM_DS1] list/rm-me.bin' successfully." "$OUT"
tap_run "... the file is gone" test ! -e "$DS1/list/rm-me.bin"

cp "$L/small.bin" "$DS1/list/keep.bin"
printf 'n\n' >"$W/no"
VIFS_STDIN=$W/no vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] list/keep.bin"
tap_eq "--rm answered n exits 1" 1 "$RC"
tap_eq "... after the prompt: aborted" \
    "Remove 'list/keep.bin'? (y/n) : Deletion of file has been aborted." "$OUT"
tap_run "... the file is still there" cmp -s "$L/small.bin" "$DS1/list/keep.bin"
VIFS_STDIN=/dev/null vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] list/keep.bin"
tap_eq "--rm with no answer (end of input) aborts" 1 "$RC"
tap_run "... the file is still there" test -e "$DS1/list/keep.bin"
printf 'nope\n' >"$W/nope"
VIFS_STDIN=$W/nope vifs "${CONN[@]}" -r "[$ESXSIM_DS1] list/keep.bin"
tap_eq "--rm answered 'nope' aborts" \
    "1 Remove 'list/keep.bin'? (y/n) : Deletion of file has been aborted." \
    "$RC $OUT"
tap_eq "... stderr holds vifs's die \"\\n\": one empty line" \
    "$(printf '\n' | od -An -c)" "$(od -An -c <"$W/err")"
printf 'okay\n' >"$W/okay"
VIFS_STDIN=$W/okay vifs "${CONN[@]}" -r "[$ESXSIM_DS1] list/keep.bin"
tap_eq "-r answered 'okay' deletes (a y anywhere, as vifs matches)" \
    "0 Remove 'list/keep.bin'? (y/n) : Deleted file '[$ESXSIM_DS1] list/keep.bin' successfully." \
    "$RC $OUT"
tap_run "... the file is gone" test ! -e "$DS1/list/keep.bin"

vifs "${CONN[@]}" --rm /host/esx.conf
tap_eq "--rm /host/... is refused without a prompt" \
    "1||Deleting of paths in /host is not supported." "$RC|$OUT|$ERR"
vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] list" -f
tap_eq "--rm of a directory exits 1" 1 "$RC"
tap_match "... the file service deletes files only" \
    "deletes files only.*"$'\n'"Unable to delete \\[$ESXSIM_DS1\\] list:"$'\n'"405 Not Allowed$" \
    "$ERR"
vifs "${CONN[@]}" --rm "[$ESXSIM_DS1] list/none.bin" -f
tap_match "--rm of a missing file: no such file" \
    "no such file.*"$'\n'"Unable to delete \\[$ESXSIM_DS1\\] list/none\\.bin:"$'\n'"404 Not Found$" \
    "$ERR"

# --- vifs's checks and messages ---------------------------------------------
vifs "${CONN[@]}" --get "[$ESXSIM_DS1] none.bin" "$L/none.bin"
tap_eq "--get of a missing file exits 1" 1 "$RC"
tap_eq "... reason, GET line, vifs's message" \
    "vifs: 127.0.0.1:$ESXSIM_PORT: no such file: /folder/none.bin?dsName=$ESXSIM_DS1
GET $ESXSIM_URL/folder/none.bin?dsName=$ESXSIM_DS1 unsuccessful : 404 Not Found
Error: File can not be downloaded to $L/none.bin." "$ERR"
tap_run "... and creates no local file" test ! -e "$L/none.bin"
tap_run "... nor leaves a temporary one" no_part_files "$L"

vifs "${CONN[@]}" --get /host/esx.conf
tap_eq "--get without LOCAL: Undefined local target" \
    "1 Error: Undefined local target." "$RC $ERR"
vifs "${CONN[@]}" --put "$L/small.bin"
tap_eq "--put without REMOTE: Undefined remote target" \
    "1 Error: Undefined remote target." "$RC $ERR"
vifs "${CONN[@]}" --put "$L" "[$ESXSIM_DS1] x"
tap_eq "--put of a directory" \
    "1 Error: File to be uploaded cannot be a folder." "$RC $ERR"
vifs "${CONN[@]}" --put "$L/nothere" "[$ESXSIM_DS1] x"
tap_eq "--put of a missing file" \
    "1 Error: File $L/nothere does not exist." "$RC $ERR"
vifs "${CONN[@]}" --get /host/esx.conf "$L/a" "$L/b"
tap_eq "two left-over arguments: none is the destination" \
    "1 Error: Undefined local target." "$RC $ERR"
vifs "${CONN[@]}" --get "[$ESXSIM_DS1] ../etc" "$L/x"
tap_match "a '..' segment is refused" \
    "^vifs: invalid remote path .*'\\.\\.' segments are not allowed" "$ERR"

vifs -g /host/esx.conf "$L/short.conf" --server 127.0.0.1 --portnumber \
    "$ESXSIM_PORT" --username root --password "$ESXSIM_PASSWORD" \
    -t "$ESXSIM_CA"
tap_file_eq "short letters, destination before the options" \
    "$L/esx.conf.new" "$L/short.conf"
vifs -get /host/esx.conf "$L/single.conf" -server 127.0.0.1 \
    -portnumber "$ESXSIM_PORT" -username root -password "$ESXSIM_PASSWORD" \
    -cacertsfile "$ESXSIM_CA"
tap_file_eq "-name value forms of the long options" "$L/esx.conf.new" \
    "$L/single.conf"
vifs --get=/host/esx.conf "$L/eq.conf" --server=127.0.0.1 \
    --portnumber="$ESXSIM_PORT" --username=root \
    --password="$ESXSIM_PASSWORD" --cacertsfile="$ESXSIM_CA"
tap_file_eq "--name=value forms" "$L/esx.conf.new" "$L/eq.conf"
vifs "${CONN[@]}" -p "$L/small.bin" "[$ESXSIM_DS1] short.bin"
tap_file_eq "-p LOCAL REMOTE" "$L/small.bin" "$DS1/short.bin"
vifs "${CONN[@]}" -D /host
tap_match "-D /host" 'esx\.conf' "$OUT"

vifs "${CONN[@]}" --get /host/esx.conf "$L/prio.conf" --dir /host
tap_match "--dir wins over --get" 'Content Listing' "$OUT"
tap_run "... and nothing is downloaded" test ! -e "$L/prio.conf"
cp "$L/small.bin" "$DS1/prio.bin"
vifs "${CONN[@]}" --dir /host --rm "[$ESXSIM_DS1] prio.bin" -f
tap_match "--rm wins over --dir" "^Deleted file" "$OUT"
vifs "${CONN[@]}" --put "$L/small.bin" "[$ESXSIM_DS1] p.bin" --get /host/esx.conf
tap_match "--put wins over --get" "^Uploaded file" "$OUT"
vifs "${CONN[@]}" --dir /host --listds
tap_match "--listds wins over --dir" "${ESXSIM_DS2//&/\\&amp;}" "$OUT"

# The simulated hosts have no VIM API (their /sdk/webService is a 401
# page): the SOAP operations say so.  tests/integration/vim_*.sh run them
# against the vSphere simulator.
for op in mkdir rmdir copy move; do
    vifs "${CONN[@]}" "--$op" "[$ESXSIM_DS1] a" "[$ESXSIM_DS1] b" -f
    tap_eq "--$op exits 1" 1 "$RC"
    tap_match "... no VIM API on this host" \
        "^vifs: 127\\.0\\.0\\.1:$ESXSIM_PORT: no VIM API at /sdk/webService" \
        "$ERR"
done
vifs "${CONN[@]}" --listdc
tap_match "--listdc: no VIM API on this host" \
    "^1 vifs: .*no VIM API at /sdk/webService" "$RC $ERR"
vifs "${CONN[@]}" --rmdir "[$ESXSIM_DS1] a" --get /host/esx.conf "$L/r.conf"
tap_eq "--rmdir wins over --get, so nothing is done" "1" "$RC"
tap_run "... nothing downloaded" test ! -e "$L/r.conf"

vifs "${CONN[@]}"
tap_eq "no operation: vifs's three lines, exit 1" \
    "1 At least one of command argument must be supplied.
For a summary of command usage, type 'vifs --help'.
For documentation, type 'man vifs'." "$RC $ERR"
vifs "${CONN[@]}" --bogus
tap_eq "an unknown option exits 1" 1 "$RC"
tap_match "... Unknown option: bogus" "^Unknown option: bogus" "$ERR"
vifs "${CONN[@]}" --get
tap_match "an option without its value exits 1" \
    "^1 Option get requires an argument" "$RC $ERR"
vifs "${CONN[@]}" --dir /host --output yaml
tap_match "--output yaml is refused" "^1 vifs: --output" "$RC $ERR"

vifs --help
tap_eq "--help exits 0" 0 "$RC"
tap_match "--help: VILib's synopsis" \
    $'^\nSynopsis: vifs OPTIONS \\[<destination_path>\\]' "$OUT"
for o in get put dir listds rm force dc cacertsfile thumbprint \
    known-hosts insecure timeout; do
    tap_match "--help lists --$o" "   --$o" "$OUT"
done
tap_match "--help shows short letters" $'   --get\n    -g\n' "$OUT"
vifs --version
tap_match "--version exits 0" '^0 vifs [0-9]+\.[0-9]+\.[0-9]+' "$RC $OUT"

# --- plain HTTP ------------------------------------------------------------
vifs --protocol http --server 127.0.0.1 --portnumber "$ESXSIM_HTTP_PORT" \
    --username root --password "$ESXSIM_PASSWORD" --get /host/esx.conf \
    "$L/http.conf"
tap_file_eq "--protocol http" "$ESXSIM_SEED" "$L/http.conf"
vifs --url "$ESXSIM_HTTP_URL/sdk/webService" --username root \
    --password "$ESXSIM_PASSWORD" --dir /host
tap_match "--url http://.../sdk/webService" 'esx\.conf' "$OUT"
# A password in cleartext is said as loudly as --insecure, whichever way
# plain http was chosen; fleets too.
CLEAR="^vifs: warning: plain http: 127\.0\.0\.1:$ESXSIM_HTTP_PORT: the password crosses the network in cleartext"
tap_match "--url http://: a warning about the cleartext password" \
    "$CLEAR" "$ERR"
vifs --protocol http --server 127.0.0.1 --portnumber "$ESXSIM_HTTP_PORT" \
    --username root --password "$ESXSIM_PASSWORD" --dir /host
tap_match "--protocol http: the same warning" "$CLEAR" "$ERR"
VI_PROTOCOL=http vifs --server 127.0.0.1 --portnumber "$ESXSIM_HTTP_PORT" \
    --username root --password "$ESXSIM_PASSWORD" --dir /host
tap_match "VI_PROTOCOL=http: the same warning" "$CLEAR" "$ERR"
printf 'VI_PROTOCOL = http\nVI_SERVER = 127.0.0.1\nVI_PORTNUMBER = %s\n' \
    "$ESXSIM_HTTP_PORT" >"$HOME/.visdkrc"
vifs --username root --password "$ESXSIM_PASSWORD" --dir /host
tap_match "~/.visdkrc with VI_PROTOCOL = http: the same warning" \
    "$CLEAR" "$ERR"
rm -f "$HOME/.visdkrc"
vifs --server 127.0.0.1 --portnumber "$ESXSIM_PORT" --username root \
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA" --dir /host
tap_eq "https: no such warning" "0 " "$RC $ERR"
printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$ESXSIM_HTTP_PORT" \
    "$ESXSIM_HTTP_PORT" >"$W/http-servers"
vifs --servers "$W/http-servers" --protocol http --username root \
    --password "$ESXSIM_PASSWORD" --get /host/esx.conf "$L/http-fleet"
tap_match "a fleet with --protocol http: warned once" \
    "^vifs: warning: plain http \(--protocol http\): passwords cross the network in cleartext" \
    "$ERR"

# --- hostile connection options ------------------------------------------------
vifs --server 127.0.0.1 --portnumber 99999 --username root --password x \
    --dir /host
tap_eq "a port out of range" \
    "1 vifs: --portnumber: '99999' is not a port number" "$RC $ERR"
vifs --server 127.0.0.1 --portnumber 44x --username root --password x \
    --dir /host
tap_eq "a port that is no number" \
    "1 vifs: --portnumber: '44x' is not a port number" "$RC $ERR"
vifs --protocol ftp --server 127.0.0.1 --username root --password x \
    --dir /host
tap_eq "a protocol other than http(s)" \
    "1 vifs: --protocol: 'ftp' is neither https nor http" "$RC $ERR"
vifs --server 'esx01/../x' --username root --password x --dir /host
tap_match "a server name with a slash" \
    "^1 vifs: --server: 'esx01/\.\./x' is not a host name" "$RC $ERR"
vifs --server 'root@esx01' --username root --password x --dir /host
tap_match "a server name with user information" "^1 vifs: --server:" \
    "$RC $ERR"
vifs --url 'ftp://esx01/sdk' --username root --password x --dir /host
tap_match "a --url that is not http(s)" "^1 vifs: invalid server URL" \
    "$RC $ERR"
vifs --url 'https://user@esx01/sdk' --username root --password x --dir /host
tap_match "a --url with user information" "^1 vifs: invalid server URL" \
    "$RC $ERR"
vifs --server ::1 --portnumber "$(esxsim_pick_ports 1)" --username root \
    --password x --dir /host
tap_match "an IPv6 server gets brackets" "^1 vifs: \[::1\]:[0-9]+: " \
    "$RC $ERR"
vifs "${CONN[@]}" --get $'[datastore1] a\nb' "$L/evil"
tap_eq "a path with a line break is sent encoded (no such file)" 1 "$RC"
tap_match "... as %0A" "/folder/a%0Ab\\?dsName=datastore1" "$ERR"

tap_done

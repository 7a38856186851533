#!/usr/bin/env bash
# Credentials of the legacy options against a simulated ESXi host: wrong
# password, none at all, VI_* environment, --config file, the credential
# store made with `vifs credstore`, the precedence between them, prompts
# on a terminal (password never echoed), --sessionfile, and a password that
# never shows: not in --verbose traces, not in the process list.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

legacy_setup legacy_auth
legacy_start_sim "$W/sim" 1
PW=$ESXSIM_PASSWORD
HOST=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT" --cacertsfile "$ESXSIM_CA")
L=$W/local
mkdir -p "$L"
requests() {
    grep -c . "$ESXSIM_DIR/access.log" || true
}

# --- wrong and missing credentials -----------------------------------------
vifs "${HOST[@]}" --username root --password wrong --get /host/esx.conf \
    "$L/a.conf"
tap_eq "a wrong password exits 1" 1 "$RC"
tap_eq "... with the reason, the GET line and vifs's message" \
    "vifs: authentication failed for root@127.0.0.1:$ESXSIM_PORT
GET $ESXSIM_URL/host/esx.conf unsuccessful : 401 Unauthorized
Error: File can not be downloaded to $L/a.conf." "$ERR"
tap_run "... and no local file" test ! -e "$L/a.conf"
vifs "${HOST[@]}" --username nobody --password "$PW" --dir /host
tap_match "an unknown user: authentication failed for nobody@" \
    "^vifs: authentication failed for nobody@127\.0\.0\.1:$ESXSIM_PORT" "$ERR"

before=$(requests)
vifs "${HOST[@]}" --get /host/esx.conf "$L/a.conf"
tap_eq "no credentials and no terminal exits 1" 1 "$RC"
tap_match "... after VILib's user prompt (empty input), its message on stdout" \
    "^Enter username: Must have one of command options 'sessionfile', 'passthroughauth', 'credstore' or a 'username' and 'password' pair"$'\n' \
    "$OUT"
tap_match "... then the usage" "Synopsis: vifs OPTIONS" "$OUT"
tap_eq "... and nothing is sent" "$before" "$(requests)"
vifs "${HOST[@]}" --username root --get /host/esx.conf "$L/a.conf"
tap_match "a user without password, no terminal: the same message" \
    "^1 Must have one of command options" "$RC $OUT"
vifs "${HOST[@]}" --passthroughauth --get /host/esx.conf "$L/a.conf"
tap_match "--passthroughauth is refused clearly" \
    "^1 vifs: --passthroughauth: .*VIM API" "$RC $ERR"
vifs "${CONN[@]}" --savesessionfile "$W/s" --get /host/esx.conf "$L/a.conf"
tap_match "--savesessionfile needs a SOAP login, which this host cannot give" \
    "^1 vifs: .*no VIM API at /sdk/webService" "$RC $ERR"
tap_run "... no session file, no download" test ! -e "$W/s" -a ! -e "$L/a.conf"

# --- environment, configuration file, precedence ------------------------------
VI_SERVER=127.0.0.1 VI_PORTNUMBER=$ESXSIM_PORT VI_USERNAME=root \
    VI_PASSWORD=$PW VI_CACERTFILE=$ESXSIM_CA \
    vifs --get /host/esx.conf "$L/env.conf"
tap_file_eq "VI_SERVER, VI_PORTNUMBER, VI_USERNAME, VI_PASSWORD, VI_CACERTFILE" \
    "$ESXSIM_SEED" "$L/env.conf"
VI_URL=$ESXSIM_URL/sdk/webService VI_USERNAME=root VI_PASSWORD=$PW \
    VI_CACERTFILE=$ESXSIM_CA vifs --get /host/esx.conf "$L/url.conf"
tap_file_eq "VI_URL" "$ESXSIM_SEED" "$L/url.conf"
VI_PASSWORD=$PW vifs "${HOST[@]}" --username root --password wrong \
    --dir /host
tap_match "the command line wins over the environment (bad)" \
    "^1 vifs: authentication failed" "$RC $ERR"
VI_PASSWORD=wrong vifs "${HOST[@]}" --username root --password "$PW" \
    --dir /host
tap_eq "the command line wins over the environment (good)" 0 "$RC"

printf 'VI_SERVER = 127.0.0.1\r\nVI_PORTNUMBER=%s\r\n# VI_USERNAME=nobody\r\nVI_USERNAME =root\r\nVI_PASSWORD= %s\r\nVI_CACERTFILE=%s\r\n' \
    "$ESXSIM_PORT" "$PW" "$ESXSIM_CA" >"$W/visdkrc"
vifs --config "$W/visdkrc" --get /host/esx.conf "$L/cfg.conf"
tap_file_eq "--config file (CRLF, blanks around =, a comment)" \
    "$ESXSIM_SEED" "$L/cfg.conf"
VI_CONFIG=$W/visdkrc vifs --dir /host
tap_eq "VI_CONFIG names the file" 0 "$RC"
cp "$W/visdkrc" "$HOME/.visdkrc"
vifs --dir /host
tap_eq "~/.visdkrc is read by default" 0 "$RC"
rm -f "$HOME/.visdkrc"
VI_PASSWORD=wrong vifs --config "$W/visdkrc" --dir /host
tap_match "the environment wins over the config file" \
    "^1 vifs: authentication failed" "$RC $ERR"
vifs --config "$W/visdkrc" --password wrong --dir /host
tap_match "the command line wins over the config file" \
    "^1 vifs: authentication failed" "$RC $ERR"
: >"$W/empty.rc"
vifs --config "$W/empty.rc" "${CONN[@]}" --dir /host
tap_match "an empty config file: the Perl tools' warning" \
    $'^0 \nWarning : The file exists but is empty\\.$' "$RC $ERR"
vifs --config "$W/none.rc" "${CONN[@]}" --dir /host
tap_eq "a missing config file: a warning, then on" \
    "0 
Warning: Unable to open file '$W/none.rc'." "$RC $ERR"

# --- credential store ----------------------------------------------------------
CS=$W/cs.xml
vifs credstore --credstore "$CS" add -s 127.0.0.1 -u root -p "$PW"
tap_eq "credstore add" "0 New entry added successfully" "$RC $OUT"
tap_match "... writes the vSphere CLI's XML" \
    '<viCredentials>.*<host>127\.0\.0\.1</host>.*<username>root</username>.*<password>' \
    "$(tr -d '\n' <"$CS")"
if grep -qF -- "$PW" "$CS"; then
    tap_fail "... without the password in clear"
else
    tap_ok "... without the password in clear"
fi
vifs credstore -f "$CS" list
tap_eq "credstore list" "Server       User Name   
127.0.0.1    root        " "$OUT"
vifs --credstore "$CS" "${HOST[@]}" --get /host/esx.conf "$L/cs.conf"
tap_file_eq "user and password from the credential store" "$ESXSIM_SEED" \
    "$L/cs.conf"
VI_CREDSTORE=$CS vifs "${HOST[@]}" --username root --dir /host
tap_eq "VI_CREDSTORE, user given: password from the store" 0 "$RC"
vifs --credstore "$CS" "${HOST[@]}" --password wrong --dir /host
tap_match "a given password wins over the store" \
    "^1 vifs: authentication failed for root@" "$RC $ERR"

vifs credstore add -s 127.0.0.1 -u root -p "$PW"
tap_eq "credstore add to the default store" 0 "$RC"
DEF=$HOME/.vmware/credstore/vicredentials.xml
tap_eq "... ~/.vmware/credstore/vicredentials.xml, mode 600" 600 \
    "$(stat -c %a "$DEF" 2>/dev/null)"
vifs "${HOST[@]}" --dir /host
tap_eq "the default store is read without --credstore" 0 "$RC"

vifs credstore -f "$CS" add -s "127.0.0.1:$ESXSIM_PORT" -u root -p "$PW"
vifs credstore -f "$CS" remove -s 127.0.0.1 -u root
tap_eq "credstore remove" "0 Existing entry deleted successfully." "$RC $OUT"
vifs --credstore "$CS" --url "$ESXSIM_URL/sdk" --cacertsfile "$ESXSIM_CA" \
    --dir /host
tap_eq "with --url the store is searched for host:port" 0 "$RC"
vifs credstore -f "$CS" add -s "127.0.0.1:$ESXSIM_PORT" -u root -p other
tap_eq "credstore add again" "0 Existing entry modified successfully." \
    "$RC $OUT"
vifs --credstore "$CS" --url "$ESXSIM_URL/sdk" --cacertsfile "$ESXSIM_CA" \
    --dir /host
tap_match "... the new password is the one used" \
    "^1 vifs: authentication failed" "$RC $ERR"
vifs credstore -f "$CS" add -s "127.0.0.1:$ESXSIM_PORT" -u admin -p x
vifs --credstore "$CS" --url "$ESXSIM_URL/sdk" --cacertsfile "$ESXSIM_CA" \
    --dir /host
tap_match "two users stored, empty input: VILib's two user prompts, no credentials" \
    "^Enter username: Enter username: Must have one of command options" "$OUT"
vifs credstore -f "$CS" list -s "127.0.0.1:$ESXSIM_PORT"
tap_eq "credstore list -s" "Server       User Name   
127.0.0.1:$ESXSIM_PORT admin       
127.0.0.1:$ESXSIM_PORT root        " "$OUT"
vifs credstore -f "$CS" remove -s nohost -u root
tap_eq "credstore remove of a missing entry" "0 Entry not found." "$RC $OUT"
vifs credstore -f "$CS" clear
tap_eq "credstore clear" "0 All entries have be removed successfully." \
    "$RC $OUT"
vifs credstore -f "$CS" list
tap_eq "... leaves an empty store" "Server       User Name   " "$OUT"
vifs credstore -f "$W/none.xml" list
tap_match "credstore list of a missing file exits 1" \
    "^1 .*"$'\n'"ERROR: File not found: $W/none\\.xml\\.$" "$RC $ERR"
vifs credstore -f "$CS" add -s 127.0.0.1 -p x
tap_match "credstore add without -u is a usage error" \
    "^2 vifs: credstore: User name not specified\." "$RC $ERR"
vifs credstore -f "$CS" get -s 127.0.0.1 -u root
tap_match "credstore get is refused: no password is ever printed" \
    "^2 vifs: credstore: there is no 'get'" "$RC $ERR"
vifs credstore -f "$CS" add list
tap_match "two commands" "^2 vifs: credstore: Multiple commands" "$RC $ERR"
vifs credstore -f "$CS" add -s 127.0.0.1 -u root
tap_match "credstore add without -p and no terminal exits 1" \
    "^1 vifs: credstore: no --password given and no terminal" "$RC $ERR"
vifs credstore help
tap_match "credstore help" "^0 usage: vifs credstore" "$RC $OUT"

# --- prompts on a terminal ------------------------------------------------------
mv "$DEF" "$W/default-store.xml"
vifs_tty "$W/tty.log" "${HOST[@]}" --get /host/esx.conf "$L/tty.conf"
tty_answer "$W/tty.log" "Enter username: " root
tty_answer "$W/tty.log" "Enter password: " "$PW"
legacy_tty_wait
tap_eq "user and password typed at the prompts" 0 "$RC"
tap_file_eq "... the download is done" "$ESXSIM_SEED" "$L/tty.conf"
tap_match "... the user is echoed" "Enter username: root" \
    "$(cat "$W/tty.log")"
if grep -qF -- "$PW" "$W/tty.log"; then
    tap_fail "... the password is not echoed" "$(cat -A "$W/tty.log")"
else
    tap_ok "... the password is not echoed"
fi

vifs_tty "$W/tty3.log" "${HOST[@]}" --username root --get /host/esx.conf \
    "$L/intr.conf"
if wait_for 20 grep -qsF "Enter password: " "$W/tty3.log"; then
    printf '\003' >&7
fi
legacy_tty_wait
tap_eq "^C at the password prompt ends vifs as killed by SIGINT" 130 "$RC"
if grep -q "Must have" "$W/tty3.log"; then
    tap_fail "... without the missing-credentials message" \
        "$(cat "$W/tty3.log")"
else
    tap_ok "... without the missing-credentials message"
fi

rm -f "$CS"
vifs_tty "$W/tty2.log" credstore -f "$CS" add -s 127.0.0.1 -u root
tty_answer "$W/tty2.log" "Enter password: " "$PW"
tty_answer "$W/tty2.log" "Re-enter password: " "$PW"
legacy_tty_wait
tap_eq "credstore add asks for the password twice" 0 "$RC"
if grep -qF -- "$PW" "$W/tty2.log"; then
    tap_fail "... without echo" "$(cat -A "$W/tty2.log")"
else
    tap_ok "... without echo"
fi
vifs --credstore "$CS" "${HOST[@]}" --dir /host
tap_eq "... and the password typed works" 0 "$RC"
mv "$W/default-store.xml" "$DEF"

# --- the password never shows ------------------------------------------------------
b64=$(printf 'root:%s' "$PW" | base64)
vifs "${CONN[@]}" --verbose --get /host/esx.conf "$L/v.conf"
tap_eq "--verbose transfers" 0 "$RC"
tap_match "--verbose traces the request on stderr" \
    "> GET /host/esx.conf HTTP/1\.1" "$ERR"
tap_match "... with the Authorization header masked" \
    "> Authorization: \(hidden\)" "$ERR"
leak=0
grep -qF -- "$PW" "$W/err" && leak=1
grep -qF -- "$b64" "$W/err" && leak=1
grep -qF -- "${b64%%=*}" "$W/err" && leak=1
tap_eq "... neither the password nor base64(user:password) in the trace" \
    0 "$leak"
vifs --credstore "$DEF" "${HOST[@]}" --verbose --put "$L/v.conf" \
    /host/esx.conf
leak=0
grep -qF -- "$PW" "$W/err" && leak=1
grep -qF -- "${b64%%=*}" "$W/err" && leak=1
tap_eq "--verbose --put with the store: no password either" "0 0" \
    "$RC $leak"
tap_match "... the trace says where the password came from" \
    "password of root@127\.0\.0\.1 from the credential store" "$ERR"

# A transfer that stalls keeps vifs running long enough to look at it.
"$LEGACY_BIN" --server 127.0.0.1 --portnumber "$ESXSIM_STALL_PORT" \
    --username root --password "$PW" --cacertsfile "$ESXSIM_CA" \
    --timeout 20 --get /host/esx.conf "$L/stall.conf" \
    </dev/null >/dev/null 2>&1 &
pid=$!
cmdline_has_get() {
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '--get'
}
# The password is wiped once the options are parsed, which under a loaded
# sanitizer build may take a moment: poll while vifs is still running (it
# stalls for 20 s) rather than guess a delay.
cmdline_scrubbed() {
    cmdline_has_get &&
        ! tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PW"
}
if ! wait_for 10 cmdline_has_get; then
    tap_fail "the password is cleared from the process list" \
        "vifs did not start"
elif wait_for 10 cmdline_scrubbed; then
    tap_ok "the password is cleared from the process list"
else
    tap_fail "the password is cleared from the process list" \
        "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --- session file ------------------------------------------------------------------
printf '#LWP-Cookies-1.0\nSet-Cookie3: vmware_soap_session="\\"52f0\\""; path="/"; domain=127.0.0.1; path_spec; secure; discard; HttpOnly; version=0\n' \
    >"$W/session"
vifs --sessionfile "$W/session" --server elsewhere.invalid \
    --portnumber "$ESXSIM_PORT" --cacertsfile "$ESXSIM_CA" --verbose \
    --dir /host
tap_match "--sessionfile: the host is the cookie's domain" \
    "> Host: 127\.0\.0\.1:$ESXSIM_PORT" "$ERR"
tap_match "... the session cookie is sent, masked in the trace" \
    "> Cookie: \(hidden\)" "$ERR"
if grep -q "Must have one of" "$W/out" || grep -q 'Authorization' "$W/err"
then
    tap_fail "... and no credentials are asked for or sent"
else
    tap_ok "... and no credentials are asked for or sent"
fi
tap_match "... the session is checked first: this host has no VIM API" \
    "no VIM API at /sdk/webService" "$ERR"
printf 'not a cookie file\n' >"$W/bad-session"
vifs --sessionfile "$W/bad-session" --dir /host
tap_match "a session file that is no LWP cookie file" \
    "^1 vifs: .*not an LWP cookie file" "$RC $ERR"

# --- limited user -------------------------------------------------------------------
vifs "${HOST[@]}" --username "$ESXSIM_LIMITED_USER" \
    --password "$ESXSIM_LIMITED_PASSWORD" --put "$L/v.conf" /tmp/x.bin
tap_match "a user without the privilege: permission denied names it" \
    "^1 vifs: 127\.0\.0\.1:$ESXSIM_PORT: permission denied for PUT /tmp/x\.bin: the user needs the privilege Host\.Config\.SystemManagement" \
    "$RC $ERR"

tap_done

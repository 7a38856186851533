#!/usr/bin/env bash
# vifs-agent inventory --upload against a simulated ESXi host: to /tmp and
# to datastores (byte-exact, the same bytes as -o), with vifs's connection
# options from the command line, the VI_* environment, a --config file, a
# credential store and a terminal prompt; a wrong password, no credentials,
# an untrusted certificate, pinned thumbprints and the known-hosts file;
# usage errors; and no network at all without --upload.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

AGENT=${VIFS_AGENT_BIN:?VIFS_AGENT_BIN must name the vifs-agent binary}
DUMP=${VIFS_FIXTURES:?VIFS_FIXTURES must name the fixtures}/pci/seed-sample1.lspci
export SOURCE_DATE_EPOCH=1700000000
# Under ASan: leaks inside libpci and libudev are not ours.
export LSAN_OPTIONS="suppressions=$srcdir/tests/cli/agent_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

legacy_setup agent_upload
legacy_start_sim "$W/sim" 1
PW=$ESXSIM_PASSWORD
HOST=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT")
TMPD=$HOSTDIR/tmp
DS1=$HOSTDIR/ds/$ESXSIM_DS1
DS2=$HOSTDIR/ds/$ESXSIM_DS2
L=$W/local
mkdir -p "$L"
cd "$L" || tap_die "cannot enter $L"

# agent ARGS...: vifs-agent inventory of the dump, without a terminal and
# with stdin from /dev/null; sets RC, OUT, ERR.
agent() {
    RC=0
    setsid -w "$AGENT" inventory -q --dump "$DUMP" "$@" </dev/null \
        >"$W/out" 2>"$W/err" || RC=$?
    OUT=$(cat "$W/out")
    ERR=$(cat "$W/err")
}
requests() {
    grep -c . "$ESXSIM_DIR/access.log" || true
}

"$AGENT" inventory -q --dump "$DUMP" -o "$L/ref.xml" ||
    tap_die "vifs-agent inventory -o failed"
grep -q '<device address=' "$L/ref.xml" || tap_die "no devices in ref.xml"

# --- targets ---------------------------------------------------------------
agent "${CONN[@]}" -o "$L/both.xml" --upload /tmp/inv.xml
tap_eq "-o and --upload /tmp/inv.xml exit 0" 0 "$RC"
tap_eq "... print nothing on stdout" "" "$OUT"
tap_eq "... nor on stderr" "" "$ERR"
tap_file_eq "... the uploaded bytes are the -o file's" "$L/both.xml" \
    "$TMPD/inv.xml"
tap_file_eq "... which is the inventory of the dump" "$L/ref.xml" \
    "$L/both.xml"
tap_match "... sent as one PUT by root" \
    "^$ESXSIM_PORT root \"PUT /tmp/inv\\.xml HTTP/1\\.1\" 20[14] " \
    "$(tail -1 "$ESXSIM_DIR/access.log")"

agent "${CONN[@]}" --upload "[$ESXSIM_DS1] inventory/host-1.xml"
tap_eq "--upload \"[$ESXSIM_DS1] inventory/host-1.xml\" exits 0" 0 "$RC"
tap_eq "... --upload alone writes nothing on stdout" "" "$OUT"
tap_file_eq "... the file is on the datastore, directory made" \
    "$L/ref.xml" "$DS1/inventory/host-1.xml"

agent "${CONN[@]}" --upload "[$ESXSIM_DS2] inv/é & #1.xml"
tap_eq "a datastore and a file name with blanks, &, # and UTF-8" 0 "$RC"
tap_file_eq "... land under their exact names" "$L/ref.xml" \
    "$DS2/inv/é & #1.xml"

agent "${CONN[@]}" -o - --upload /tmp/stdout.xml
tap_eq "-o - with --upload: the document on stdout too" \
    "0 $(cat "$L/ref.xml")" "$RC $OUT"
tap_file_eq "... and on the host" "$L/ref.xml" "$TMPD/stdout.xml"

agent "${CONN[@]}" --upload "/folder/inventory/url.xml?dsName=$ESXSIM_DS1_ENC&dcPath=ha-datacenter"
tap_eq "the /folder URL form" 0 "$RC"
tap_file_eq "... lands on the datastore" "$L/ref.xml" "$DS1/inventory/url.xml"

# --- where the settings come from -------------------------------------------
VI_SERVER=127.0.0.1 VI_PORTNUMBER=$ESXSIM_PORT VI_USERNAME=root \
    VI_PASSWORD=$PW VI_CACERTFILE=$ESXSIM_CA agent --upload /tmp/env.xml
tap_eq "VI_SERVER, VI_PORTNUMBER, VI_USERNAME, VI_PASSWORD, VI_CACERTFILE" \
    0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/env.xml"
VI_URL=$ESXSIM_URL/sdk/webService VI_USERNAME=root VI_PASSWORD=$PW \
    VI_CACERTFILE=$ESXSIM_CA agent --upload /tmp/url.xml
tap_eq "VI_URL" 0 "$RC"
VI_PASSWORD=wrong agent "${CONN[@]}" --upload /tmp/cmdline.xml
tap_eq "the command line wins over the environment" 0 "$RC"

printf 'VI_SERVER = 127.0.0.1\nVI_PORTNUMBER=%s\nVI_USERNAME=root\nVI_PASSWORD=%s\nVI_CACERTFILE=%s\n' \
    "$ESXSIM_PORT" "$PW" "$ESXSIM_CA" >"$W/visdkrc"
agent --config "$W/visdkrc" --upload /tmp/config.xml
tap_eq "--config file" 0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/config.xml"
VI_PASSWORD=wrong agent --config "$W/visdkrc" --upload /tmp/config2.xml
tap_match "the environment wins over the config file" \
    "^1 vifs-agent: --upload /tmp/config2\.xml: authentication failed for root@" \
    "$RC $ERR"
: >"$W/empty.rc"
agent --config "$W/empty.rc" "${CONN[@]}" --upload /tmp/empty-rc.xml
tap_eq "an empty config file: a warning in the agent's words, then on" \
    "0 vifs-agent: warning: The configuration file '$W/empty.rc' exists but is empty" \
    "$RC $ERR"

CS=$W/cs.xml
"$LEGACY_BIN" credstore --credstore "$CS" add -s 127.0.0.1 -u root -p "$PW" \
    >/dev/null || tap_die "vifs credstore add failed"
agent --credstore "$CS" "${HOST[@]}" --cacertsfile "$ESXSIM_CA" \
    --upload /tmp/cs.xml
tap_eq "user and password from the credential store" 0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/cs.xml"
VI_CREDSTORE=$CS agent "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --verbose \
    --upload /tmp/cs-verbose.xml
tap_eq "VI_CREDSTORE with --verbose" 0 "$RC"
tap_match "... says where the password came from" \
    "vifs-agent: password of root@127\.0\.0\.1 from the credential store $CS" \
    "$ERR"
tap_match "... traces the PUT" "> PUT /tmp/cs-verbose\.xml HTTP/1\.1" "$ERR"
tap_match "... with the Authorization header masked" \
    "> Authorization: \(hidden\)" "$ERR"
if grep -qF -- "$PW" "$W/err"; then
    tap_fail "... and no password in the trace"
else
    tap_ok "... and no password in the trace"
fi
agent --credstore "$W/none.xml" "${HOST[@]}" --cacertsfile "$ESXSIM_CA" \
    --upload /tmp/cs-none.xml
tap_eq "a missing --credstore file: a warning, then no credentials" \
    "1 vifs-agent: warning: credential store file '$W/none.xml' does not exist
vifs-agent: --upload /tmp/cs-none.xml: no user name and password for 127.0.0.1: give --username and --password, a --sessionfile, or a credential store entry" \
    "$RC $ERR"

# --- failures ------------------------------------------------------------------
rm -f "$L/bad.xml"
agent "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --username root \
    --password wrong -o "$L/bad.xml" --upload /tmp/bad.xml
tap_eq "a wrong password: exit 1 and one line" \
    "1 vifs-agent: --upload /tmp/bad.xml: authentication failed for root@127.0.0.1:$ESXSIM_PORT" \
    "$RC $ERR"
tap_run "... nothing on the host" test ! -e "$TMPD/bad.xml"
tap_file_eq "... the -o file is written all the same" "$L/ref.xml" \
    "$L/bad.xml"

before=$(requests)
agent "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --upload /tmp/nocred.xml
tap_match "no credentials and no terminal: exit 1, why" \
    "^1 vifs-agent: --upload /tmp/nocred\.xml: no user name and password for 127\.0\.0\.1" \
    "$RC $ERR"
tap_eq "... and nothing is sent" "$before" "$(requests)"
agent "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --username root \
    --upload /tmp/nocred.xml
tap_match "a user without password, no terminal: the same" \
    "^1 vifs-agent: --upload /tmp/nocred\.xml: no user name and password" \
    "$RC $ERR"

agent "${HOST[@]}" --username root --password "$PW" --upload /tmp/untrusted.xml
tap_eq "an untrusted certificate: exit 1" 1 "$RC"
tap_match "... refused, with its thumbprint" \
    "^vifs-agent: --upload /tmp/untrusted\.xml: 127\.0\.0\.1:$ESXSIM_PORT: certificate not trusted .*SHA-256 thumbprint $ESXSIM_THUMBPRINT_SHA256" \
    "$ERR"
tap_eq "... on one line" 1 "$(wc -l <"$W/err")"
tap_run "... and nothing on the host" test ! -e "$TMPD/untrusted.xml"

agent "${HOST[@]}" --username root --password "$PW" \
    --thumbprint "$ESXSIM_THUMBPRINT_SHA256" --upload /tmp/pinned.xml
tap_eq "--thumbprint pins the certificate" 0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/pinned.xml"
agent "${HOST[@]}" --username root --password "$PW" \
    -d "$ESXSIM_THUMBPRINT_SHA1" --upload /tmp/pinned1.xml
tap_eq "-d with the SHA-1 thumbprint" 0 "$RC"
agent "${HOST[@]}" --username root --password "$PW" \
    -d "$(printf '%s' "$ESXSIM_THUMBPRINT_SHA256" | tr 0-9A-F 1-9A-F0)" \
    --upload /tmp/pinned-wrong.xml
tap_match "a wrong thumbprint is refused" \
    "^1 vifs-agent: --upload /tmp/pinned-wrong\.xml: 127\.0\.0\.1:$ESXSIM_PORT: certificate does not match the pinned thumbprint" \
    "$RC $ERR"
tap_run "... and nothing on the host" test ! -e "$TMPD/pinned-wrong.xml"
mkdir -p "$HOME/.config/vifs"
printf '127.0.0.1:%s %s\n' "$ESXSIM_PORT" "$ESXSIM_THUMBPRINT_SHA256" \
    >"$HOME/.config/vifs/known_hosts"
agent "${HOST[@]}" --username root --password "$PW" --upload /tmp/kh.xml
tap_eq "the default known-hosts file pins the certificate" 0 "$RC"
agent "${HOST[@]}" --username root --password "$PW" --insecure \
    --known-hosts "$W/none" --upload /tmp/insecure.xml
tap_match "--insecure uploads, with its warning" \
    "^0 vifs-agent: warning: --insecure: 127\.0\.0\.1:$ESXSIM_PORT: the server's certificate is not checked" \
    "$RC $ERR"

agent "${CONN[@]}" --upload /host/new.cfg
tap_match "a /host file the host does not have: refused" \
    "^1 vifs-agent: --upload /host/new\.cfg: .+" "$RC $ERR"
agent --server 127.0.0.1 --portnumber "$ESXSIM_PORT" --cacertsfile "$ESXSIM_CA" \
    --username "$ESXSIM_LIMITED_USER" --password "$ESXSIM_LIMITED_PASSWORD" \
    --upload /tmp/limited.xml
tap_match "a user without the privilege: permission denied" \
    "^1 vifs-agent: --upload /tmp/limited\.xml: .*permission denied" \
    "$RC $ERR"

# --- usage errors (exit 2) ---------------------------------------------------------
usage() {
    local want=$1
    shift
    agent "$@"
    tap_eq "$* exits 2" 2 "$RC"
    tap_match "$* says why" "^vifs-agent: $want" "$ERR"
    tap_match "$* points at --help" "Try 'vifs-agent inventory --help'" "$ERR"
}
usage "'--server' is a connection option, for --upload and --publish only" \
    --server 127.0.0.1
usage "'-t' is a connection option" -t "$ESXSIM_CA"
usage "--upload: '\[$ESXSIM_DS1\]' names a directory" "${CONN[@]}" \
    --upload "[$ESXSIM_DS1]"
usage "--upload: '/tmp/dir/' names a directory" "${CONN[@]}" \
    --upload /tmp/dir/
usage "--upload: " "${CONN[@]}" --upload "[$ESXSIM_DS1 x.xml"
usage "Option server requires an argument" --upload /tmp/x.xml --server
usage "Option insecure does not take an argument" --upload /tmp/x.xml \
    --insecure=1
usage "option '--upload' needs an argument" --upload
usage "unknown option '--frob'" "${CONN[@]}" --upload /tmp/x.xml --frob
# The value of an option of the agent is never a connection option.
agent "${CONN[@]}" -o --server --upload /tmp/dash.xml
tap_eq "-o --server writes a file named --server" 0 "$RC"
tap_file_eq "... there" "$L/ref.xml" "$L/--server"

# --- a terminal -----------------------------------------------------------------
LEGACY_BIN=$AGENT vifs_tty "$W/tty.log" inventory -q --dump "$DUMP" \
    "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --upload /tmp/tty.xml
tty_answer "$W/tty.log" "Enter username: " root
tty_answer "$W/tty.log" "Enter password: " "$PW"
legacy_tty_wait
tap_eq "user and password typed at the prompts" 0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/tty.xml"
tap_match "... the user is echoed" "Enter username: root" "$(cat "$W/tty.log")"
if grep -qF -- "$PW" "$W/tty.log"; then
    tap_fail "... the password is not echoed" "$(cat -A "$W/tty.log")"
else
    tap_ok "... the password is not echoed"
fi
LEGACY_BIN=$AGENT vifs_tty "$W/tty2.log" inventory -q --dump "$DUMP" \
    "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --username root \
    --upload /tmp/tty2.xml
if wait_for 20 grep -qsF "Enter password: " "$W/tty2.log"; then
    printf '\003' >&7
fi
legacy_tty_wait
tap_eq "^C at the password prompt ends vifs-agent as killed by SIGINT" 130 \
    "$RC"
tap_run "... and nothing is uploaded" test ! -e "$TMPD/tty2.xml"

# A --password given on the command line is gone from the process list
# while the agent waits for the user name.
LEGACY_BIN=$AGENT vifs_tty "$W/tty3.log" inventory -q --dump "$DUMP" \
    "${HOST[@]}" --cacertsfile "$ESXSIM_CA" --password "$PW" \
    --upload /tmp/hidden-pw.xml
agent_pid() {
    local f
    for f in /proc/[0-9]*/cmdline; do
        if tr '\0' ' ' 2>/dev/null <"$f" | grep -q "^$AGENT .*hidden-pw"; then
            f=${f#/proc/}
            echo "${f%/cmdline}"
            return 0
        fi
    done
    return 1
}
if wait_for 20 grep -qsF "Enter username: " "$W/tty3.log" &&
    pid=$(agent_pid); then
    if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF -- "$PW"; then
        tap_fail "--password is wiped from the process list" \
            "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    else
        tap_ok "--password is wiped from the process list"
    fi
else
    tap_fail "--password is wiped from the process list" \
        "the agent did not ask for the user" "$(cat "$W/tty3.log")"
fi
tty_answer "$W/tty3.log" "Enter username: " root
legacy_tty_wait
tap_eq "... and the password is used" 0 "$RC"
tap_file_eq "... uploaded" "$L/ref.xml" "$TMPD/hidden-pw.xml"

# --- no network without --upload ----------------------------------------------------
command -v strace >/dev/null || tap_die "strace missing"
VI_SERVER=127.0.0.1 VI_PORTNUMBER=$ESXSIM_PORT VI_USERNAME=root \
    VI_PASSWORD=$PW ASAN_OPTIONS=detect_leaks=0 \
    strace -f -e trace=socket,connect -o "$W/trace" \
    "$AGENT" inventory -q --dump "$DUMP" -o "$L/nonet.xml" ||
    tap_fail "inventory with VI_* set and no --upload failed"
tap_eq "VI_* set but no --upload: no socket opened" "" \
    "$(grep -E 'socket\(|connect\(' "$W/trace")"
tap_file_eq "... and the document written" "$L/ref.xml" "$L/nonet.xml"
ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=socket,connect \
    -o "$W/trace2" "$AGENT" inventory -q --dump "$DUMP" "${CONN[@]}" \
    --upload /tmp/traced.xml >/dev/null 2>&1 ||
    tap_fail "traced --upload failed"
tap_match "with --upload it connects" 'connect\(' "$(cat "$W/trace2")"

tap_done

#!/usr/bin/env bash
# SOAP sessions of the legacy options against govmomi's vSphere simulator
# (tests/lib/vcsim.sh): --savesessionfile writes the vSphere CLI's cookie
# jar (mode 0600) and keeps the session; --sessionfile reuses it, checked
# with CurrentTime, for SOAP and file-service requests alike, which then
# carry the cookie and no Basic credentials; a session of our own login is
# logged out at the end; a session the host no longer knows (the
# simulator restarted) is named as expired.  Fails (never skips) when the
# simulator cannot start.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"
# shellcheck source=../lib/vcsim.sh
. "$srcdir/tests/lib/vcsim.sh"

vcsim_one vim_session
head -c 100000 /dev/urandom >"$L/a.bin"

# posts: how many SOAP requests the --verbose trace in $ERR shows.
posts() {
    grep -c '^> POST /sdk ' <<<"$ERR"
}

# --- a login of our own is logged out --------------------------------------
vifs "${CONN[@]}" --verbose --mkdir "[$DS] plain"
tap_eq "--mkdir logs in and out: 4 SOAP requests" \
    "0 4" "$RC $(posts)"
tap_match "... the password travels in the body, never in a header" \
    '^[^A]*$' "$(grep -i '^> Authorization' <<<"$ERR")"

# --- --savesessionfile -------------------------------------------------------
umask 022
vifs "${CONN[@]}" --verbose --savesessionfile "$W/s1" --listdc
tap_eq "--listdc with --savesessionfile exits 0" "0 ha-datacenter" \
    "$RC $OUT"
tap_eq "... and does not log out: 3 SOAP requests" 3 "$(posts)"
tap_eq "... the session file is mode 0600 despite the umask" 600 \
    "$(stat -c %a "$W/s1")"
tap_match "... in the vSphere CLI's cookie-jar format" \
    $'^#LWP-Cookies-1\\.0\nSet-Cookie3: vmware_soap_session=[^;]+; path="/"; domain=127\\.0\\.0\\.1; path_spec; secure; discard; HttpOnly; version=0$' \
    "$(cat "$W/s1")"

# A session file planted in a shared directory: a symbolic link is not
# followed (its target keeps bytes and mode), a file another uid owns is
# not handed the cookie.
printf 'victim\n' >"$W/victim"
chmod 0644 "$W/victim"
ln -s "$W/victim" "$W/s-link"
vifs "${CONN[@]}" --savesessionfile "$W/s-link" --listdc
tap_match "--savesessionfile through a symbolic link: refused" \
    "symbolic link; not followed" "$ERR"
tap_eq "... its target is untouched" "victim 644" \
    "$(cat "$W/victim") $(stat -c %a "$W/victim")"
if [ "$(id -u)" = 0 ]; then
    : >"$W/s-theirs"
    chown 65534:65534 "$W/s-theirs"
    vifs "${CONN[@]}" --savesessionfile "$W/s-theirs" --listdc
    tap_match "--savesessionfile over another uid's file: refused" \
        "owned by uid 65534" "$ERR"
    tap_eq "... which holds no cookie" "" "$(cat "$W/s-theirs")"
fi

vifs --sessionfile "$W/s1" --url "$VCSIM_URL" --cacertsfile "$VCSIM_CA" \
    --verbose --mkdir "[$DS] via session"
tap_eq "--sessionfile: --mkdir without any credentials" \
    "0 Created directory '[$DS] via session' successfully." "$RC $OUT"
tap_eq "... CurrentTime checks the session, then the call; no Login, no Logout" \
    3 "$(posts)"
tap_run "... the directory exists" test -d "$VCSIM_DS_DIR/via session"
if grep -qi '^> Authorization' <<<"$ERR"; then
    tap_fail "... no Basic credentials are sent"
else
    tap_ok "... no Basic credentials are sent"
fi

vifs --sessionfile "$W/s1" --portnumber "$VCSIM_PORT" --servicepath /sdk \
    --cacertsfile "$VCSIM_CA" --verbose --put "$L/a.bin" "[$DS] via session/a.bin"
tap_eq "--sessionfile with --put: the host is the cookie's domain" 0 "$RC"
tap_file_eq "... the bytes arrived" "$L/a.bin" "$VCSIM_DS_DIR/via session/a.bin"
tap_match "... the PUT carries the session cookie" \
    $'> PUT /folder/via%20session/a\\.bin\\?dsName=LocalDS_0 HTTP/1\\.1\n(> [^\n]*\n)*> Cookie: \\(hidden\\)' \
    "$ERR"

vifs "${CONN[@]}" --verbose --savesessionfile "$W/s2" \
    --get "[$DS] via session/a.bin" "$L/back.bin"
tap_eq "--savesessionfile with --get: a SOAP login first" "0 2" \
    "$RC $(posts)"
tap_file_eq "... the download is byte-exact" "$L/a.bin" "$L/back.bin"
tap_match "... the GET carries the cookie, not Basic credentials" \
    $'> GET /folder/via%20session/a\\.bin\\?dsName=LocalDS_0 HTTP/1\\.1\n(> [^\n]*\n)*> Cookie: \\(hidden\\)' \
    "$ERR"
tap_run "... the second session file is written" test -s "$W/s2"
if cmp -s "$W/s1" "$W/s2"; then
    tap_fail "... with a session of its own"
else
    tap_ok "... with a session of its own"
fi

vifs --sessionfile "$W/s2" --url "$VCSIM_URL" --cacertsfile "$VCSIM_CA" \
    --savesessionfile "$W/s3" --rm "[$DS] via session" -f
tap_eq "--sessionfile with --savesessionfile: --rm of a directory" \
    "0 Deleted file '[$DS] via session' successfully." "$RC $OUT"
tap_run "... it is gone" test ! -e "$VCSIM_DS_DIR/via session"
tap_eq "... the same session is saved again" \
    "$(tail -n 1 "$W/s2")" "$(tail -n 1 "$W/s3")"

# --- expiry ---------------------------------------------------------------------
vcsim_stop "$W/vc"
vcsim_start "$W/vc" --certs "$W/certs" || tap_die "vcsim restart failed"
# shellcheck source=/dev/null
. "$W/vc/vcsim.env"
vifs --sessionfile "$W/s1" --portnumber "$VCSIM_PORT" --servicepath /sdk \
    --cacertsfile "$VCSIM_CA" --mkdir "[$DS] too late"
tap_eq "a session the host no longer knows: exit 1" 1 "$RC"
tap_match "... says it expired, and what to do" \
    "^vifs: --sessionfile $W/s1: 127\\.0\\.0\\.1:$VCSIM_PORT: the session has expired or was logged out \\(NotAuthenticated\\); log in again" \
    "$ERR"
tap_match "... then the vSphere CLI's line" \
    $'\nError while testing status of connection \'https://127\\.0\\.0\\.1:'"$VCSIM_PORT"$'/sdk\': ' \
    "$ERR"
tap_run "... nothing was made" test ! -e "$VCSIM_DS_DIR/too late"
vifs --sessionfile "$W/s1" --portnumber "$VCSIM_PORT" --servicepath /sdk \
    --cacertsfile "$VCSIM_CA" --get "[$DS] x" "$L/x"
tap_match "... for the file service's operations too" \
    "^1 vifs: --sessionfile .*expired" "$RC $ERR"
printf 'garbage\n' >"$W/bad"
vifs --sessionfile "$W/bad" --url "$VCSIM_URL" --cacertsfile "$VCSIM_CA" \
    --listdc
tap_match "a file that is no session file" \
    "^1 vifs: .*not an LWP cookie file" "$RC $ERR"

tap_done

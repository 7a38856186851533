#!/usr/bin/env bash
# Files vifs writes for a user who may share a directory with others: the
# known-hosts file (vifs trust), vifs-agent -o, conf set --file and the
# credential store never follow a symbolic link planted at their path,
# never replace (or hand their contents to) a file another uid owns, and
# a credential store that others can read is made private when written.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

AGENT=${VIFS_AGENT_BIN:-$VIFS_BUILDDIR/agent/vifs-agent}
legacy_setup security_files
legacy_start_sim "$W/sim" 1
S=$W/shared
mkdir -p "$S"
printf 'victim\n' >"$W/victim"
chmod 0644 "$W/victim"

# planted NAME: a symbolic link S/NAME to the victim file.
planted() {
    rm -f "$S/$1"
    ln -s "$W/victim" "$S/$1"
}

# victim_intact DESC: the link's target kept its bytes and its mode.
victim_intact() {
    tap_eq "$1: the link's target is untouched" "victim 644" \
        "$(cat "$W/victim") $(stat -c %a "$W/victim")"
}

# A stranger's file: as root, one owned by nobody; else root's own.
stranger() {
    if [ "$(id -u)" = 0 ]; then
        printf 'stranger\n' >"$S/$1"
        chown 65534:65534 "$S/$1" || tap_die "chown failed"
        echo "$S/$1"
    else
        echo /etc/passwd
    fi
}

# --- known-hosts (vifs trust) ------------------------------------------------
planted kh
vifs trust "127.0.0.1:$ESXSIM_PORT" --known-hosts "$S/kh"
tap_match "vifs trust through a symbolic link: refused" \
    "^1 .*symbolic link; not followed" "$RC $ERR"
victim_intact "vifs trust"
f=$(stranger kh2)
vifs trust "127.0.0.1:$ESXSIM_PORT" --known-hosts "$f"
tap_match "vifs trust into a file another uid owns: refused" \
    "^1 .*owned by uid [0-9]+, not by this user" "$RC $ERR"

# --- vifs-agent -o ---------------------------------------------------------------
planted inv.xml
"$AGENT" inventory -q --dump "$VIFS_FIXTURES/pci/seed-sample1.lspci" \
    -o "$S/inv.xml" >"$W/out" 2>"$W/err"
tap_match "vifs-agent -o through a symbolic link: refused" \
    "^1 .*symbolic link; not followed" "$? $(cat "$W/err")"
victim_intact "vifs-agent -o"

# --- conf set --file -------------------------------------------------------------
cp "$ESXSIM_SEED" "$W/real.conf"
rm -f "$S/esx.conf"
ln -s "$W/real.conf" "$S/esx.conf"
vifs conf set --file "$S/esx.conf" /adv/Misc/HostName x
tap_match "conf set --file through a symbolic link: refused" \
    "^1 .*symbolic link; not followed" "$RC $ERR"
tap_file_eq "... the file behind it is unchanged" "$ESXSIM_SEED" \
    "$W/real.conf"
if [ "$(id -u)" = 0 ]; then
    cp "$ESXSIM_SEED" "$S/theirs.conf"
    chown 65534:65534 "$S/theirs.conf"
    vifs conf set --file "$S/theirs.conf" /adv/Misc/HostName x
    tap_match "conf set --file on another uid's file: refused" \
        "^1 .*owned by uid 65534" "$RC $ERR"
    tap_eq "... which keeps its owner and bytes" "65534 same" \
        "$(stat -c %u "$S/theirs.conf") $(cmp -s "$ESXSIM_SEED" \
            "$S/theirs.conf" && echo same)"
else
    vifs conf set --file /etc/passwd /adv/Misc/HostName x
    tap_match "conf set --file on another uid's file: refused" \
        "^1 .*owned by uid 0" "$RC $ERR"
fi

# --- the credential store --------------------------------------------------------
planted cs.xml
vifs credstore --credstore "$S/cs.xml" add -s h1 -u root -p secret1
tap_match "credstore add through a symbolic link: refused" \
    "^1 .*symbolic link is not followed" "$RC $ERR"
victim_intact "credstore add"
vifs credstore --credstore "$W/cs.xml" add -s h1 -u root -p secret1
tap_eq "credstore add to a new store" 0 "$RC"
chmod 0644 "$W/cs.xml"
vifs credstore --credstore "$W/cs.xml" add -s h2 -u root -p secret2
tap_eq "credstore add to a store others can read: made private" "0 600" \
    "$RC $(stat -c %a "$W/cs.xml")"
f=$(stranger cs2.xml)
vifs credstore --credstore "$f" add -s h3 -u root -p secret3
tap_match "credstore add to another uid's file: refused" \
    "^1 .*owned by uid [0-9]+, not by this user" "$RC $ERR"
if [ "$f" != /etc/passwd ]; then
    tap_eq "... which keeps its bytes" stranger "$(cat "$f")"
fi

tap_done

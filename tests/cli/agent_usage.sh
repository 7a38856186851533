#!/usr/bin/env bash
# vifs-agent's command line: help, version, usage errors (exit 2), the
# built-in schema, -o and its atomic write.
. "$VIFS_SRCDIR/tests/cli/agent_lib.bash"

S1=$FIX/seed-sample1.lspci

st=$(status "$AGENT" --help)
tap_eq "--help exits 0" 0 "$st"
for c in inventory lspci schema; do
    tap_match "--help names $c" "  $c " "$(cat "$T/out")"
done
st=$(status "$AGENT" --version)
tap_eq "--version exits 0" 0 "$st"
tap_match "--version" '^vifs-agent [0-9]+\.[0-9]+\.[0-9]+ ' "$(cat "$T/out")"

for c in inventory lspci; do
    st=$(status "$AGENT" "$c" --help)
    tap_eq "$c --help exits 0" 0 "$st"
    for o in --dump --sysfs --esxconf --no-esxconf --passthru-map --ids-file \
        --no-hwdb; do
        tap_match "$c --help lists $o" " $o" "$(cat "$T/out")"
    done
done
st=$(status "$AGENT" inventory -h)
tap_match "inventory -h lists -o and --strict" "--output FILE.*--strict" \
    "$(tr '\n' ' ' < "$T/out")"
st=$(status "$AGENT" schema --help)
tap_eq "schema --help exits 0" 0 "$st"

# usage CMD...: exit 2, a message and the --help hint on stderr.
usage() {
    local st
    st=$(status "$AGENT" "$@")
    tap_eq "$* exits 2" 2 "$st"
    tap_match "$* says what is wrong" "^vifs-agent: .+" "$(head -1 "$T/err")"
    tap_match "$* points at --help" "Try 'vifs-agent.*--help'" \
        "$(cat "$T/err")"
    tap_eq "$* writes nothing on stdout" "" "$(cat "$T/out")"
}
usage
usage frobnicate
usage inventory --frob
usage inventory -x
usage inventory --dump
usage inventory --dump "$S1" extra
usage inventory --dump "$S1" --sysfs /sys
usage inventory --esxconf a --no-esxconf
usage inventory --passthru-map a --no-passthru-map
usage lspci --output x
usage lspci --dump "$S1" --sysfs /sys
usage schema extra
usage schema --dump "$S1"

# The schema the program carries is the published one.
st=$(status "$AGENT" schema)
tap_eq "schema exits 0" 0 "$st"
tap_file_eq "schema prints docs/schemas/inventory.xsd" "$XSD" "$T/out"

# -o: the file gets what stdout would, atomically; a bad path fails and
# leaves nothing behind.
"$AGENT" inventory -q --dump "$S1" > "$T/stdout.xml"
st=$(status "$AGENT" inventory -q --dump "$S1" -o "$T/file.xml")
tap_eq "-o exits 0" 0 "$st"
tap_eq "-o writes nothing on stdout" "" "$(cat "$T/out")"
tap_file_eq "-o file equals stdout" "$T/stdout.xml" "$T/file.xml"
echo old > "$T/keep.xml"
chmod 0600 "$T/keep.xml"
st=$(status "$AGENT" inventory -q --dump "$S1" -o "$T/keep.xml")
tap_eq "-o over an existing file" 0/600 "$st/$(stat -c %a "$T/keep.xml")"
tap_file_eq "-o replaced the content" "$T/stdout.xml" "$T/keep.xml"
st=$(status "$AGENT" inventory -q --dump "$S1" -o "$T/no/dir/x.xml")
tap_eq "-o into a missing directory: exit 1" 1 "$st"
tap_match "-o into a missing directory: message" "no/dir" "$(cat "$T/err")"
tap_eq "-o failure leaves no temporary file" "" \
    "$(ls -A "$T" | grep -v -e '^out$' -e '^err$' -e '\.xml$')"
st=$(status "$AGENT" inventory -q --dump "$S1" --esxconf "$T/none.conf")
tap_eq "missing esx.conf: exit 1" 1 "$st"
tap_match "missing esx.conf: message" "none.conf" "$(cat "$T/err")"
printf '8086 zzzz flr default\n' > "$T/bad.map"
st=$(status "$AGENT" inventory -q --dump "$S1" --passthru-map "$T/bad.map")
tap_eq "bad passthru.map: exit 1" 1 "$st"
tap_match "bad passthru.map: names the line" "bad.map:1:" "$(cat "$T/err")"
tap_eq "bad passthru.map: no output" "" "$(cat "$T/out")"

# No network: neither reading a dump nor this system opens a socket.
command -v strace > /dev/null || tap_die "strace missing"
traced() {
    # LeakSanitizer cannot run under ptrace.
    ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=socket,connect -o "$T/trace" \
        "$AGENT" inventory -q -o "$T/net.xml" "$@" ||
        tap_fail "traced inventory $* failed"
    tap_eq "no socket opened: inventory $*" "" \
        "$(grep -E 'socket\(|connect\(' "$T/trace")"
}
traced --dump "$S1"
traced --no-esxconf
# And it works in a network namespace without any interface.
if [ "$(id -u)" = 0 ]; then netns=(unshare --net); else netns=(unshare -rn); fi
st=$(status "${netns[@]}" "$AGENT" inventory -q --no-esxconf)
tap_eq "inventory without network exits 0" 0 "$st"
tap_match "inventory without network lists devices" "<device address=" \
    "$(cat "$T/out")"

tap_done

# agent_lib.bash - sourced by the vifs-agent tests (tests/cli/agent_*.sh):
# TAP functions, the agent binary, a scratch directory and XPath shortcuts.
# Needs xmllint (Debian libxml2-utils).

set -u
. "$VIFS_SRCDIR/tests/lib/tap.sh"

AGENT=${VIFS_AGENT_BIN:-${VIFS_BUILDDIR:-}/agent/vifs-agent}
XSD=$VIFS_SRCDIR/docs/schemas/inventory.xsd
FIX=$VIFS_FIXTURES/pci
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Under ASan: leaks inside libpci itself are not ours (agent_lsan.supp).
export LSAN_OPTIONS="suppressions=$VIFS_SRCDIR/tests/cli/agent_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Stable creation times, so that two runs give the same bytes.
export SOURCE_DATE_EPOCH=1700000000

[ -x "$AGENT" ] || tap_die "no vifs-agent at $AGENT"
command -v xmllint > /dev/null || tap_die "xmllint missing (libxml2-utils)"

# xp XPATH FILE: the string value of XPATH.
xp() {
    xmllint --xpath "$1" "$2" 2> /dev/null
}

# xpl XPATH FILE: the values of the attributes XPATH selects, one a line.
xpl() {
    xmllint --xpath "$1" "$2" 2> /dev/null |
        sed -n 's/^ [a-z-]*="\(.*\)"$/\1/p'
}

# dev FILE ADDR PATH: string value of PATH below the device at ADDR
# (Linux address without the segment).
dev() {
    xp "string(//device[@address='0000:$2']/$3)" "$1"
}

# valid DESC FILE: FILE validates against the inventory schema.
valid() {
    local out
    if out=$(xmllint --noout --schema "$XSD" "$2" 2>&1); then
        tap_ok "$1"
    else
        tap_fail "$1" "$out"
    fi
}

# status CMD...: runs CMD with stdout in $T/out, stderr in $T/err; prints
# its exit status.
status() {
    "$@" > "$T/out" 2> "$T/err" && echo 0 || echo $?
}

# tap.sh: small assertions for the shell tests, printing TAP-like lines.
# Source it from bash; end the script with `tap_done` (its status is the
# script's: 0 when every check passed and at least one ran).
#
#   tap_ok DESC                 record a pass
#   tap_fail DESC [DETAIL...]   record a failure
#   tap_eq DESC WANT GOT        pass when the strings are equal
#   tap_match DESC REGEX GOT    pass when GOT matches the ERE
#   tap_file_eq DESC WANT GOT   pass when the files have the same bytes
#   tap_run DESC CMD...         pass when CMD succeeds
#   tap_die MESSAGE             fail now: a set-up step went wrong

TAP_COUNT=0
TAP_FAILED=0

tap_ok() {
    TAP_COUNT=$((TAP_COUNT + 1))
    echo "ok $TAP_COUNT - $1"
}

tap_fail() {
    local desc=$1 line
    shift
    TAP_COUNT=$((TAP_COUNT + 1))
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_COUNT - $desc"
    for line in "$@"; do
        printf '#   %s\n' "$line"
    done
}

tap_eq() {
    if [ "$2" = "$3" ]; then
        tap_ok "$1"
    else
        tap_fail "$1" "want: $2" "got:  $3"
    fi
}

tap_match() {
    if [[ $3 =~ $2 ]]; then
        tap_ok "$1"
    else
        tap_fail "$1" "want match: $2" "got: $3"
    fi
}

tap_file_eq() {
    if cmp -s "$2" "$3"; then
        tap_ok "$1"
    else
        tap_fail "$1" "files differ: $2 $3"
        diff -u "$2" "$3" 2>&1 | head -n 40 | sed 's/^/#   /'
    fi
}

tap_run() {
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then
        tap_ok "$desc"
    else
        tap_fail "$desc" "command failed: $*" "$out"
    fi
}

# tap_die MESSAGE: a step the remaining checks depend on failed.
tap_die() {
    echo "Bail out! $*"
    exit 1
}

tap_done() {
    echo "1..$TAP_COUNT"
    if [ "$TAP_COUNT" -eq 0 ]; then
        echo "# no checks ran"
        return 1
    fi
    if [ "$TAP_FAILED" -ne 0 ]; then
        echo "# $TAP_FAILED of $TAP_COUNT checks failed"
        return 1
    fi
    return 0
}

# check.sh - sourced by the golden tests of the commands, on top of tap.sh.
#
# A test script sets GOLDEN_DIR, then calls
#   golden NAME STATUS CMD...   run CMD in the scratch directory $T; its exit
#                               status must be STATUS and its stdout and
#                               stderr must equal GOLDEN_DIR/NAME.out and
#                               NAME.err (shown with diff -u when not);
#                               VIFS_UPDATE_GOLDEN=1 rewrites the files
#   expect_status STATUS CMD... only the exit status
#   assert DESCRIPTION CMD...   CMD (run in $T) must succeed
# and ends with `finish`.  The scratch path is replaced by @TMP@ in outputs.

set -u
. "$VIFS_SRCDIR/tests/lib/tap.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

golden() {
    local name=$1 want=$2 got s
    shift 2
    ( cd "$T" && "$@" ) >"$T/$name.out.raw" 2>"$T/$name.err.raw" && got=0 || got=$?
    sed "s#$T#@TMP@#g" "$T/$name.out.raw" >"$T/$name.out"
    sed "s#$T#@TMP@#g" "$T/$name.err.raw" >"$T/$name.err"
    if [ "${VIFS_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$T/$name.out" "$GOLDEN_DIR/$name.out"
        cp "$T/$name.err" "$GOLDEN_DIR/$name.err"
    fi
    if [ "$got" != "$want" ]; then
        tap_fail "$name" "exit status $got, expected $want" \
            "$(cat "$T/$name.err")"
        return
    fi
    for s in out err; do
        if [ ! -f "$GOLDEN_DIR/$name.$s" ]; then
            tap_fail "$name" "golden file $name.$s is missing"
            return
        fi
        if ! cmp -s "$GOLDEN_DIR/$name.$s" "$T/$name.$s"; then
            tap_fail "$name" "std$s differs from the golden file"
            diff -u "$GOLDEN_DIR/$name.$s" "$T/$name.$s" | head -n 40
            return
        fi
    done
    tap_ok "$name"
}

expect_status() {
    local want=$1 got
    shift
    ( cd "$T" && "$@" ) >"$T/last.out" 2>"$T/last.err" && got=0 || got=$?
    if [ "$got" != "$want" ]; then
        tap_fail "$*" "exit status $got, expected $want" \
            "$(cat "$T/last.err")"
    else
        tap_ok "$* exits $want"
    fi
}

assert() {
    local what=$1
    shift
    if ( cd "$T" && "$@" ); then tap_ok "$what"; else tap_fail "$what"; fi
}

finish() {
    tap_done
}

# remote.sh: helpers of tests/integration/remote_*.sh, the tests of
# `vifs conf` and `vifs passthru` on a host's /host/esx.conf. Source it
# from bash after tap.sh and legacy.sh (which give legacy_setup, the vifs
# function and its RC, OUT and ERR).
#
#   remote_setup NAME        legacy_setup plus no XDG_STATE_HOME, so that
#                            backups go to $HOME/.local/state/vifs/backups
#   remote_golden NAME STATUS   RC, OUT and ERR of the last vifs call must
#                            equal golden/NAME.{out,err} after remote_norm
#                            (VIFS_UPDATE_GOLDEN=1 rewrites them)
#   remote_norm              filter: the scratch directory becomes @TMP@,
#                            127.0.0.1:PORT @HOST@, backup time stamps
#                            @STAMP@
#   backup_path              the backup path the last call printed
#   hostdir_of PORT          the backup directory of host 127.0.0.1:PORT
#   nothing_lost DESC ORIG HOSTFILE [BACKUP]   the file ORIG is still the
#                            host's file, or is the backup
#   same_file DESC WANT GOT  tap_file_eq that names both on failure

REMOTE_GOLDEN_DIR=$VIFS_SRCDIR/tests/integration/golden

remote_setup() {
    legacy_setup "$1"
    unset XDG_STATE_HOME
}

remote_norm() {
    sed -e "s#$W#@TMP@#g" \
        -e 's/127\.0\.0\.1:[0-9][0-9]*/@HOST@/g' \
        -e 's/[0-9]\{8\}T[0-9]\{6\}Z\(\.[0-9][0-9]*\)\{0,1\}-/@STAMP@-/g'
}

remote_golden() {
    local name=$1 want=$2 s
    printf '%s' "$OUT" | remote_norm >"$W/$name.out"
    printf '%s' "$ERR" | remote_norm >"$W/$name.err"
    if [ -n "$OUT" ]; then echo >>"$W/$name.out"; fi
    if [ -n "$ERR" ]; then echo >>"$W/$name.err"; fi
    if [ "${VIFS_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$W/$name.out" "$REMOTE_GOLDEN_DIR/$name.out"
        cp "$W/$name.err" "$REMOTE_GOLDEN_DIR/$name.err"
    fi
    if [ "$RC" != "$want" ]; then
        tap_fail "$name" "exit status $RC, expected $want" "$ERR"
        return
    fi
    for s in out err; do
        if [ ! -f "$REMOTE_GOLDEN_DIR/$name.$s" ]; then
            tap_fail "$name" "golden file $name.$s is missing"
            return
        fi
        if ! cmp -s "$REMOTE_GOLDEN_DIR/$name.$s" "$W/$name.$s"; then
            tap_fail "$name" "std$s differs from the golden file"
            diff -u "$REMOTE_GOLDEN_DIR/$name.$s" "$W/$name.$s" |
                head -n 40 | sed 's/^/#   /'
            return
        fi
    done
    tap_ok "$name"
}

backup_path() {
    printf '%s\n' "$ERR" | sed -n 's/^vifs: backup of esx\.conf on [^ ]*: //p' |
        head -n 1
}

hostdir_of() {
    echo "$HOME/.local/state/vifs/backups/127.0.0.1:$1"
}

nothing_lost() {
    local desc=$1 orig=$2 host=$3 backup=${4:-}
    if cmp -s "$orig" "$host"; then
        tap_ok "$desc: nothing lost (the original is on the host)"
    elif [ -n "$backup" ] && cmp -s "$orig" "$backup"; then
        tap_ok "$desc: nothing lost (the original is in the backup)"
    else
        tap_fail "$desc: nothing lost" \
            "the original is neither on the host nor in '$backup'"
    fi
}

same_file() {
    tap_file_eq "$1" "$2" "$3"
}

# legacy.sh: helpers of tests/integration/legacy_*.sh, the tests of the
# options of VMware's vifs (--get, --put, --dir, --listds, --rm), of
# `vifs trust` and of `vifs credstore` against the simulated hosts of
# esxsim.sh. Source it from bash after tap.sh; it sources esxsim.sh.
#
#   legacy_setup NAME       scratch directory $W, a clean environment
#                           (HOME=$W/home, no VI_* or VIFS_* settings)
#   legacy_start_sim DIR N [opts]  start N hosts with esxsim in DIR with
#                           the given esxsim options, source its hosts.env,
#                           set HOSTDIR (host 1's data) and CONN (the
#                           options that reach host 1)
#   vifs ARGS...            run vifs with no controlling terminal (so it
#                           can never prompt) and stdin from $VIFS_STDIN
#                           (default /dev/null); sets RC, OUT, ERR
#   vifs_tty LOG ARGS...    run vifs on a pseudo-terminal (script(1));
#                           what it shows goes to LOG; sets RC. Answers
#                           are fed with tty_answer
#   tty_answer LOG PROMPT TEXT   wait until LOG shows PROMPT, then type TEXT
#   wait_for SECS CMD...    retry CMD every 0.05 s until it succeeds

# shellcheck source=esxsim.sh
. "$(dirname "${BASH_SOURCE[0]}")/esxsim.sh"

LEGACY_BIN=${VIFS_BIN:?VIFS_BIN must name the vifs binary}

legacy_setup() {
    W=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") ||
        tap_die "cannot make a scratch directory"
    mkdir -p "$W/home" || tap_die "cannot make $W/home"
    export HOME=$W/home
    unset XDG_CONFIG_HOME VIFS_KNOWN_HOSTS VIFS_TIMEOUT
    local v
    for v in $(compgen -e); do
        case $v in
            VI_*) unset "$v" ;;
        esac
    done
    LEGACY_SIMS=()
    trap legacy_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

legacy_cleanup() {
    local d
    for d in "${LEGACY_SIMS[@]}"; do
        esxsim_stop "$d"
    done
    [ -n "${LEGACY_TTY_PID:-}" ] && kill "$LEGACY_TTY_PID" 2>/dev/null
    rm -rf "$W"
}

# legacy_start_sim DIR N [esxsim options...]
legacy_start_sim() {
    local dir=$1 n=$2
    shift 2
    [ -d "$W/certs" ] || bash "$VIFS_SRCDIR/certs/make-certs.sh" "$W/certs" \
        >/dev/null || tap_die "make-certs.sh failed"
    LEGACY_SIMS+=("$dir")
    esxsim_start "$dir" "$n" --certs "$W/certs" "$@" ||
        tap_die "esxsim_start failed"
    # shellcheck source=/dev/null
    . "$dir/hosts.env"
    HOSTDIR=$ESXSIM_HOSTS_DIR/$ESXSIM_PORT
    CONN=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT" --username root
        --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")
}

vifs() {
    RC=0
    setsid -w "$LEGACY_BIN" "$@" <"${VIFS_STDIN:-/dev/null}" \
        >"$W/out" 2>"$W/err" || RC=$?
    OUT=$(cat "$W/out")
    ERR=$(cat "$W/err")
}

wait_for() {
    local secs=$1 i
    shift
    for ((i = 0; i < secs * 20; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# vifs_tty LOG ARGS...: runs vifs under script(1) in the background, its
# input a FIFO kept open on fd 7; legacy_tty_wait collects the status.
vifs_tty() {
    local log=$1 cmd='' a
    shift
    for a in "$LEGACY_BIN" "$@"; do
        cmd+=" $(printf '%q' "$a")"
    done
    rm -f "$W/tty.fifo" "$log"
    mkfifo "$W/tty.fifo" || tap_die "mkfifo failed"
    # A background job of a script ignores SIGINT; a terminal's ^C must
    # reach vifs, so the default action is restored for it.
    env --default-signal=INT,QUIT script -qfec "$cmd" "$log" \
        <"$W/tty.fifo" >/dev/null 2>&1 &
    LEGACY_TTY_PID=$!
    exec 7>"$W/tty.fifo"
}

# tty_answer LOG PROMPT TEXT
tty_answer() {
    if ! wait_for 20 grep -qsF -- "$2" "$1"; then
        tap_fail "prompt '$2' shown" "$(cat "$1" 2>/dev/null)"
        return 1
    fi
    printf '%s\n' "$3" >&7
}

# legacy_tty_wait: waits for vifs, then closes the terminal's input; sets
# RC. A vifs still running after 60 s gets end of input, then is killed,
# so a lost keystroke fails its test instead of hanging the suite.
legacy_tty_wait() {
    local pid=$LEGACY_TTY_PID
    RC=0
    wait_for 60 tty_gone "$pid" || {
        exec 7>&-
        wait_for 10 tty_gone "$pid" || kill "$pid" 2>/dev/null
    }
    wait "$pid" || RC=$?
    exec 7>&- 2>/dev/null
    LEGACY_TTY_PID=
}

# tty_gone PID: succeeds once the job PID has ended (gone, or a zombie
# that only waits to be reaped).
tty_gone() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -z "$st" ] || [ "$st" = Z ]
}

# no_part_files DIR: succeeds when DIR holds no temporary download file.
no_part_files() {
    ! compgen -G "$1/*.vifs-part-*" >/dev/null
}

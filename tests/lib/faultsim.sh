# faultsim.sh: a simulated ESXi host that injects faults (faultsim.py), for
# the tests of remote edits. Source it from bash, then:
#
#   faultsim_start DIR SEED CERTDIR [PASSWORD]
#                         start one host in DIR serving SEED as
#                         /host/esx.conf with CERTDIR's host.pem (made by
#                         certs/make-certs.sh); writes DIR/faultsim.env
#                         (FAULTSIM_PORT, FAULTSIM_URL, FAULTSIM_FILE,
#                         FAULTSIM_LOG, FAULTSIM_CA, FAULTSIM_PASSWORD,
#                         FAULTSIM_PID). Fails loudly; never skip.
#                         With FAULTSIM_SESSION set, that value of the
#                         vmware_soap_session cookie is a live session.
#   faultsim_faults DIR [RULE...]
#                         the faults of the next requests (see the top of
#                         faultsim.py); none: behave. Counters restart.
#   faultsim_reset DIR SEED   put SEED back as the host's file and clear
#                         the request log
#   faultsim_stop DIR     stop the server and wait until it is gone
#   faultsim_one NAME     the whole setup of a test against one such host
#                         (needs remote.sh): remote_setup NAME, test
#                         certificates, the host in $W/fs serving the seed
#                         esx.conf, stopped at exit; sets SEED, HOSTF (the
#                         host's file), H (127.0.0.1:PORT), BK (its backup
#                         directory), AUTH (its credentials, CA and a 2 s
#                         timeout), ONE (AUTH with --server/--portnumber),
#                         FLEET (AUTH with --servers of $W/one, that host
#                         alone, one at a time) and the FAULTSIM_* variables
#
# The server listens on 127.0.0.1 only, on a port the kernel picks, and
# stops by itself when the shell that started it exits.

FAULTSIM_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAULTSIM_GEN=0

faultsim_err() {
    echo "faultsim: $*" >&2
}

faultsim_start() {
    local dir=$1 seed=$2 certs=$3 password=${4:-'VMware1!'} i pid py
    if [ $# -lt 3 ]; then
        faultsim_err "usage: faultsim_start DIR SEED CERTDIR [PASSWORD]"
        return 2
    fi
    py=$(command -v python3) || {
        faultsim_err "python3 not found (install python3)"
        return 1
    }
    mkdir -p "$dir/host" || return 1
    dir=$(cd "$dir" && pwd) || return 1
    cp "$seed" "$dir/host/esx.conf" || return 1
    rm -f "$dir/port" "$dir/faults" "$dir/requests.log" "$dir/headers.log"
    : >"$dir/requests.log"
    : >"$dir/headers.log"
    FAULTSIM_PASSWORD=$password "$py" "$FAULTSIM_LIBDIR/faultsim.py" \
        "$dir" --cert "$certs/host.pem" --key "$certs/host.key" \
        --owner $$ </dev/null >"$dir/faultsim.out" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/faultsim.pid"
    for ((i = 0; i < 200; i++)); do
        [ -s "$dir/port" ] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            faultsim_err "faultsim.py exited:"
            cat "$dir/faultsim.out" >&2
            return 1
        fi
        sleep 0.05
    done
    if [ ! -s "$dir/port" ]; then
        faultsim_err "faultsim.py did not listen within 10 s"
        cat "$dir/faultsim.out" >&2
        faultsim_stop "$dir"
        return 1
    fi
    {
        printf 'FAULTSIM_PORT=%q\n' "$(cat "$dir/port")"
        printf 'FAULTSIM_URL=%q\n' "https://127.0.0.1:$(cat "$dir/port")"
        printf 'FAULTSIM_FILE=%q\n' "$dir/host/esx.conf"
        printf 'FAULTSIM_LOG=%q\n' "$dir/requests.log"
        printf 'FAULTSIM_CA=%q\n' "$certs/ca.pem"
        printf 'FAULTSIM_PASSWORD=%q\n' "$password"
        printf 'FAULTSIM_PID=%q\n' "$pid"
    } >"$dir/faultsim.env"
}

faultsim_faults() {
    local dir=$1 rule
    shift
    FAULTSIM_GEN=$((FAULTSIM_GEN + 1))
    {
        echo "; generation $FAULTSIM_GEN"
        for rule in "$@"; do
            echo "$rule"
        done
    } >"$dir/faults.tmp" && mv -f "$dir/faults.tmp" "$dir/faults"
}

faultsim_reset() {
    cp "$2" "$1/host/esx.conf.tmp" &&
        mv -f "$1/host/esx.conf.tmp" "$1/host/esx.conf" &&
        : >"$1/requests.log"
}

faultsim_stop() {
    local dir=$1 pid i
    [ -f "$dir/faultsim.pid" ] || return 0
    pid=$(cat "$dir/faultsim.pid")
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$dir/faultsim.pid"
    return 0
}

faultsim_one() {
    remote_setup "$1"
    trap 'faultsim_stop "$W/fs"; legacy_cleanup' EXIT
    bash "$srcdir/certs/make-certs.sh" "$W/certs" >/dev/null ||
        tap_die "make-certs.sh failed"
    SEED=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
    faultsim_start "$W/fs" "$SEED" "$W/certs" ||
        tap_die "faultsim did not start"
    # shellcheck source=/dev/null
    . "$W/fs/faultsim.env"
    HOSTF=$FAULTSIM_FILE
    H=127.0.0.1:$FAULTSIM_PORT
    BK=$(hostdir_of "$FAULTSIM_PORT")
    echo "$H" >"$W/one"
    AUTH=(--username root --password "$FAULTSIM_PASSWORD"
        --cacertsfile "$FAULTSIM_CA" --timeout 2)
    ONE=(--server 127.0.0.1 --portnumber "$FAULTSIM_PORT" "${AUTH[@]}")
    FLEET=(--servers "$W/one" "${AUTH[@]}" --parallel 1)
}

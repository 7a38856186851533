# vcsim.sh: govmomi's vSphere simulator as one ESXi host for the tests that
# need the VIM API (SOAP login, FileManager). Source it from bash, then:
#
#   vcsim_build OUTDIR            build OUTDIR/vcsim from tests/vcsim
#                                 (offline, Debian's govmomi; cached)
#   vcsim_start DIR [options]     start it on a free 127.0.0.1 port
#   vcsim_stop DIR                stop it and wait until it is gone
#   vcsim_one NAME                the setup of a test against one simulator
#                                 (needs legacy.sh): legacy_setup NAME, test
#                                 certificates, the simulator in $W/vc
#                                 stopped at exit; sets DS (its datastore),
#                                 CONN (--url and credentials), L (an empty
#                                 local directory) and the VCSIM_* variables
#
# After a successful start DIR/vcsim.env holds VCSIM_URL (the /sdk URL),
# VCSIM_USERNAME, VCSIM_PASSWORD, VCSIM_CA, VCSIM_THUMBPRINT_SHA1/SHA256,
# VCSIM_DATASTORE and VCSIM_DS_DIR (where the datastore's files are).
# See docs/internals/testservers.md.
#
# Options of vcsim_start:
#   --bin PATH       simulator binary (default: vcsim_build into
#                    $VIFS_BUILDDIR/vcsim, or DIR/build without it)
#   --certs CERTDIR  certificates made by certs/make-certs.sh (default:
#                    made in DIR/certs)
#   --cert NAME      certificate it serves: host (default), wrong, self, ...
#   --password PW    password of root (default ESXSIM_DEFAULT_PASSWORD)
#   --timeout SEC    how long to wait for readiness (default 60)
#   --owner PID      stop it when PID exits (default: this shell; 0: never)
#   -- ARGS...       the rest goes to the simulator itself: -bundle FILE
#                    (what BackupFirmwareConfiguration hands out),
#                    -esxconf FILE (its /host/esx.conf), -maintenance,
#                    -sync-fail, -backup-url URL, -sync-delay D,
#                    -esxconf-delay D (see tests/vcsim/firmware.go)
#
# Functions return non-zero with a message on stderr; they never exit, and
# they work in scripts running with set -euo pipefail.

VCSIM_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=esxsim.sh
. "$VCSIM_LIBDIR/esxsim.sh"
VCSIM_SRC=$ESXSIM_SRCDIR/tests/vcsim
VCSIM_GOPATH=${VCSIM_GOPATH:-/usr/share/gocode}

vcsim_err() {
    echo "vcsim: $*" >&2
}

# vcsim_stamp: what the binary depends on: the source, the Go toolchain and
# the govmomi sources it is built against.
vcsim_stamp() {
    {
        cat "$VCSIM_SRC"/*.go
        go version
        cat "$VCSIM_GOPATH"/src/github.com/vmware/govmomi/simulator/*.go \
            2>/dev/null
    } | sha256sum | cut -d' ' -f1
}

# vcsim_build OUTDIR: build OUTDIR/vcsim unless the one there was built from
# the same sources. Uses only the Go packages installed under VCSIM_GOPATH
# (GOPATH mode, no network); the Go build cache is OUTDIR/gocache.
vcsim_build() {
    local out=${1:-} stamp lockfd rc=0 start
    if [ -z "$out" ]; then
        vcsim_err "usage: vcsim_build OUTDIR"
        return 2
    fi
    if ! command -v go >/dev/null 2>&1; then
        vcsim_err "go not found (install golang-go)"
        return 1
    fi
    if [ ! -d "$VCSIM_GOPATH/src/github.com/vmware/govmomi/simulator" ]; then
        vcsim_err "govmomi not found under $VCSIM_GOPATH" \
            "(install golang-github-vmware-govmomi-dev)"
        return 1
    fi
    mkdir -p "$out" || return 1
    out=$(cd "$out" && pwd) || return 1
    stamp=$(vcsim_stamp) || return 1
    exec {lockfd}>>"$out/.build.lock" || return 1
    if ! flock -w 600 "$lockfd"; then
        exec {lockfd}>&-
        vcsim_err "timed out waiting for $out/.build.lock"
        return 1
    fi
    if [ -x "$out/vcsim" ] && [ -f "$out/vcsim.stamp" ] &&
        [ "$(cat "$out/vcsim.stamp")" = "$stamp" ]; then
        exec {lockfd}>&-
        return 0
    fi
    start=$SECONDS
    rm -f "$out/vcsim" "$out/vcsim.stamp"
    if ! (cd "$VCSIM_SRC" &&
        env GOPATH="$VCSIM_GOPATH" GO111MODULE=off GOFLAGS= GOENV=off \
            GOPROXY=off GOCACHE="$out/gocache" CGO_ENABLED=0 \
            go build -trimpath -o "$out/vcsim.new" .) \
        >"$out/build.log" 2>&1; then
        vcsim_err "go build failed:"
        cat "$out/build.log" >&2
        rc=1
    else
        mv -f "$out/vcsim.new" "$out/vcsim" &&
            echo "$stamp" >"$out/vcsim.stamp" || rc=1
        echo "built in $((SECONDS - start)) s" >>"$out/build.log"
    fi
    exec {lockfd}>&-
    return $rc
}

# vcsim_start DIR [options]: start the simulator; see the top of this file.
vcsim_start() {
    [ $# -ge 1 ] || {
        vcsim_err "usage: vcsim_start DIR [--bin PATH] [--certs DIR]" \
            "[--cert NAME] [--password PW] [--timeout SEC] [--owner PID]"
        return 2
    }
    local dir=$1 bin='' certdir='' cert=host timeout=60 owner=$$
    local password=$ESXSIM_DEFAULT_PASSWORD pid deadline
    local -a extra=()
    shift
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then
            shift
            extra=("$@")
            break
        fi
        case $1 in
            --bin | --certs | --cert | --password | --timeout | --owner)
                if [ $# -lt 2 ]; then
                    vcsim_err "$1 needs a value"
                    return 2
                fi
                ;;
        esac
        case $1 in
            --bin) bin=$2; shift ;;
            --certs) certdir=$2; shift ;;
            --cert) cert=$2; shift ;;
            --password) password=$2; shift ;;
            --timeout) timeout=$2; shift ;;
            --owner) owner=$2; shift ;;
            *)
                vcsim_err "unknown option '$1'"
                return 2
                ;;
        esac
        shift
    done
    if [ -f "$dir/vcsim.pid" ] && esxsim_alive "$(cat "$dir/vcsim.pid")"; then
        vcsim_err "$dir: simulator already running; vcsim_stop it first"
        return 1
    fi
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd) || return 1
    if [ -z "$bin" ]; then
        local bdir=$dir/build
        [ -n "${VIFS_BUILDDIR:-}" ] && bdir=$VIFS_BUILDDIR/vcsim
        vcsim_build "$bdir" || return 1
        bin=$bdir/vcsim
    fi
    if [ ! -x "$bin" ]; then
        vcsim_err "no simulator binary at $bin"
        return 1
    fi
    if [ -z "$certdir" ]; then
        certdir=$dir/certs
        bash "$ESXSIM_SRCDIR/certs/make-certs.sh" "$certdir" || {
            vcsim_err "cannot make certificates in $certdir"
            return 1
        }
    fi
    certdir=$(cd "$certdir" && pwd) || return 1
    if [ ! -r "$certdir/$cert.pem" ] || [ ! -r "$certdir/$cert.key" ]; then
        vcsim_err "no certificate '$cert' in $certdir"
        return 2
    fi

    # The model keeps its datastore in a temporary directory: keep it in DIR.
    rm -rf "$dir/tmp"
    mkdir -p "$dir/tmp" || return 1
    rm -f "$dir/vcsim.env" "$dir/vcsim.out" "$dir/vcsim.err"
    TMPDIR=$dir/tmp VCSIM_LOGIN_PASSWORD=$password "$bin" \
        -listen 127.0.0.1:0 -cert "$certdir/$cert.pem" \
        -key "$certdir/$cert.key" -user root ${extra[@]+"${extra[@]}"} \
        </dev/null >"$dir/vcsim.out" 2>"$dir/vcsim.err" &
    pid=$!
    echo "$pid" >"$dir/vcsim.pid"

    deadline=$((SECONDS + timeout))
    while ! grep -q '^VCSIM_READY=1$' "$dir/vcsim.out" 2>/dev/null; do
        if ! esxsim_alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            vcsim_err "simulator exited during start-up:"
            cat "$dir/vcsim.err" >&2
            rm -f "$dir/vcsim.pid"
            return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            vcsim_err "simulator not ready after $timeout s:"
            cat "$dir/vcsim.err" >&2
            vcsim_stop "$dir"
            return 1
        fi
        sleep 0.05
    done

    local dsdir
    dsdir=$(find "$dir/tmp" -maxdepth 1 -type d -name 'govcsim-*-LocalDS_0-*' |
        head -n 1)
    {
        echo "# vSphere simulator started by vcsim.sh; source this file."
        grep '^VCSIM_[A-Z0-9_]*=' "$dir/vcsim.out" | grep -v '^VCSIM_READY='
        esxsim_q VCSIM_DIR "$dir"
        esxsim_q VCSIM_CA "$certdir/ca.pem"
        esxsim_q VCSIM_CERT "$certdir/$cert.pem"
        esxsim_q VCSIM_DC ha-datacenter
        esxsim_q VCSIM_DATASTORE LocalDS_0
        esxsim_q VCSIM_DS_DIR "$dsdir"
    } >"$dir/vcsim.env.new" && mv -f "$dir/vcsim.env.new" "$dir/vcsim.env" ||
        return 1
    if [ -z "$dsdir" ]; then
        vcsim_err "simulator made no datastore directory in $dir/tmp"
        vcsim_stop "$dir"
        return 1
    fi
    if [ "$owner" != 0 ]; then
        esxsim_watchdog "$owner" "$pid" "$dir" </dev/null >/dev/null 2>&1 &
        echo $! >"$dir/watchdog.pid"
    fi
    return 0
}

# vcsim_stop DIR: stop the simulator started in DIR and wait until it is
# gone (it removes its datastore directory on the way out). Stopping what
# is not running succeeds.
vcsim_stop() {
    local dir=${1:-} pid wd
    if [ -z "$dir" ]; then
        vcsim_err "usage: vcsim_stop DIR"
        return 2
    fi
    if [ -f "$dir/watchdog.pid" ]; then
        wd=$(cat "$dir/watchdog.pid")
        esxsim_alive "$wd" && esxsim_kill_wait 5 "$wd"
        rm -f "$dir/watchdog.pid" "$dir/watchdog.fifo"
    fi
    [ -f "$dir/vcsim.pid" ] || return 0
    pid=$(cat "$dir/vcsim.pid")
    if esxsim_alive "$pid"; then
        esxsim_kill_wait 10 "$pid"
    else
        wait "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/vcsim.pid"
    return 0
}

vcsim_one() {
    legacy_setup "$1"
    trap 'vcsim_stop "$W/vc"; legacy_cleanup' EXIT
    bash "$ESXSIM_SRCDIR/certs/make-certs.sh" "$W/certs" >/dev/null ||
        tap_die "make-certs.sh failed"
    vcsim_start "$W/vc" --certs "$W/certs" || tap_die "vcsim_start failed"
    # shellcheck source=/dev/null
    . "$W/vc/vcsim.env"
    DS=$VCSIM_DATASTORE
    CONN=(--url "$VCSIM_URL" --username "$VCSIM_USERNAME"
        --password "$VCSIM_PASSWORD" --cacertsfile "$VCSIM_CA")
    L=$W/local
    mkdir -p "$L"
}

# deps.sh - sourced by the quick-start scripts: installs the Debian packages
# the project needs when some are missing (Debian 12, as root), then builds.

# Packages for building, testing and the simulated hosts.
VIFS_DEBS="build-essential cmake pkg-config git ca-certificates curl openssl
libcurl4-openssl-dev libxml2-dev libxml2-utils libssl-dev libpci-dev pciutils
libarchive-dev libsqlite3-dev libcmocka-dev libjansson-dev python3-jsonschema ansible-core
prometheus nginx-light golang-go golang-github-vmware-govmomi-dev clang
libclang-rt-14-dev clang-format util-linux procps strace time python3"

# vifs_deps: install whatever of VIFS_DEBS is not installed yet.
vifs_deps() {
    local missing="" p status
    for p in $VIFS_DEBS; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case "$status" in
            *" installed") ;;
            *) missing="$missing $p" ;;
        esac
    done
    [ -z "$missing" ] && return 0
    echo "installing Debian packages:$missing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing packages:$missing (run as root, or install" \
             "them with apt-get)" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        return 1
}

# vifs_build DIR [cmake options...]: configure and build into DIR.
vifs_build() {
    local dir=$1
    shift
    cmake -S "$VIFS_TOP" -B "$dir" -DVIFS_WERROR=ON "$@" >"$dir.cmake.log" 2>&1 ||
        { cat "$dir.cmake.log" >&2; return 1; }
    cmake --build "$dir" -j"$(nproc)" >"$dir.build.log" 2>&1 ||
        { grep -E 'error|Error' "$dir.build.log" | head -40 >&2; return 1; }
}

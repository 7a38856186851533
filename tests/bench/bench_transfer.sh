#!/usr/bin/env bash
# bench_transfer.sh - memory and speed of vifs --get and --put.
#
# A 1 GiB file (SIZE_MB, default 1024) goes down with `vifs --get` and up
# with `vifs --put` through a simulated ESXi host (tests/lib/esxsim.sh,
# HTTPS with the test CA), and the same with curl in the same run as the
# baseline.  Peak resident memory and wall time come from GNU time
# (/usr/bin/time -v, Debian package "time").  Goal: vifs stays under
# 20 MiB of peak RSS whatever the size (transfers stream).  Every copy is
# compared with the original.  vifs --get syncs the file to disk before it
# renames it into place (curl does not), which is part of its time.
# Figures are the medians of RUNS runs (default 3); the machine may be
# shared, so CPU time says more than wall time.  Exits 1 when a transfer
# fails, a copy differs or the goal is missed.
#
# Needs VIFS_BIN or VIFS_BUILDDIR (vifs is then VIFS_BUILDDIR/remote/vifs).
set -u

srcdir=${VIFS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
vifs=${VIFS_BIN:-${VIFS_BUILDDIR:-.}/remote/vifs}
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
goal_kb=20480
gnutime=/usr/bin/time

if [ ! -x "$vifs" ]; then
    echo "bench_transfer: no vifs at $vifs" >&2
    exit 1
fi
if [ ! -x "$gnutime" ] || ! "$gnutime" -v true >/dev/null 2>&1; then
    echo "bench_transfer: needs GNU time at $gnutime (apt-get install time)" >&2
    exit 1
fi
# shellcheck source=../lib/esxsim.sh
. "$srcdir/tests/lib/esxsim.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench_transfer.XXXXXX") || exit 1
cleanup() {
    esxsim_stop "$work/sim"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

esxsim_start "$work/sim" 1 --no-access-log || exit 1
# shellcheck source=/dev/null
. "$work/sim/hosts.env"
ds=$ESXSIM_HOSTS_DIR/$ESXSIM_PORT/ds/$ESXSIM_DS1
url=$ESXSIM_URL/folder
printf 'machine 127.0.0.1 login root password %s\n' "$ESXSIM_PASSWORD" \
    >"$work/netrc"
chmod 600 "$work/netrc"
conn=(--server 127.0.0.1 --portnumber "$ESXSIM_PORT" --username root
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")

echo "bench_transfer: making a ${size_mb} MiB file of random bytes"
head -c "$((size_mb * 1048576))" /dev/urandom >"$ds/src.bin" || exit 1

failed=0
# measure NAME CMD...: runs CMD under GNU time; appends "kb secs cpu" to
# $work/NAME (peak RSS, wall time, user + system CPU time).
measure() {
    local name=$1 kb secs user sys
    shift
    # Dirty pages of the step before must not slow this one down.
    sync
    if ! "$gnutime" -f '%M %e %U %S' -o "$work/time.out" "$@" >/dev/null \
        2>"$work/cmd.err"; then
        echo "bench_transfer: $name failed:" >&2
        cat "$work/cmd.err" >&2
        failed=1
        return 1
    fi
    read -r kb secs user sys <"$work/time.out"
    echo "$kb $secs $(awk -v u="$user" -v s="$sys" \
        'BEGIN { printf "%.2f", u + s }')" >>"$work/$name"
}

same() {
    if ! cmp -s "$1" "$2"; then
        echo "bench_transfer: $3: the copy differs" >&2
        failed=1
    fi
}

get_vifs() {
    measure vifs_get "$vifs" "${conn[@]}" --get "[$ESXSIM_DS1] src.bin" \
        "$work/got.bin"
    same "$ds/src.bin" "$work/got.bin" "vifs --get"
    rm -f "$work/got.bin"
}
get_curl() {
    measure curl_get curl -sS --fail --netrc-file "$work/netrc" \
        --cacert "$ESXSIM_CA" -o "$work/got.bin" \
        "$url/src.bin?dsName=$ESXSIM_DS1"
    same "$ds/src.bin" "$work/got.bin" "curl GET"
    rm -f "$work/got.bin"
}
put_vifs() {
    measure vifs_put "$vifs" "${conn[@]}" --put "$work/up.bin" \
        "[$ESXSIM_DS1] up-vifs.bin"
    same "$work/up.bin" "$ds/up-vifs.bin" "vifs --put"
    rm -f "$ds/up-vifs.bin"
}
put_curl() {
    measure curl_put curl -sS --fail --netrc-file "$work/netrc" \
        --cacert "$ESXSIM_CA" -T "$work/up.bin" \
        "$url/up-curl.bin?dsName=$ESXSIM_DS1"
    same "$work/up.bin" "$ds/up-curl.bin" "curl PUT"
    rm -f "$ds/up-curl.bin"
}

cp "$ds/src.bin" "$work/up.bin" || exit 1
# Who goes first alternates from run to run, so that neither always
# inherits the other's page cache.
for ((r = 0; r < runs; r++)); do
    if ((r % 2 == 0)); then
        get_vifs
        get_curl
        put_vifs
        put_curl
    else
        get_curl
        get_vifs
        put_curl
        put_vifs
    fi
done
[ $failed = 0 ] || exit 1

# median NAME COLUMN
median() {
    cut -d' ' -f"$2" "$work/$1" | sort -n |
        awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '\n%-10s %12s %10s %10s %10s\n' "transfer" "peak RSS" "time" "CPU" \
    "MiB/s"
for n in vifs_get curl_get vifs_put curl_put; do
    kb=$(median $n 1)
    secs=$(median $n 2)
    printf '%-10s %9s KiB %8s s %8s s %10s\n' "$n" "$kb" "$secs" \
        "$(median $n 3)" \
        "$(awk -v s="$secs" -v m="$size_mb" \
            'BEGIN { printf "%.0f", (s > 0 ? m / s : 0) }')"
done
status=0
for op in get put; do
    vkb=$(median "vifs_$op" 1)
    ckb=$(median "curl_$op" 1)
    vs=$(median "vifs_$op" 2)
    cs=$(median "curl_$op" 2)
    printf '%s: vifs uses %s KiB (curl %s KiB); vifs/curl: time %s, CPU %s\n' \
        "$op" "$vkb" "$ckb" \
        "$(awk -v a="$vs" -v b="$cs" \
            'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
        "$(awk -v a="$(median "vifs_$op" 3)" -v b="$(median "curl_$op" 3)" \
            'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    if [ "$vkb" -ge "$goal_kb" ]; then
        echo "bench_transfer: vifs --$op peak RSS $vkb KiB is over the" \
            "goal of $goal_kb KiB" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "goal met: vifs under $goal_kb KiB for ${size_mb} MiB"
exit $status

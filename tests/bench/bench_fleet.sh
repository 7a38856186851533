#!/usr/bin/env bash
# bench_fleet.sh - one vifs process driving a fleet, against curl driving
# the same transfers.
#
# Starts HOSTS simulated hosts (default 1000; tests/lib/esxsim.sh), each
# with a realistic esx.conf of SIZE_KB (default 150) made by
# `bench_esxconf --generate`, then measures in the same run, wall time and
# peak RSS (GNU time, /usr/bin/time -v):
#   (a) curl --parallel --parallel-max 32 -K LIST: the files, the baseline
#   (b) vifs --servers FILE --get /host/esx.conf DIR
#   (c) vifs --servers FILE audit --baseline FILE
#   (d) vifs --servers FILE passthru enable ADDR: on every host GET, a
#       local backup (synced), GET again (conflict check), PUT, GET
#       (verify); each run is undone, unmeasured, by passthru disable
# and prints the ratios to (a); targets (b) <= 1.0, (c) <= 1.05,
# (d) <= 3.0.  Then (e) the peak RSS of the audit of BIG_HOSTS (default
# 10000) host entries; target <= 64 MB.  So many nginx ports would need 10000 copies of the
# file and 40000 directories, so those entries are distinct host:port
# names for a fifth as many ports (the HOSTS already running, and more
# started for the rest): 127.0.0.1:P, localhost:P, 127.1:P, 127.0.1:P and
# 2130706433:P all reach 127.0.0.1 (trust by pinned thumbprint, since the
# certificate names only two of them); the run says how many ports it
# used.  Figures are medians of
# RUNS runs (default 3), who goes first alternating.  Exits 1 when a run
# fails or a copy differs; missing a target is reported, not fatal (the
# machine may be shared).
#
# Needs VIFS_BIN or VIFS_BUILDDIR (vifs is then VIFS_BUILDDIR/remote/vifs,
# bench_esxconf VIFS_BUILDDIR/tests/bench_esxconf).
set -u

srcdir=${VIFS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
builddir=${VIFS_BUILDDIR:-.}
vifs=${VIFS_BIN:-$builddir/remote/vifs}
gen=$builddir/tests/bench_esxconf
hosts=${HOSTS:-1000}
size_kb=${SIZE_KB:-150}
big=${BIG_HOSTS:-10000}
runs=${RUNS:-3}
gnutime=/usr/bin/time

for f in "$vifs" "$gen"; do
    if [ ! -x "$f" ]; then
        echo "bench_fleet: no $f (set VIFS_BUILDDIR)" >&2
        exit 1
    fi
done
if [ ! -x "$gnutime" ] || ! "$gnutime" -v true >/dev/null 2>&1; then
    echo "bench_fleet: needs GNU time at $gnutime (apt-get install time)" >&2
    exit 1
fi
# shellcheck source=../lib/esxsim.sh
. "$srcdir/tests/lib/esxsim.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench_fleet.XXXXXX") || exit 1
cleanup() {
    esxsim_stop "$work/sim"
    esxsim_stop "$work/sim2"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"$gen" --generate "$size_kb" >"$work/esx.conf" || exit 1
echo "bench_fleet: $hosts hosts, esx.conf of $(wc -c <"$work/esx.conf")" \
    "bytes ($(wc -l <"$work/esx.conf") lines)"
start=$SECONDS
esxsim_start "$work/sim" "$hosts" --no-access-log --seed "$work/esx.conf" \
    --timeout 120 || exit 1
echo "bench_fleet: hosts started in $((SECONDS - start)) s"
# shellcheck source=/dev/null
. "$work/sim/hosts.env"

# The curl list: one url and output per host; the vifs host list.
for p in $ESXSIM_PORTS; do
    printf 'url = "https://127.0.0.1:%s/host/esx.conf"\n' "$p"
    printf 'output = "%s/curl/127.0.0.1:%s/esx.conf"\n' "$work" "$p"
done >"$work/curl.list"
printf 'user = "root:%s"\n' "$ESXSIM_PASSWORD" >"$work/curl.auth"
chmod 600 "$work/curl.auth"
cp "$ESXSIM_SERVERS" "$work/servers"
printf '/device/007:00.0/owner = "passthru"\n/system/uuid = "*"\n!/adv/Misc/Forbidden\n' \
    >"$work/baseline"
conn=(--username root --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA")

failed=0
mkdir -p "$work/fig" || exit 1
# measure NAME CMD...: runs CMD under GNU time, appends "kb secs cpu".
measure() {
    local name=$1 kb secs user sys
    shift
    sync
    if ! "$gnutime" -f '%M %e %U %S' -o "$work/time.out" "$@" \
        >"$work/cmd.out" 2>"$work/cmd.err"; then
        echo "bench_fleet: $name failed:" >&2
        tail -n 5 "$work/cmd.out" "$work/cmd.err" >&2
        failed=1
        return 1
    fi
    read -r kb secs user sys <"$work/time.out"
    echo "$kb $secs $(awk -v u="$user" -v s="$sys" \
        'BEGIN { printf "%.2f", u + s }')" >>"$work/fig/$name"
}

# all_copied DIR NAME: every host's file under DIR is the original.
all_copied() {
    local n=0 p
    for p in $ESXSIM_PORTS; do
        cmp -s "$1/127.0.0.1:$p/esx.conf" "$work/esx.conf" && n=$((n + 1))
    done
    if [ "$n" -ne "$hosts" ]; then
        echo "bench_fleet: $2: $n of $hosts files are right" >&2
        failed=1
    fi
}

run_curl() {
    rm -rf "$work/curl"
    measure curl curl -sS --fail --parallel --parallel-max 32 \
        --create-dirs --cacert "$ESXSIM_CA" -K "$work/curl.auth" \
        -K "$work/curl.list" && all_copied "$work/curl" curl
}
run_get() {
    rm -rf "$work/get"
    measure get "$vifs" --servers "$work/servers" "${conn[@]}" \
        --get /host/esx.conf "$work/get" && all_copied "$work/get" "vifs --get"
}
run_edit() {
    measure edit "$vifs" --servers "$work/servers" "${conn[@]}" passthru \
        enable --backup-dir "$work/backups" 005:00.0 &&
        if ! grep -q "^$hosts hosts: $hosts ok, 0 failed" "$work/cmd.out"; then
            echo "bench_fleet: passthru enable: $(tail -n 1 "$work/cmd.out")" >&2
            failed=1
        fi
    # Undone for the next run (the file gets its bytes back).
    "$vifs" --servers "$work/servers" "${conn[@]}" passthru disable \
        --backup-dir "$work/backups" 005:00.0 >"$work/undo.out" 2>&1 ||
        { echo "bench_fleet: undo failed: $(tail -n 1 "$work/undo.out")" >&2
            failed=1; }
}
run_audit() {
    measure audit "$vifs" --servers "$work/servers" "${conn[@]}" audit \
        --baseline "$work/baseline" &&
        if ! grep -q "^$hosts hosts: $hosts ok, 0 failed" "$work/cmd.out"; then
            echo "bench_fleet: audit: $(tail -n 1 "$work/cmd.out")" >&2
            failed=1
        fi
}

for ((r = 0; r < runs; r++)); do
    if ((r % 2 == 0)); then
        run_curl
        run_get
        run_audit
        run_edit
    else
        run_edit
        run_audit
        run_get
        run_curl
    fi
done
[ $failed = 0 ] || exit 1

# median NAME COLUMN
median() {
    cut -d' ' -f"$2" "$work/fig/$1" | sort -n |
        awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

printf '\n%-28s %12s %10s %10s %8s\n' "$hosts hosts" "peak RSS" "time" "CPU" \
    "ratio"
cs=$(median curl 2)
for n in curl get audit edit; do
    case $n in
        curl) label="(a) curl --parallel 32" ;;
        get) label="(b) vifs --get" ;;
        audit) label="(c) vifs audit" ;;
        edit) label="(d) vifs passthru enable" ;;
    esac
    printf '%-28s %8s KiB %8s s %8s s %8s\n' "$label" "$(median $n 1)" \
        "$(median $n 2)" "$(median $n 3)" "$(ratio "$(median $n 2)" "$cs")"
done
status=0
gr=$(ratio "$(median get 2)" "$cs")
ar=$(ratio "$(median audit 2)" "$cs")
er=$(ratio "$(median edit 2)" "$cs")
met() {
    awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "MISSED") }'
}
echo "targets: (b)/(a) $gr <= 1.0: $(met "$gr" 1.0);" \
    "(c)/(a) $ar <= 1.05: $(met "$ar" 1.05);" \
    "(d)/(a) $er <= 3.0: $(met "$er" 3.0)"

# (e) The audit of BIG host entries: every port under five names, with
# more hosts started when five names of the running ports are too few.
names=(127.0.0.1 localhost 127.1 127.0.1 2130706433)
ports=$ESXSIM_PORTS
need=$(((big + ${#names[@]} - 1) / ${#names[@]}))
if [ "$need" -gt "$hosts" ]; then
    esxsim_start "$work/sim2" $((need - hosts)) --no-access-log \
        --seed "$work/esx.conf" --certs "$ESXSIM_CERTDIR" --timeout 120 ||
        exit 1
    ports="$ports $(. "$work/sim2/hosts.env" && echo "$ESXSIM_PORTS")"
fi
nports=$(wc -w <<<"$ports")
: >"$work/big"
n=0
for name in "${names[@]}"; do
    for p in $ports; do
        [ $n -ge "$big" ] && break 2
        echo "$name:$p" >>"$work/big"
        n=$((n + 1))
    done
done
measure big "$vifs" --servers "$work/big" --username root \
    --password "$ESXSIM_PASSWORD" --thumbprint "$ESXSIM_THUMBPRINT_SHA256" \
    audit --baseline "$work/baseline" --report "$work/big.xml"
if [ $failed = 0 ] && ! grep -q "^$big hosts: $big ok, 0 failed" \
    "$work/cmd.out"; then
    echo "bench_fleet: big audit: $(tail -n 1 "$work/cmd.out")" >&2
    failed=1
fi
[ $failed = 0 ] || exit 1
bkb=$(median big 1)
echo
echo "(e) audit of $big host entries ($nports nginx ports under" \
    "${#names[@]} names, --report written): peak RSS $bkb KiB," \
    "$(median big 2) s; target <= 65536 KiB:" \
    "$([ "$bkb" -le 65536 ] && echo met || echo MISSED)"
echo "    report: $(wc -c <"$work/big.xml") bytes, $(grep -c '<host ' "$work/big.xml") hosts"
exit $status

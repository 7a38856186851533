# esxsim.sh: simulated ESXi hosts for the integration tests, the demo and
# the benchmarks. Source it from bash, then:
#
#   esxsim_start DIR N [options]   start one nginx serving N hosts
#   esxsim_stop DIR                stop it and wait until it is gone
#
# Every host is one TLS port on 127.0.0.1 with ESXi's HTTP file service:
# /host, /tmp and /folder with Basic auth (realm "VMware HTTP server").
# After a successful start DIR/hosts.env holds ports, URLs, credentials and
# the CA file (source it), and DIR/servers.txt one 127.0.0.1:PORT per host.
# The layout, the options and what differs from a real host are described
# in docs/internals/testservers.md.
#
# Options of esxsim_start:
#   --seed FILE        esx.conf given to every host (default: the fixture
#                      pci/seed-sample1.esx.conf)
#   --certs CERTDIR    certificates made by certs/make-certs.sh (default:
#                      made in DIR/certs)
#   --cert NAME        certificate all hosts serve: host (default), host-K,
#                      mismatch, wrong or self
#   --cert-at I=NAME   certificate of host I (1-based) only; repeatable
#   --ds NAME          datastore of every host; repeatable, replaces the
#                      default pair "datastore1" and "data store&2-é"
#   --password PW      password of root (default in ESXSIM_DEFAULT_PASSWORD)
#   --workers K        nginx worker processes, 1 (default) or more
#   --http-port        add one host served over plain HTTP
#   --raw-autoindex    serve nginx's own listing pages, not ESXi-like ones
#   --no-access-log    do not write DIR/access.log (benchmarks)
#   --timeout SEC      how long to wait for readiness (default 30)
#   --owner PID        stop the servers when PID exits (default: this
#                      shell; 0 disables)
#
# Functions return non-zero with a message on stderr; they never exit, and
# they work in scripts running with set -euo pipefail.

ESXSIM_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ESXSIM_SRCDIR=${VIFS_SRCDIR:-$(cd "$ESXSIM_LIBDIR/../.." && pwd)}
ESXSIM_DEFAULT_PASSWORD='VMware1!'
ESXSIM_LIMITED_USER='dsuser'
ESXSIM_LIMITED_PASSWORD='Ds-only2#'
ESXSIM_REALM='VMware HTTP server'
ESXSIM_NGINX=${ESXSIM_NGINX:-nginx}

esxsim_err() {
    echo "esxsim: $*" >&2
}

# esxsim_hex_byte C: two upper-case hex digits of the byte C (C locale).
esxsim_hex_byte() {
    local LC_ALL=C
    printf '%02X' "'$1"
}

# esxsim_name_check NAME: succeeds when NAME may be a datastore name here.
# Names must be writable as nginx strings and directory names, so they may
# not hold / \ " $ { } ` or control characters, nor be . or ..
esxsim_name_check() {
    local LC_ALL=C name=$1
    case $name in
        '' | . | .. | */* | *\\* | *\"* | *\$* | *\{* | *\}* | *\`*)
            return 1
            ;;
        *[[:cntrl:]]*)
            return 1
            ;;
    esac
    return 0
}

# esxsim_encode NAME: NAME percent-encoded as ESXi writes it in links:
# every byte but letters and digits as %xx in lower case (ha%2ddatacenter).
esxsim_encode() {
    local LC_ALL=C s=$1 out='' c i hex
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9]) out+=$c ;;
            *)
                hex=$(esxsim_hex_byte "$c")
                out+="%${hex,,}"
                ;;
        esac
    done
    printf '%s' "$out"
}

# esxsim_html NAME: NAME with & < > " written as HTML entities.
esxsim_html() {
    local s=$1
    s=${s//&/&amp;}
    s=${s//</&lt;}
    s=${s//>/&gt;}
    s=${s//\"/&quot;}
    printf '%s' "$s"
}

# esxsim_regex NAME: a PCRE that matches every way a client may write NAME
# as a raw query value: each byte percent-encoded with either hex case,
# letters, digits and safe punctuation also as themselves, space also as +.
# This stands in for percent-decoding, which nginx does not do for $arg_.
esxsim_regex() {
    local LC_ALL=C s=$1 out='^' c d i hex hexre
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        hex=$(esxsim_hex_byte "$c")
        hexre=%
        for d in "${hex:0:1}" "${hex:1:1}"; do
            case $d in
                [A-F]) hexre+="[$d${d,,}]" ;;
                *) hexre+=$d ;;
            esac
        done
        case $c in
            [A-Za-z0-9]) out+="(?:$c|$hexre)" ;;
            ' ') out+="(?:$hexre|\\+)" ;;
            '&' | '=' | '+' | '#' | '%') out+=$hexre ;;
            [[:punct:]]) out+="(?:\\$c|$hexre)" ;;
            *) out+=$hexre ;;
        esac
    done
    printf '%s$' "$out"
}

# ESXSIM_AWK_PORT: awk text that sets `port` to the local port of a line of
# /proc/net/tcp (hex in field 2; mawk has no strtonum).
ESXSIM_AWK_PORT='FNR > 1 {
    split($2, a, ":"); port = 0
    for (i = 1; i <= length(a[2]); i++)
        port = port * 16 + index("0123456789ABCDEF", substr(a[2], i, 1)) - 1'

# esxsim_used_ports: every local TCP port in use on this machine, one a line.
esxsim_used_ports() {
    awk "$ESXSIM_AWK_PORT"'
        print port }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# esxsim_pick_ports COUNT: COUNT distinct free ports below the kernel's
# ephemeral range (so outgoing connections never take them), one a line,
# from a random start.
esxsim_pick_ports() {
    local count=$1 low=10000 high=32767 range start p n=0 tries=0
    local -A used=()
    if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
        read -r range _ </proc/sys/net/ipv4/ip_local_port_range
        if [ "$range" -gt $((low + count + 100)) ]; then
            high=$((range - 1))
        fi
    fi
    while read -r p; do
        used[$p]=1
    done < <(esxsim_used_ports)
    start=$((low + (RANDOM * 32768 + RANDOM) % (high - low + 1)))
    p=$start
    while [ $n -lt "$count" ]; do
        if [ -z "${used[$p]:-}" ]; then
            echo "$p"
            n=$((n + 1))
        fi
        p=$((p + 1))
        [ $p -gt $high ] && p=$low
        tries=$((tries + 1))
        if [ $tries -gt $((high - low)) ]; then
            esxsim_err "not enough free ports in $low-$high"
            return 1
        fi
    done
}

# esxsim_listening PORT...: succeeds when every PORT has a listening socket.
esxsim_listening() {
    local want got
    want=$(printf '%s\n' "$@" | sort -u | wc -l)
    got=$(awk "$ESXSIM_AWK_PORT"'
        if ($4 == "0A") print port }' /proc/net/tcp /proc/net/tcp6 \
        2>/dev/null | sort -u | grep -cxFf <(printf '%s\n' "$@")) || true
    [ "$got" = "$want" ]
}

# esxsim_alive PID: succeeds while PID runs (a zombie counts as gone).
esxsim_alive() {
    local stat
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# esxsim_children PID: the process ids whose parent is PID.
esxsim_children() {
    local f stat rest
    for f in /proc/[0-9]*/stat; do
        read -r stat 2>/dev/null <"$f" || continue
        rest=${stat##*) }
        rest=${rest#* }
        if [ "${rest%% *}" = "$1" ]; then
            rest=${f#/proc/}
            echo "${rest%/stat}"
        fi
    done
}

# esxsim_kill_wait SECONDS PID...: TERM the PIDs, wait until all are gone,
# then KILL what is left. Reaps them when they are children of this shell.
esxsim_kill_wait() {
    local secs=$1 p i alive
    shift
    for p in "$@"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for ((i = 0; i < secs * 20; i++)); do
        alive=0
        for p in "$@"; do
            esxsim_alive "$p" && alive=1
        done
        [ $alive -eq 0 ] && break
        sleep 0.05
    done
    for p in "$@"; do
        if esxsim_alive "$p"; then
            esxsim_err "process $p ignored TERM; killing it"
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
    for p in "$@"; do
        wait "$p" 2>/dev/null || true
    done
    return 0
}

# esxsim_ds_block: the nginx map lines that turn the raw dsName argument into
# the datastore directory name (or !bad / !unknown).
esxsim_ds_block() {
    local name
    printf '    map $arg_dsName $esx_ds {\n'
    printf '        "" "";\n'
    # Anything that could leave the datastore directory once decoded.
    # (nginx turns \\ in a quoted string into one backslash.)
    printf '        "%s" "!bad";\n' \
        '~*(?:/|%2f|\\\\|%5c|%00|(?:\.|%2e)(?:\.|%2e))'
    for name in "${ESXSIM_DS_NAMES[@]}"; do
        printf '        "~%s" "%s";\n' "$(esxsim_regex "$name")" "$name"
    done
    printf '        default "!unknown";\n    }\n'
    printf '    map $esx_ds $esx_ds_enc {\n        default "";\n'
    for name in "${ESXSIM_DS_NAMES[@]}"; do
        printf '        "%s" "%s";\n' "$name" "$(esxsim_encode "$name")"
    done
    printf '    }\n'
}

# esxsim_write_pages DIR: the static pages every host serves.
esxsim_write_pages() {
    local dir=$1 name i cap free
    mkdir -p "$dir/pages" || return 1
    cat >"$dir/pages/welcome.html" <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>VMware ESXi</title></head>
<body id="ID_EESX_Welcome">
<p>Simulated ESXi host of the vifs test suite.</p>
<p><a href="/folder?dcPath=ha%2ddatacenter">Browse datastores in this host's inventory</a></p>
</body>
</html>
EOF
    # GET /folder: the datacenters; GET /folder?dcPath=ha-datacenter: the
    # datastores, rows shaped as PROTOCOL.md section 4.3 describes.
    cat >"$dir/pages/dc-none.html" <<'EOF'
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>Datacenters</title></head>
<body>
<table>
<tr><th>Name</th></tr>
<tr><td><a href="/folder?dcPath=ha%2ddatacenter">ha-datacenter</a></td></tr>
</table>
</body>
</html>
EOF
    {
        cat <<'EOF'
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>Datastores</title></head>
<body>
<table>
<tr><th>Name</th><th>Capacity</th><th>Free</th></tr>
EOF
        i=0
        for name in "${ESXSIM_DS_NAMES[@]}"; do
            i=$((i + 1))
            cap=$((i * 107374182400))
            free=$((cap / 4 * 3 - i * 1048576))
            printf '<tr><td><a href="/folder?dcPath=ha%%2ddatacenter&amp;dsName=%s">%s</a></td><td align="right">%s</td><td align="right">%s</td></tr>\n' \
                "$(esxsim_encode "$name")" "$(esxsim_html "$name")" \
                "$cap" "$free"
        done
        printf '</table>\n</body>\n</html>\n'
    } >"$dir/pages/dc-ha.html"
    # 1 MiB that the stall port trickles out at one byte per second.
    head -c 1048576 /dev/zero >"$dir/pages/stall.bin"
}

# esxsim_write_hostconf DIR RAW: the server-level part shared by all hosts.
# Paths use $server_port, so one text serves every port.
esxsim_write_hostconf() {
    local dir=$1 raw=$2 lst_folder lst_host
    if [ "$raw" = 1 ]; then
        lst_folder='' lst_host=''
    else
        # Make nginx's autoindex look like ESXi's listings: absolute links
        # with the query string, "Parent ..." as the first anchor.
        lst_folder=$(
            cat <<'EOF'
        sub_filter_once off;
        sub_filter '<a href="../">../</a>' '<a href="$esx_parent_href">$esx_parent_text</a>';
        sub_filter '<a href="' '<a href="$esx_base';
        sub_filter '">' '?dcPath=ha%2ddatacenter&amp;dsName=$esx_ds_enc">';
EOF
        )
        lst_host=$(
            cat <<'EOF'
        sub_filter_once off;
        sub_filter '<a href="../">../</a>' '';
        sub_filter '<a href="' '<a href="$esx_base';
EOF
        )
    fi
    cat >"$dir/host.conf" <<EOF
    # Generated by esxsim.sh: one simulated ESXi host; data in
    # $dir/hosts/<port>.
    auth_basic "$ESXSIM_REALM";
    auth_basic_user_file $dir/htpasswd;

    # The welcome page needs no credentials, as on ESXi.
    location = / {
        auth_basic off;
        default_type text/html;
        root $dir/pages;
        try_files /welcome.html =404;
    }

    location = /host {
        rewrite ^ /host/ last;
    }

    # Host configuration files: GET, HEAD, PUT replacing an existing file.
    location /host/ {
        root $dir/hosts/\$server_port;
        if (\$request_method !~ ^(GET|HEAD|PUT)$) {
            rewrite ^ /_esxsim/s405 last;
        }
        set \$esx_m \$request_method;
        if (!-f \$request_filename) {
            set \$esx_m "\${esx_m}-missing";
        }
        if (\$esx_m = PUT-missing) {
            rewrite ^ /_esxsim/s404 last;
        }
        auth_request /_esxsim/authz;
        autoindex on;
        dav_methods PUT;
        dav_access user:rw group:r all:r;
$lst_host
    }

    # Upload area: PUT only.
    location /tmp/ {
        root $dir/hosts/\$server_port;
        if (\$request_method != PUT) {
            rewrite ^ /_esxsim/s405 last;
        }
        auth_request /_esxsim/authz;
        dav_methods PUT;
        dav_access user:rw group:r all:r;
        create_full_put_path on;
    }

    # /folder alone: datacenters, the datastores of ha-datacenter, or the
    # top directory of the datastore named by dsName.
    location = /folder {
        if (\$esx_ds = "!bad") {
            rewrite ^ /_esxsim/s400 last;
        }
        if (\$esx_ds = "!unknown") {
            rewrite ^ /_esxsim/s404 last;
        }
        if (\$esx_dc = "!unknown") {
            rewrite ^ /_esxsim/s404 last;
        }
        if (\$request_method !~ ^(GET|HEAD)$) {
            rewrite ^ /_esxsim/s405 last;
        }
        if (\$esx_ds = "") {
            rewrite ^ /_esxsim/dc-\$esx_dc.html last;
        }
        rewrite ^ /folder/ last;
    }

    # Datastore files: GET, HEAD, PUT (creating parents), DELETE of files.
    location ~ ^/folder(?<esx_rel>/.*)$ {
        if (\$esx_ds = "!bad") {
            rewrite ^ /_esxsim/s400 last;
        }
        if (\$esx_ds ~ "^(!unknown)?$") {
            rewrite ^ /_esxsim/s404 last;
        }
        if (\$esx_dc = "!unknown") {
            rewrite ^ /_esxsim/s404 last;
        }
        if (\$request_method !~ ^(GET|HEAD|PUT|DELETE)$) {
            rewrite ^ /_esxsim/s405 last;
        }
        root $dir/hosts/\$server_port/ds/\$esx_ds;
        set \$esx_m \$request_method;
        if (-d $dir/hosts/\$server_port/ds/\$esx_ds\$esx_rel) {
            set \$esx_m "\${esx_m}-dir";
        }
        # Directories cannot be deleted over HTTP (ESXi answers 405).
        if (\$esx_m = DELETE-dir) {
            rewrite ^ /_esxsim/s405 last;
        }
        # List a directory named without its trailing slash in place.
        if (\$esx_m ~ ^(GET|HEAD)-dir$) {
            rewrite ^/folder(/.*[^/])$ \$1/ break;
        }
        rewrite ^/folder(/.*)$ \$1 break;
        autoindex on;
        dav_methods PUT DELETE;
        dav_access user:rw group:r all:r;
        create_full_put_path on;
$lst_folder
    }

    location = /_esxsim/authz {
        internal;
        auth_basic off;
        if (\$esx_denied) {
            return 403;
        }
        return 204;
    }

    # Refusals decided while rewriting are answered from these, after the
    # access checks, so a request without credentials always gets 401.
    location = /_esxsim/s400 {
        internal;
        root $dir/pages;
        try_files /.none =400;
    }
    location = /_esxsim/s404 {
        internal;
        root $dir/pages;
        try_files /.none =404;
    }
    location = /_esxsim/s405 {
        internal;
        root $dir/pages;
        try_files /.none =405;
    }

    location /_esxsim/ {
        internal;
        default_type text/html;
        alias $dir/pages/;
    }

    location / {
        root $dir/pages;
        try_files /.none =404;
    }
EOF
}

# esxsim_write_conf DIR: nginx.conf for the ports and options in ESXSIM_*.
esxsim_write_conf() {
    local dir=$1 i p name wc nofile hard user_line='' log_line
    local -A by_cert=()
    local order=()
    wc=$((${#ESXSIM_ALL_PORTS[@]} + 1024))
    nofile=$((wc * 2 + 64))
    hard=$(ulimit -Hn)
    if [ "$(id -u)" != 0 ]; then
        if [ "$hard" != unlimited ] && [ "$nofile" -gt "$hard" ]; then
            nofile=$hard
        fi
    else
        # Workers must read and write the data of the root-owned DIR.
        user_line='user root;'
    fi
    if [ "$ESXSIM_ACCESS_LOG" = 1 ]; then
        log_line="access_log $dir/access.log esxsim;"
    else
        log_line='access_log off;'
    fi
    for ((i = 0; i < ${#ESXSIM_HOST_PORTS[@]}; i++)); do
        name=${ESXSIM_HOST_CERTS[i]}
        if [ -z "${by_cert[$name]+x}" ]; then
            order+=("$name")
            by_cert[$name]=''
        fi
        p=${ESXSIM_HOST_PORTS[i]}
        by_cert[$name]+="        listen 127.0.0.1:$p ssl;"$'\n'
    done
    {
        cat <<EOF
# Generated by esxsim.sh: simulated ESXi hosts on 127.0.0.1.
daemon off;
master_process on;
worker_processes $ESXSIM_WORKERS;
worker_rlimit_nofile $nofile;
pid $dir/run/nginx.pid;
error_log $dir/error.log warn;
$user_line

events {
    worker_connections $wc;
}

http {
    default_type application/octet-stream;
    types {
        text/html html;
    }
    server_tokens off;
    log_format esxsim '\$server_port \$remote_user "\$request" \$status \$body_bytes_sent';
    $log_line
    client_body_temp_path $dir/run/body;
    proxy_temp_path $dir/run/proxy;
    fastcgi_temp_path $dir/run/fastcgi;
    uwsgi_temp_path $dir/run/uwsgi;
    scgi_temp_path $dir/run/scgi;
    client_max_body_size 0;
    sendfile on;
    keepalive_requests 100000;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:esxsim:4m;
    map_hash_bucket_size 128;

EOF
        esxsim_ds_block
        cat <<EOF
    map \$arg_dcPath \$esx_dc {
        "" none;
        "~$(esxsim_regex ha-datacenter)" ha;
        default "!unknown";
    }
    # The datastore-only user may not write /host or /tmp (403).
    map "\$request_method:\$remote_user" \$esx_denied {
        "PUT:$ESXSIM_LIMITED_USER" 1;
        default "";
    }
    # Raw path of the request, always ending in a slash: the base of the
    # links in a listing page.
    map \$request_uri \$esx_req_path {
        "~^(?<esx_p>[^?]*)" \$esx_p;
    }
    map \$esx_req_path \$esx_base {
        "~/\$" \$esx_req_path;
        default "\$esx_req_path/";
    }
    # Parent of a listed directory: another directory, the top of the
    # datastore (/folder), or for the top itself the datacenter.
    map \$esx_base \$esx_parent_path {
        "~^(?<esx_pp>/folder/.+/)[^/]+/\$" \$esx_pp;
        "~^/folder/[^/]+/\$" /folder;
        default "";
    }
    map \$esx_parent_path \$esx_parent_href {
        "" "/folder?dcPath=ha%2ddatacenter";
        default "\$esx_parent_path?dcPath=ha%2ddatacenter&amp;dsName=\$esx_ds_enc";
    }
    map \$esx_parent_path \$esx_parent_text {
        "" "Parent Datacenter";
        default "Parent Directory";
    }

EOF
        for name in "${order[@]}"; do
            printf '    server {\n%s' "${by_cert[$name]}"
            printf '        ssl_certificate %s/%s.pem;\n' \
                "$ESXSIM_CERTDIR" "$name"
            printf '        ssl_certificate_key %s/%s.key;\n' \
                "$ESXSIM_CERTDIR" "$name"
            printf '        include %s/host.conf;\n    }\n' "$dir"
        done
        if [ -n "$ESXSIM_HTTP" ]; then
            printf '    server {\n        listen 127.0.0.1:%s;\n' \
                "$ESXSIM_HTTP"
            printf '        include %s/host.conf;\n    }\n' "$dir"
        fi
        cat <<EOF
    # Stall port: TLS handshake, then every answer trickles out at one
    # byte per second, so the status line alone takes 17 s.
    server {
        listen 127.0.0.1:$ESXSIM_STALL ssl;
        ssl_certificate $ESXSIM_CERTDIR/host.pem;
        ssl_certificate_key $ESXSIM_CERTDIR/host.key;
        location / {
            limit_rate 1;
            default_type application/octet-stream;
            alias $dir/pages/stall.bin;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
}

# esxsim_seed_hosts DIR SEED PORT...: data directories of the hosts, each
# with host/esx.conf copied from SEED.
esxsim_seed_hosts() {
    local dir=$1 seed=$2 p name
    shift 2
    local dirs=() files=()
    for p in "$@"; do
        dirs+=("$dir/hosts/$p/host" "$dir/hosts/$p/tmp")
        for name in "${ESXSIM_DS_NAMES[@]}"; do
            dirs+=("$dir/hosts/$p/ds/$name")
        done
        files+=("$dir/hosts/$p/host/esx.conf")
    done
    mkdir -p "${dirs[@]}" || return 1
    # One tee writes every copy; chunks keep the open files bounded.
    local i
    for ((i = 0; i < ${#files[@]}; i += 256)); do
        tee "${files[@]:i:256}" <"$seed" >/dev/null || return 1
    done
}

# esxsim_q NAME VALUE: a shell assignment of VALUE to NAME.
esxsim_q() {
    printf '%s=%q\n' "$1" "$2"
}

esxsim_thumb() {
    openssl x509 -in "$1" -noout -fingerprint "-$2" 2>/dev/null |
        sed 's/^[^=]*=//'
}

# esxsim_write_env DIR: hosts.env and servers.txt.
esxsim_write_env() {
    local dir=$1 p i name cert=$ESXSIM_CERTDIR/${ESXSIM_HOST_CERTS[0]}.pem
    : >"$dir/servers.txt.new"
    for p in "${ESXSIM_HOST_PORTS[@]}"; do
        echo "127.0.0.1:$p" >>"$dir/servers.txt.new"
    done
    {
        echo "# Simulated ESXi hosts started by esxsim.sh; source this file."
        esxsim_q ESXSIM_DIR "$dir"
        esxsim_q ESXSIM_PID "$ESXSIM_PID"
        esxsim_q ESXSIM_COUNT "${#ESXSIM_HOST_PORTS[@]}"
        esxsim_q ESXSIM_PORTS "${ESXSIM_HOST_PORTS[*]}"
        esxsim_q ESXSIM_PORT "${ESXSIM_HOST_PORTS[0]}"
        esxsim_q ESXSIM_URL "https://127.0.0.1:${ESXSIM_HOST_PORTS[0]}"
        esxsim_q ESXSIM_SERVERS "$dir/servers.txt"
        esxsim_q ESXSIM_HOSTS_DIR "$dir/hosts"
        esxsim_q ESXSIM_CERTDIR "$ESXSIM_CERTDIR"
        esxsim_q ESXSIM_CA "$ESXSIM_CERTDIR/ca.pem"
        esxsim_q ESXSIM_CERT "$cert"
        esxsim_q ESXSIM_THUMBPRINT_SHA1 "$(esxsim_thumb "$cert" sha1)"
        esxsim_q ESXSIM_THUMBPRINT_SHA256 "$(esxsim_thumb "$cert" sha256)"
        esxsim_q ESXSIM_USER root
        esxsim_q ESXSIM_PASSWORD "$ESXSIM_ROOT_PASSWORD"
        esxsim_q ESXSIM_LIMITED_USER "$ESXSIM_LIMITED_USER"
        esxsim_q ESXSIM_LIMITED_PASSWORD "$ESXSIM_LIMITED_PASSWORD"
        esxsim_q ESXSIM_REALM "$ESXSIM_REALM"
        esxsim_q ESXSIM_DC ha-datacenter
        esxsim_q ESXSIM_SEED "$ESXSIM_SEED"
        esxsim_q ESXSIM_DS_COUNT "${#ESXSIM_DS_NAMES[@]}"
        i=0
        for name in "${ESXSIM_DS_NAMES[@]}"; do
            i=$((i + 1))
            esxsim_q "ESXSIM_DS$i" "$name"
            esxsim_q "ESXSIM_DS${i}_ENC" "$(esxsim_encode "$name")"
        done
        esxsim_q ESXSIM_STALL_PORT "$ESXSIM_STALL"
        esxsim_q ESXSIM_STALL_URL "https://127.0.0.1:$ESXSIM_STALL"
        if [ -n "$ESXSIM_HTTP" ]; then
            esxsim_q ESXSIM_HTTP_PORT "$ESXSIM_HTTP"
            esxsim_q ESXSIM_HTTP_URL "http://127.0.0.1:$ESXSIM_HTTP"
        fi
    } >"$dir/hosts.env.new"
    mv -f "$dir/servers.txt.new" "$dir/servers.txt" &&
        mv -f "$dir/hosts.env.new" "$dir/hosts.env"
}

# esxsim_probe_ca NAME: the CA file that verifies certificate NAME, or
# nothing when no CA file can (mismatch names another host).
esxsim_probe_ca() {
    case $1 in
        host | host-*) echo "$ESXSIM_CERTDIR/ca.pem" ;;
        wrong) echo "$ESXSIM_CERTDIR/wrong-ca.pem" ;;
        self) echo "$ESXSIM_CERTDIR/self.pem" ;;
    esac
}

# esxsim_wait_ready DIR PID TIMEOUT: wait until nginx PID listens on every
# port and answers TLS on the first host. Returns 2 when nginx died.
esxsim_wait_ready() {
    local dir=$1 pid=$2 timeout=$3 deadline ca
    local first=${ESXSIM_HOST_PORTS[0]}
    deadline=$((SECONDS + timeout))
    while :; do
        if ! esxsim_alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            return 2
        fi
        if esxsim_listening "${ESXSIM_ALL_PORTS[@]}"; then
            break
        fi
        if [ $SECONDS -ge $deadline ]; then
            return 1
        fi
        sleep 0.05
    done
    ca=$(esxsim_probe_ca "${ESXSIM_HOST_CERTS[0]}")
    local tls_opt=(--cacert "$ca")
    [ -n "$ca" ] || tls_opt=(--insecure)
    while :; do
        if curl -sf -o /dev/null --max-time 5 "${tls_opt[@]}" \
            "https://127.0.0.1:$first/"; then
            return 0
        fi
        if ! esxsim_alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            return 2
        fi
        if [ $SECONDS -ge $deadline ]; then
            return 1
        fi
        sleep 0.1
    done
}

# esxsim_watchdog OWNER MASTER DIR: stop MASTER when OWNER exits, so that a
# test killed before its cleanup leaves no server behind. Runs in the
# background; waits with the read builtin, so stopping it leaves nothing.
esxsim_watchdog() {
    local owner=$1 master=$2 fifo=$3/watchdog.fifo
    rm -f "$fifo"
    if mkfifo "$fifo" 2>/dev/null && exec 3<>"$fifo"; then
        while esxsim_alive "$owner" && esxsim_alive "$master"; do
            read -r -t 1 -u 3 _ || true
        done
    else
        while esxsim_alive "$owner" && esxsim_alive "$master"; do
            sleep 1
        done
    fi
    if esxsim_alive "$master"; then
        kill -TERM "$master" 2>/dev/null || true
    fi
}

esxsim_usage() {
    esxsim_err "usage: esxsim_start DIR N [--seed FILE] [--certs DIR]" \
        "[--cert NAME] [--cert-at I=NAME] [--ds NAME] [--password PW]" \
        "[--workers K] [--http-port] [--raw-autoindex] [--no-access-log]" \
        "[--timeout SEC] [--owner PID]"
    return 2
}

# esxsim_start DIR N [options]: start N simulated hosts; see the top of
# this file. DIR is created; a previous instance in DIR must be stopped.
esxsim_start() {
    [ $# -ge 2 ] || {
        esxsim_usage
        return 2
    }
    local dir=$1 n=$2 seed='' certdir='' cert=host http=0 raw=0
    local timeout=30 owner=$$ workers=1 password=$ESXSIM_DEFAULT_PASSWORD
    local -a overrides=() dsnames=()
    shift 2
    case $n in
        '' | *[!0-9]* | 0*)
            esxsim_err "host count must be a positive number, not '$n'"
            return 2
            ;;
    esac
    ESXSIM_ACCESS_LOG=1
    while [ $# -gt 0 ]; do
        case $1 in
            --seed | --certs | --cert | --cert-at | --ds | --password | \
                --workers | --timeout | --owner)
                if [ $# -lt 2 ]; then
                    esxsim_err "$1 needs a value"
                    return 2
                fi
                ;;
        esac
        case $1 in
            --seed) seed=$2; shift ;;
            --certs) certdir=$2; shift ;;
            --cert) cert=$2; shift ;;
            --cert-at) overrides+=("$2"); shift ;;
            --ds) dsnames+=("$2"); shift ;;
            --password) password=$2; shift ;;
            --workers) workers=$2; shift ;;
            --http-port) http=1 ;;
            --raw-autoindex) raw=1 ;;
            --no-access-log) ESXSIM_ACCESS_LOG=0 ;;
            --timeout) timeout=$2; shift ;;
            --owner) owner=$2; shift ;;
            *)
                esxsim_err "unknown option '$1'"
                esxsim_usage
                return 2
                ;;
        esac
        shift
    done
    case $workers in
        '' | *[!0-9]* | 0*)
            esxsim_err "--workers needs a positive number"
            return 2
            ;;
    esac
    if ! command -v "$ESXSIM_NGINX" >/dev/null 2>&1; then
        esxsim_err "nginx not found (install nginx-light)"
        return 1
    fi
    if [ -z "$seed" ]; then
        seed=${VIFS_FIXTURES:-$ESXSIM_SRCDIR/tests/fixtures}
        seed=$seed/pci/seed-sample1.esx.conf
    fi
    if [ ! -r "$seed" ]; then
        esxsim_err "seed file '$seed' not readable"
        return 1
    fi
    [ ${#dsnames[@]} -gt 0 ] || dsnames=(datastore1 'data store&2-é')
    local name
    for name in "${dsnames[@]}"; do
        if ! esxsim_name_check "$name"; then
            esxsim_err "datastore name '$name' cannot be served"
            return 2
        fi
    done
    if [ -f "$dir/esxsim.pid" ] && esxsim_alive "$(cat "$dir/esxsim.pid")"; then
        esxsim_err "$dir: servers already running; esxsim_stop it first"
        return 1
    fi

    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd) || return 1
    case $dir in
        *[[:space:]\\\"\$\;\{\}\'#]*)
            esxsim_err "directory '$dir' has characters nginx.conf cannot hold"
            return 2
            ;;
    esac
    seed=$(cd "$(dirname "$seed")" && pwd)/$(basename "$seed")
    if [ -z "$certdir" ]; then
        certdir=$dir/certs
        bash "$ESXSIM_SRCDIR/certs/make-certs.sh" "$certdir" || {
            esxsim_err "cannot make certificates in $certdir"
            return 1
        }
    fi
    certdir=$(cd "$certdir" && pwd) || return 1
    rm -rf "$dir/run" "$dir/hosts"
    mkdir -p "$dir/run" || return 1

    ESXSIM_DS_NAMES=("${dsnames[@]}")
    ESXSIM_CERTDIR=$certdir
    ESXSIM_SEED=$seed
    ESXSIM_WORKERS=$workers
    ESXSIM_ROOT_PASSWORD=$password
    {
        printf 'root:%s\n' "$(openssl passwd -apr1 "$password")"
        printf '%s:%s\n' "$ESXSIM_LIMITED_USER" \
            "$(openssl passwd -apr1 "$ESXSIM_LIMITED_PASSWORD")"
    } >"$dir/htpasswd" || return 1
    esxsim_write_pages "$dir" || return 1
    esxsim_write_hostconf "$dir" "$raw" || return 1

    # Ports are picked under a lock shared by all instances on this machine
    # and held until nginx listens, so parallel tests never collide; a port
    # taken by some other program makes nginx fail and we pick again.
    local lockfile=${TMPDIR:-/tmp}/vifs-esxsim-ports.lock lockfd attempt rc
    local extra i ov idx pid
    exec {lockfd}>>"$lockfile" || return 1
    if ! flock -w 120 "$lockfd"; then
        exec {lockfd}>&-
        esxsim_err "timed out waiting for $lockfile"
        return 1
    fi
    for ((attempt = 1; attempt <= 5; attempt++)); do
        extra=1
        [ $http = 1 ] && extra=2
        mapfile -t ESXSIM_ALL_PORTS < <(esxsim_pick_ports $((n + extra)))
        if [ ${#ESXSIM_ALL_PORTS[@]} -ne $((n + extra)) ]; then
            rc=1
            break
        fi
        ESXSIM_HOST_PORTS=("${ESXSIM_ALL_PORTS[@]:0:n}")
        ESXSIM_STALL=${ESXSIM_ALL_PORTS[n]}
        ESXSIM_HTTP=''
        [ $http = 1 ] && ESXSIM_HTTP=${ESXSIM_ALL_PORTS[n + 1]}
        ESXSIM_HOST_CERTS=()
        for ((i = 0; i < n; i++)); do
            ESXSIM_HOST_CERTS[i]=$cert
        done
        for ov in "${overrides[@]}"; do
            idx=${ov%%=*}
            case $idx in
                '' | *[!0-9]* | 0*) idx=0 ;;
            esac
            if [ "$idx" -lt 1 ] || [ "$idx" -gt "$n" ] ||
                [ "$ov" = "$idx" ]; then
                esxsim_err "bad --cert-at '$ov'"
                rc=2
                break 2
            fi
            ESXSIM_HOST_CERTS[idx - 1]=${ov#*=}
        done
        rc=0
        for name in "${ESXSIM_HOST_CERTS[@]}" host; do
            if [ ! -r "$certdir/$name.pem" ] ||
                [ ! -r "$certdir/$name.key" ]; then
                esxsim_err "no certificate '$name' in $certdir"
                rc=2
                break 2
            fi
        done

        rm -rf "$dir/hosts" "$dir/run"
        mkdir -p "$dir/run" || {
            rc=1
            break
        }
        esxsim_seed_hosts "$dir" "$seed" "${ESXSIM_HOST_PORTS[@]}" \
            ${ESXSIM_HTTP:+"$ESXSIM_HTTP"} || {
            rc=1
            break
        }
        esxsim_write_conf "$dir" || {
            rc=1
            break
        }
        : >"$dir/error.log"
        : >"$dir/access.log"
        (
            ulimit -n "$(ulimit -Hn)" 2>/dev/null
            exec "$ESXSIM_NGINX" -p "$dir/run" -c "$dir/nginx.conf" \
                -e "$dir/error.log" {lockfd}>&-
        ) </dev/null >"$dir/nginx.out" 2>&1 &
        pid=$!
        ESXSIM_PID=$pid
        echo "$pid" >"$dir/esxsim.pid"
        rc=0
        esxsim_wait_ready "$dir" "$pid" "$timeout" || rc=$?
        if [ $rc = 0 ]; then
            break
        fi
        if [ $rc = 2 ] && grep -q 'Address already in use' \
            "$dir/error.log" "$dir/nginx.out" 2>/dev/null; then
            rm -f "$dir/esxsim.pid"
            continue
        fi
        break
    done
    flock -u "$lockfd"
    exec {lockfd}>&-

    if [ "$rc" != 0 ]; then
        if [ -f "$dir/esxsim.pid" ]; then
            esxsim_kill_wait 5 "$(cat "$dir/esxsim.pid")"
            rm -f "$dir/esxsim.pid"
        fi
        if [ "$rc" = 1 ] || [ "$rc" = 2 ]; then
            esxsim_err "nginx did not start in $dir (status $rc)"
        fi
        if [ -s "$dir/error.log" ] || [ -s "$dir/nginx.out" ]; then
            esxsim_err "nginx said (last lines of its logs):"
            tail -n 20 "$dir/error.log" "$dir/nginx.out" >&2 2>/dev/null
        fi
        return 1
    fi
    esxsim_write_env "$dir" || return 1
    if [ "$owner" != 0 ]; then
        esxsim_watchdog "$owner" "$pid" "$dir" </dev/null >/dev/null 2>&1 &
        echo $! >"$dir/watchdog.pid"
    fi
    return 0
}

# esxsim_stop DIR: stop the servers started in DIR and wait until nginx and
# its workers are gone. Stopping what is not running succeeds.
esxsim_stop() {
    local dir=${1:-} pid wd
    if [ -z "$dir" ]; then
        esxsim_err "usage: esxsim_stop DIR"
        return 2
    fi
    local -a pids=()
    if [ -f "$dir/watchdog.pid" ]; then
        wd=$(cat "$dir/watchdog.pid")
        esxsim_alive "$wd" && esxsim_kill_wait 5 "$wd"
        rm -f "$dir/watchdog.pid" "$dir/watchdog.fifo"
    fi
    [ -f "$dir/esxsim.pid" ] || return 0
    pid=$(cat "$dir/esxsim.pid")
    if esxsim_alive "$pid"; then
        mapfile -t pids < <(esxsim_children "$pid")
        esxsim_kill_wait 10 "$pid"
        # Workers end with their master; any still here are stragglers.
        local w left=()
        for w in "${pids[@]}"; do
            esxsim_alive "$w" && left+=("$w")
        done
        [ ${#left[@]} -eq 0 ] || esxsim_kill_wait 5 "${left[@]}"
    else
        wait "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/esxsim.pid"
    return 0
}

# esxsim_port DIR I: the port of host I (1-based).
esxsim_port() {
    local line
    line=$(sed -n "${2}p" "$1/servers.txt")
    [ -n "$line" ] || return 1
    echo "${line##*:}"
}

# esxsim_hostdir DIR PORT: the data directory of the host on PORT.
esxsim_hostdir() {
    echo "$1/hosts/$2"
}

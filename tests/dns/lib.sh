#!/bin/bash
# tests/dns/lib.sh: real DNS servers on 127.0.0.1 for the DNS tests.
# Source it from a bash test script that got the authtxt binary as $1:
#     . "$(dirname "$0")/lib.sh"
# It makes a scratch directory and installs a trap (EXIT INT TERM HUP PIPE)
# that stops every server it started and removes the scratch directory,
# even when the test fails.  A script needing more cleanup defines
# dns_cleanup_hook (called first).  Functions:
#   dns_start ZONEFILE...  unbound, authoritative for each zone (the file
#                          must have a $ORIGIN line); exports DNS_SERVER;
#                          DNS_UNBOUND_EXTRA adds lines to its server: block
#   doh_start              unbound DoH (self-signed cert) forwarding to
#                          DNS_SERVER; exports DOH_URL, DOH_CA
#   relay_start MS         delaying relay before DNS_SERVER; RELAY_SERVER,
#                          RELAY_STATS (its file: "udp_max=N", the most
#                          UDP queries it held at once)
#   broken_start           tests/dns/brokendns; exports BROKEN_SERVER
#   dns_stop_all           stop everything (the trap calls it)
#   dns_fail MSG           print MSG and the server logs, exit 1
# Tools: DNSQ, BROKENDNS, RELAY (from $DNS_TOOLS, default: the binary's
# directory + /tests, where `make dns-tools` puts them).

DNS_BIN=${1:-}
DNS_TOOLS=${DNS_TOOLS:-$(dirname "${DNS_BIN:-build/authtxt}")/tests}
DNSQ=$DNS_TOOLS/dnsq
BROKENDNS=$DNS_TOOLS/brokendns
RELAY=$DNS_TOOLS/relay
DNS_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/authtxt-dns.XXXXXX") || exit 1
DNS_PIDS=""

for _t in "$DNSQ" "$BROKENDNS" "$RELAY"; do
    if [ ! -x "$_t" ]; then
        echo "lib.sh: $_t is missing: run 'make dns-tools' (or set DNS_TOOLS)" >&2
        rm -rf "$DNS_SCRATCH"
        exit 1
    fi
done
if ! command -v unbound >/dev/null 2>&1 && [ -x /usr/sbin/unbound ]; then
    PATH=$PATH:/usr/sbin
fi

dns_stop_all() {
    if [ "$(type -t dns_cleanup_hook 2>/dev/null)" = function ]; then
        dns_cleanup_hook || true
    fi
    local pid
    for pid in $DNS_PIDS; do
        kill -TERM "$pid" 2>/dev/null
    done
    # Bounded wait for them to go, then KILL what is left.
    local end=$((SECONDS + 3))
    for pid in $DNS_PIDS; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do
            sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    DNS_PIDS=""
    [ -n "${DNS_SCRATCH:-}" ] && rm -rf "$DNS_SCRATCH"
    DNS_SCRATCH=""
}
trap 'dns_stop_all' EXIT
trap 'dns_stop_all; exit 129' HUP
trap 'dns_stop_all; exit 130' INT
trap 'dns_stop_all; exit 141' PIPE
trap 'dns_stop_all; exit 143' TERM

dns_fail() {
    echo "FAIL: $*" >&2
    local f
    for f in "$DNS_SCRATCH"/*.log; do
        [ -s "$f" ] || continue
        echo "--- $f (last lines)" >&2
        tail -n 15 "$f" >&2
    done
    exit 1
}

# A port with nothing listening on it over TCP at 127.0.0.1 (a random one
# from 20000-52767: bash only, as python3 takes a second to start here).
# The server binds it a moment later and the callers retry on a clash,
# UDP included.
dns_free_port() {
    local port i
    for i in $(seq 1 50); do
        port=$((20000 + RANDOM))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Wait (bounded) until FILE exists and is not empty.
dns_wait_file() {
    local file=$1 end=$((SECONDS + ${2:-5}))
    until [ -s "$file" ]; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.02
    done
}

# Wait (bounded) until a DNS query through dnsq ARGS... gets any answer
# from the server (not a timeout or a connection failure).
dns_wait_answer() {
    local secs=$1 pid=$2 out
    shift 2
    local end=$((SECONDS + secs))
    while :; do
        out=$("$DNSQ" --timeout 300 --tries 1 --no-ms "$@" 2>/dev/null)
        case "$out" in
        *" OK "* | *" NODATA "* | *" NXDOMAIN "*) return 0 ;;
        esac
        kill -0 "$pid" 2>/dev/null || return 1
        [ $SECONDS -ge $end ] && return 1
        sleep 0.05
    done
}

dns_zone_origin() {
    sed -n 's/^\$ORIGIN[[:space:]]\{1,\}\([^[:space:];]*\).*/\1/p' "$1" | head -n 1
}

dns_start() {
    [ $# -ge 1 ] || dns_fail "dns_start: no zone file"
    local conf=$DNS_SCRATCH/unbound-dns.conf zones="" z origin probe="" attempt port pid
    for z in "$@"; do
        [ -r "$z" ] || dns_fail "dns_start: cannot read $z"
        origin=$(dns_zone_origin "$z")
        [ -n "$origin" ] || dns_fail "dns_start: $z has no \$ORIGIN line"
        case "$origin" in *.) ;; *) origin=$origin. ;; esac
        [ -n "$probe" ] || probe=$origin
        zones="$zones
auth-zone:
    name: \"$origin\"
    zonefile: \"$(readlink -f "$z")\"
    for-downstream: yes
    for-upstream: yes
    fallback-enabled: no"
    done
    for attempt in 1 2 3; do
        port=$(dns_free_port)
        [ -n "$port" ] || dns_fail "dns_start: no free port"
        cat > "$conf" <<EOC
server:
    username: ""
    chroot: ""
    directory: "$DNS_SCRATCH"
    pidfile: ""
    use-syslog: no
    logfile: "$DNS_SCRATCH/unbound-dns.log"
    verbosity: 1
    do-daemonize: no
    num-threads: 1
    interface: 127.0.0.1@$port
    port: $port
    do-ip6: no
    so-reuseport: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "iterator"
    local-zone: "test." nodefault
    minimal-responses: yes
${DNS_UNBOUND_EXTRA:-}
remote-control:
    control-enable: no
$zones
EOC
        unbound -d -c "$conf" >>"$DNS_SCRATCH/unbound-dns.log" 2>&1 &
        pid=$!
        DNS_PIDS="$DNS_PIDS $pid"
        if dns_wait_answer 10 "$pid" --dns "127.0.0.1:$port" TXT "$probe"; then
            export DNS_SERVER=127.0.0.1:$port
            DNS_PROBE=$probe
            return 0
        fi
        kill "$pid" 2>/dev/null
    done
    dns_fail "dns_start: unbound did not answer on 127.0.0.1 (3 tries)"
}

doh_start() {
    [ -n "${DNS_SERVER:-}" ] || dns_fail "doh_start: call dns_start first"
    local conf=$DNS_SCRATCH/unbound-doh.conf attempt port pid probe
    probe=$DNS_PROBE
    if [ ! -s "$DNS_SCRATCH/doh-cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DNS_SCRATCH/doh-key.pem" \
            -out "$DNS_SCRATCH/doh-cert.pem" -days 2 -subj "/CN=localhost" \
            -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
            >"$DNS_SCRATCH/openssl.log" 2>&1 || dns_fail "doh_start: openssl failed"
    fi
    for attempt in 1 2 3; do
        port=$(dns_free_port)
        [ -n "$port" ] || dns_fail "doh_start: no free port"
        cat > "$conf" <<EOC
server:
    username: ""
    chroot: ""
    directory: "$DNS_SCRATCH"
    pidfile: ""
    use-syslog: no
    logfile: "$DNS_SCRATCH/unbound-doh.log"
    verbosity: 1
    do-daemonize: no
    num-threads: 1
    interface: 127.0.0.1@$port
    https-port: $port
    tls-service-key: "$DNS_SCRATCH/doh-key.pem"
    tls-service-pem: "$DNS_SCRATCH/doh-cert.pem"
    http-endpoint: "/dns-query"
    do-ip6: no
    so-reuseport: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    module-config: "iterator"
    local-zone: "test." nodefault
    minimal-responses: yes
remote-control:
    control-enable: no
forward-zone:
    name: "."
    forward-addr: ${DNS_SERVER%:*}@${DNS_SERVER##*:}
EOC
        unbound -d -c "$conf" >>"$DNS_SCRATCH/unbound-doh.log" 2>&1 &
        pid=$!
        DNS_PIDS="$DNS_PIDS $pid"
        if dns_wait_answer 10 "$pid" --doh "https://127.0.0.1:$port/dns-query" \
            --doh-cafile "$DNS_SCRATCH/doh-cert.pem" TXT "$probe"; then
            export DOH_URL=https://127.0.0.1:$port/dns-query
            export DOH_CA=$DNS_SCRATCH/doh-cert.pem
            return 0
        fi
        kill "$pid" 2>/dev/null
    done
    dns_fail "doh_start: unbound DoH did not answer (3 tries)"
}

relay_start() {
    [ -n "${DNS_SERVER:-}" ] || dns_fail "relay_start: call dns_start first"
    local ms=${1:?relay_start MS} pf=$DNS_SCRATCH/relay.port pid
    rm -f "$pf" "$DNS_SCRATCH/relay.stats"
    "$RELAY" -u "$DNS_SERVER" -d "$ms" -o "$pf" -s "$DNS_SCRATCH/relay.stats" \
        >>"$DNS_SCRATCH/relay.log" 2>&1 &
    pid=$!
    DNS_PIDS="$DNS_PIDS $pid"
    dns_wait_file "$pf" 5 || dns_fail "relay_start: the relay did not start"
    export RELAY_SERVER=127.0.0.1:$(cat "$pf")
    export RELAY_STATS=$DNS_SCRATCH/relay.stats
}

broken_start() {
    local pf=$DNS_SCRATCH/broken.port pid
    rm -f "$pf"
    "$BROKENDNS" -o "$pf" >>"$DNS_SCRATCH/broken.log" 2>&1 &
    pid=$!
    DNS_PIDS="$DNS_PIDS $pid"
    dns_wait_file "$pf" 5 || dns_fail "broken_start: brokendns did not start"
    export BROKEN_SERVER=127.0.0.1:$(cat "$pf")
}

# Run directly (make dns-tests runs every tests/dns/*.sh), this file tests
# itself: each server starts and answers, and dns_stop_all stops them all
# and removes the scratch directory.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _zone=$(dirname "$0")/zones/resolver.zone
    broken_start
    dns_start "$_zone"
    relay_start 20
    for _s in "$BROKEN_SERVER" "$DNS_SERVER" "$RELAY_SERVER"; do
        _n=multi.resolver.test
        [ "$_s" = "$BROKEN_SERVER" ] && _n=nx.broken
        _out=$("$DNSQ" --dns "$_s" --no-ms TXT "$_n" 2>&1)
        case "$_out" in
        *" NXDOMAIN "* | *" OK "*) ;;
        *) dns_fail "lib.sh: $_s did not answer: $_out" ;;
        esac
    done
    _pids=$DNS_PIDS _dir=$DNS_SCRATCH
    dns_stop_all
    for _p in $_pids; do
        kill -0 "$_p" 2>/dev/null && { echo "FAIL: lib.sh: process $_p still runs" >&2; exit 1; }
    done
    [ -e "$_dir" ] && { echo "FAIL: lib.sh: $_dir was not removed" >&2; exit 1; }
    echo "lib.sh: servers start, answer and stop"
fi

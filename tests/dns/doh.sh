#!/bin/bash
# The DoH path of src/net/resolver (RFC 8484 over HTTP/2 through libcurl)
# against a real unbound DoH server on 127.0.0.1 with a self-signed
# certificate made at run time: the same lines as the c-ares path, the
# certificate checks, HTTP and transport failures, a timeout not before
# its time (how fast: `make bench`), valgrind.
# Usage: doh.sh BUILD/authtxt   (the tools are in BUILD/tests)
set -u
. "$(dirname "$0")/lib.sh"

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    grep -Eq -- "$1" <<<"$out" || fail "no line matches /$1/ in:
$out"
}
ms_of() { sed -n "s/^$1 .* ms=\([0-9]*\)\$/\1/p" <<<"$out"; }

dns_start "$(dirname "$0")/zones/resolver.zone"
doh_start
R=resolver.test
DOH=(--doh "$DOH_URL" --doh-cafile "$DOH_CA")

# 1. DoH gives the same lines as c-ares (c-ares marks its TCP fallback;
# DoH has no truncation, so that flag is dropped before comparing).
for q in "TXT multi.$R two.$R long.$R big.$R empty.$R escaped.$R alias.$R MiXeD.$R nope.$R nodata.$R $R." \
         "A host.$R nodata.$R nope.$R" "AAAA host.$R nodata.$R" "MX mail.$R nodata.$R nope.$R"; do
    # shellcheck disable=SC2086
    a=$("$DNSQ" --dns "$DNS_SERVER" --no-ms --sort $q 2>&1 | sed 's/ tcp / /' | sort)
    # shellcheck disable=SC2086
    b=$("$DNSQ" "${DOH[@]}" --no-ms --sort $q 2>&1 | sort)
    if [ "$a" != "$b" ]; then
        fail "DoH and c-ares differ for $q:
$(diff <(echo "$a") <(echo "$b"))"
    fi
    n=$(grep -c ' OK \| NODATA \| NXDOMAIN ' <<<"$b")
    [ "$n" -ge 2 ] || fail "too few answers for $q: $b"
done
out=$("$DNSQ" "${DOH[@]}" --no-ms TXT big.$R 2>&1)
expect "^big\.$R TXT OK count=12 strings=12 bytes=1080 text="
grep -q ' tcp' <<<"$out" && fail "DoH answer marked tcp"

# 2. Many at once over one HTTP/2 connection (how long: make bench,
# tests/dns/bench_faults.sh).
names=$(for i in $(seq 1 100); do printf 'd%d.%s ' "$i" "$R"; done)
# shellcheck disable=SC2086
out=$("$DNSQ" "${DOH[@]}" --no-ms TXT $names multi.$R 2>&1)
n=$(grep -c " TXT NXDOMAIN count=0 " <<<"$out")
[ "$n" -eq 100 ] || fail "100 DoH names: $n NXDOMAIN answers"
expect '^# asked=101 answered=101 sent=101$'

# 3. The certificate: without the CA file the query fails and says why;
# --doh-insecure skips the check.
out=$("$DNSQ" --doh "$DOH_URL" --no-ms TXT multi.$R 2>&1)
expect "^multi\.$R TXT ERROR .* error=\"DoH: (SSL peer certificate or SSH remote key was not OK|Peer certificate cannot be authenticated with given CA certificates)\"$"
out=$("$DNSQ" --doh "$DOH_URL" --doh-insecure --no-ms TXT multi.$R 2>&1)
expect "^multi\.$R TXT OK count=1 strings=3 bytes=25 "
out=$("$DNSQ" --doh "$DOH_URL" --doh-cafile /nonexistent/ca.pem --no-ms TXT multi.$R 2>&1)
expect "^multi\.$R TXT ERROR .* error=\"DoH: "

# 4. HTTP errors: a wrong path is not a DNS answer.
out=$("$DNSQ" --doh "${DOH_URL%/dns-query}/nope" --doh-cafile "$DOH_CA" --no-ms TXT multi.$R 2>&1)
expect "^multi\.$R TXT ERROR .* error=\"HTTP 4[0-9][0-9] from DoH server\"$"

# 5. URL checks; --dns and --doh together are refused.
out=$("$DNSQ" --doh "$DOH_URL" --dns 127.0.0.1 TXT x.test 2>&1)
expect '^dnsq: --dns and --doh cannot be used together$'
out=$("$DNSQ" --doh "http://127.0.0.1/dns-query" TXT x.test 2>&1)
expect '^dnsq: --doh: URL must start with https:// and name a host$'
out=$("$DNSQ" --doh "https:///dns-query" TXT x.test 2>&1)
expect '^dnsq: --doh: URL must start with https:// and name a host$'

# 6. Transport faults end, a timeout after timeout x tries: nothing listening, and a
# server that accepts and never answers (brokendns's TCP port).
port=$(dns_free_port)
out=$("$DNSQ" --doh "https://127.0.0.1:$port/dns-query" --timeout 300 --tries 2 TXT multi.$R 2>&1)
expect "^multi\.$R TXT ERROR .* error=\"DoH: Couldn't connect to server\""
broken_start
out=$("$DNSQ" --doh "https://127.0.0.1:${BROKEN_SERVER##*:}/dns-query" --timeout 300 --tries 2 \
    TXT multi.$R 2>&1)
expect "^multi\.$R TXT TIMEOUT .* error=\"no answer from DoH server https://127\.0\.0\.1:[0-9]+/dns-query in 600 ms\""
t=$(ms_of "multi\\.$R")
echo "DoH black hole, 2 tries of 300 ms: ${t} ms"
# Not before 2 x 300 ms (a fact of the timeout); the upper bound only
# catches a hang (10 x 600 ms).
[ -n "$t" ] && [ "$t" -ge 590 ] && [ "$t" -le 6000 ] || fail "DoH timeout took ${t} ms"

# 7. A DoH server that answers badly (python3, HTTPS with HTTP/1.1 after
# ALPN): the HTTP status, the Content-Type, the body cap and a malformed
# body are each named.
cat >"$DNS_SCRATCH/baddoh.py" <<'PY'
import http.server, ssl, sys, os
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0")); q = self.rfile.read(n)
        path = self.path
        code, ctype, body = 200, "application/dns-message", b""
        if path == "/s502": code, ctype, body = 502, "text/plain", b"bad gateway"
        elif path == "/ctype": ctype, body = "text/html", b"<html></html>"
        elif path == "/big": body = q[:2] + b"\x81\x80" + b"\0" * 70000
        elif path == "/garbage": body = q[:2] + b"\x81\x80\x00"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(sys.argv[3] + ".tmp", "w") as f: f.write(str(srv.server_address[1]))
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
srv.serve_forever()
PY
python3 "$DNS_SCRATCH/baddoh.py" "$DOH_CA" "$DNS_SCRATCH/doh-key.pem" "$DNS_SCRATCH/baddoh.port" \
    2>"$DNS_SCRATCH/baddoh.log" &
DNS_PIDS="$DNS_PIDS $!"
dns_wait_file "$DNS_SCRATCH/baddoh.port" 10 || dns_fail "the bad DoH server did not start"
B=https://127.0.0.1:$(cat "$DNS_SCRATCH/baddoh.port")
bad() { "$DNSQ" --doh "$B/$1" --doh-cafile "$DOH_CA" --timeout 2000 --no-ms TXT multi.$R 2>&1; }
out=$(bad s502)
expect "^multi\.$R TXT SERVFAIL .* error=\"HTTP 502 from DoH server\"$"
out=$(bad ctype)
expect "^multi\.$R TXT ERROR .* error=\"DoH server answered with Content-Type 'text/html', not application/dns-message\"$"
out=$(bad big)
expect "^multi\.$R TXT ERROR .* error=\"DoH answer over 65535 bytes\"$"
out=$(bad garbage)
expect "^multi\.$R TXT ERROR .* error=\"malformed answer: no DNS header\"$"

# 8. Cancel with transfers in flight, and valgrind on the DoH path.
out=$("$DNSQ" --doh "https://127.0.0.1:${BROKEN_SERVER##*:}/dns-query" --cancel 100 --no-ms \
    TXT a.$R b.$R 2>&1)
expect "^a\.$R TXT ERROR count=0 strings=0 bytes=0 error=\"cancelled\"$"
expect '^# asked=2 answered=2 sent=2$'
if [ "${DNS_VALGRIND:-1}" = 0 ]; then
    echo "valgrind: skipped (DNS_VALGRIND=0)"
elif command -v valgrind >/dev/null 2>&1; then
    for args in "--doh $DOH_URL --doh-cafile $DOH_CA --timeout 3000 TXT multi.$R big.$R nope.$R" \
                "--doh https://127.0.0.1:${BROKEN_SERVER##*:}/dns-query --cancel 200 TXT a.$R"; do
        # shellcheck disable=SC2086
        if ! valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect,possible "$DNSQ" $args \
            >"$DNS_SCRATCH/vg.out" 2>"$DNS_SCRATCH/vg.err"; then
            fail "valgrind: dnsq $args"
            tail -n 30 "$DNS_SCRATCH/vg.err" >&2
        fi
    done
    echo "valgrind: 2 DoH runs checked"
fi

[ "$fails" -eq 0 ] || { echo "doh.sh: $fails failure(s)" >&2; exit 1; }
echo "doh.sh: all passed"

/* brokendns: a deliberately broken DNS server for the resolver's fault
 * tests (tests/dns/faults.sh).  UDP and TCP on one 127.0.0.1 port; each
 * name under "broken." misbehaves in one way:
 *   timeout.      never answers          servfail.   rcode SERVFAIL
 *   refused.      rcode REFUSED          notimp.     rcode NOTIMP
 *   truncated.    twelve 90-byte TXT: TC over UDP, whole over TCP
 *   many.         one TXT of 1,000 strings (TCP)
 *   huge.         one TXT of 60,000 bytes in 236 strings (TCP)
 *   overflow.     one TXT of 5,000 one-byte strings (past the caps)
 *   loop. loop2.  a CNAME loop           garbage.    a malformed answer
 *   wrongq.       an answer to another question
 *   badtxt.       a TXT string longer than its record
 *   bada.         a 3-byte record of the type asked (A: must be 4)
 *   ptrloop.      an owner name that is a compression pointer to itself
 *   chain.        a CNAME chain of 20 steps
 *   control.      a TXT with ESC, BEL and a bidi override in it
 * <sel>._domainkey.servfail. and .refused. fail like them.
 *   edns.         a 1,000-byte TXT: over UDP when the query's EDNS0 OPT
 *                 record allows it (else TC), REFUSED over TCP, so only a
 *                 query advertising >= 1,100 bytes gets the record
 *   alwaystc.     a TXT answer with TC set, over UDP and over TCP alike
 * UDP answers fit 512 bytes, or the payload size a query's OPT record
 * advertises (RFC 6891 §6.2.5); larger ones are cut and get TC.
 * Other names under broken. are NXDOMAIN; the apex and other types NODATA.
 * Usage: brokendns [-p PORT] [-o PORTFILE]  (PORT 0: any free port, written
 * to PORTFILE once both sockets are bound).  POSIX sockets and poll only. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MSG 65535
#define MAX_CLIENTS 64

struct msg {
    unsigned char b[MAX_MSG];
    size_t len;
    int over;
};

static void put(struct msg *m, const void *p, size_t n)
{
    if (n > MAX_MSG - m->len) {
        m->over = 1;
        return;
    }
    memcpy(m->b + m->len, p, n);
    m->len += n;
}

static void put16(struct msg *m, unsigned v)
{
    unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    put(m, b, 2);
}

static void set16(struct msg *m, size_t at, unsigned v)
{
    m->b[at] = (unsigned char)(v >> 8);
    m->b[at + 1] = (unsigned char)v;
}

/* RR header with the owner as a pointer to the question name (offset 12)
 * or a given encoded name; returns the offset of RDLENGTH. */
static size_t rr_start(struct msg *m, const unsigned char *owner, size_t ownerlen, unsigned type)
{
    if (owner)
        put(m, owner, ownerlen);
    else
        put16(m, 0xc00c);
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 60);
    size_t at = m->len;
    put16(m, 0);
    return at;
}

static void rr_end(struct msg *m, size_t at) { set16(m, at, (unsigned)(m->len - at - 2)); }

static void txt_string(struct msg *m, const char *s, size_t n)
{
    unsigned char l = (unsigned char)n;
    put(m, &l, 1);
    put(m, s, n);
}

static size_t encode_name(const char *name, unsigned char *out)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        out[n++] = (unsigned char)l;
        memcpy(out + n, name, l);
        n += l;
        name += l + (dot ? 1 : 0);
    }
    out[n++] = 0;
    return n;
}

/* Build the answer to q[0..qlen) into m; 0 = do not answer. */
static int answer(const unsigned char *q, size_t qlen, int udp, struct msg *m)
{
    char name[256];
    size_t off = 12, nl = 0;
    m->len = 0;
    m->over = 0;
    if (qlen < 12 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
        return 0;
    while (off < qlen && q[off]) {
        size_t l = q[off];
        if (l > 63 || off + 1 + l >= qlen || nl + l + 1 >= sizeof name)
            return 0;
        for (size_t i = 0; i < l; i++) {
            char c = (char)q[off + 1 + i];
            name[nl++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        name[nl++] = '.';
        off += 1 + l;
    }
    name[nl ? nl - 1 : 0] = '\0';
    if (off + 5 > qlen)
        return 0;
    size_t qend = off + 5;
    unsigned qtype = (unsigned)q[off + 1] << 8 | q[off + 2];
    /* An OPT pseudo-RR right after the question (RFC 6891 §6.1.2): root
     * owner, TYPE 41, CLASS = the requestor's UDP payload size. */
    size_t udp_limit = 512;
    unsigned arcount = (unsigned)q[10] << 8 | q[11];
    if (arcount >= 1 && qend + 11 <= qlen && q[qend] == 0 && q[qend + 1] == 0 &&
        q[qend + 2] == 41) {
        size_t size = (size_t)q[qend + 3] << 8 | q[qend + 4];
        if (size > udp_limit)
            udp_limit = size;
    }

    put(m, q, 2);                          /* ID */
    put16(m, 0x8400 | (q[2] & 0x01) << 8); /* QR AA, RD copied */
    put16(m, 1);
    put16(m, 0);
    put16(m, 0);
    put16(m, 0);
    put(m, q + 12, qend - 12); /* the question */

    unsigned rcode = 0, ancount = 0;
    const char *n = name;
    /* DKIM key names under a fault name (s1._domainkey.servfail.broken,
     * as the DKIM tests ask) fail the same way, for the rcode faults;
     * other names under it (_dmarc.servfail.broken) stay NXDOMAIN. */
    size_t nlen = strstr(n, "._domainkey.") ? strlen(n) : 0;
    static const char *const rcode_faults[] = {"servfail.broken", "refused.broken"};
    for (size_t i = 0; i < 2; i++) {
        size_t fl = strlen(rcode_faults[i]);
        if (nlen > fl + 1 && n[nlen - fl - 1] == '.' && !strcmp(n + nlen - fl, rcode_faults[i]))
            n = rcode_faults[i];
    }
    if (!strcmp(n, "timeout.broken"))
        return 0;
    if (!strcmp(n, "servfail.broken")) {
        rcode = 2;
    } else if (!strcmp(n, "refused.broken")) {
        rcode = 5;
    } else if (!strcmp(n, "notimp.broken")) {
        rcode = 4;
    } else if (!strcmp(n, "garbage.broken")) {
        set16(m, 6, 3);
        put(m, "\xc0\x0c\x00\x10\x00", 5); /* an RR cut short */
        return 1;
    } else if (!strcmp(n, "badtxt.broken")) {
        size_t at = rr_start(m, NULL, 0, 16);
        put(m, "\x0ashort", 6); /* a string of 10 in 6 bytes of RDATA */
        rr_end(m, at);
        ancount = 1;
    } else if (!strcmp(n, "bada.broken")) {
        size_t at = rr_start(m, NULL, 0, qtype);
        put(m, "\x7f\x00\x01", 3); /* 3 bytes for an A (or anything) */
        rr_end(m, at);
        ancount = 1;
    } else if (!strcmp(n, "ptrloop.broken")) {
        size_t self = m->len; /* an owner name pointing at itself */
        put16(m, 0xc000 | (unsigned)self);
        put16(m, 16);
        put16(m, 1);
        put16(m, 0);
        put16(m, 60);
        put16(m, 2);
        put(m, "\x01x", 2);
        ancount = 1;
    } else if (!strcmp(n, "chain.broken")) {
        /* chain.broken -> c1.chain.broken -> ... -> c20.chain.broken */
        unsigned char from[64], to[64];
        size_t fl = encode_name("chain.broken", from);
        for (int i = 1; i <= 20; i++) {
            char link[32];
            snprintf(link, sizeof link, "c%d.chain.broken", i);
            size_t tl = encode_name(link, to);
            size_t at = rr_start(m, from, fl, 5);
            put(m, to, tl);
            rr_end(m, at);
            memcpy(from, to, tl);
            fl = tl;
        }
        ancount = 20;
    } else if (!strcmp(n, "wrongq.broken")) {
        unsigned char other[64];
        size_t ol = encode_name("other.broken", other);
        m->len = 12;
        put(m, other, ol);
        put(m, q + off + 1, 4);
        set16(m, 6, 1);
        size_t at = rr_start(m, NULL, 0, 16);
        txt_string(m, "not yours", 9);
        rr_end(m, at);
        return 1;
    } else if (!strcmp(n, "loop.broken") || !strcmp(n, "loop2.broken")) {
        unsigned char a[64], b[64];
        size_t al = encode_name("loop.broken", a), bl = encode_name("loop2.broken", b);
        size_t at = rr_start(m, a, al, 5);
        put(m, b, bl);
        rr_end(m, at);
        at = rr_start(m, b, bl, 5);
        put(m, a, al);
        rr_end(m, at);
        ancount = 2;
    } else if (qtype == 16 && !strcmp(n, "truncated.broken")) {
        for (int i = 0; i < 12; i++) {
            char s[91];
            snprintf(s, sizeof s, "t%02d-", i);
            memset(s + 4, 'a' + i, 86);
            size_t at = rr_start(m, NULL, 0, 16);
            txt_string(m, s, 90);
            rr_end(m, at);
        }
        ancount = 12;
    } else if (qtype == 16 && !strcmp(n, "many.broken")) {
        size_t at = rr_start(m, NULL, 0, 16);
        for (int i = 0; i < 1000; i++) {
            char s[8];
            snprintf(s, sizeof s, "s%03d", i);
            txt_string(m, s, 4);
        }
        rr_end(m, at);
        ancount = 1;
    } else if (qtype == 16 && !strcmp(n, "huge.broken")) {
        static char chunk[255];
        size_t at = rr_start(m, NULL, 0, 16);
        for (size_t done = 0; done < 60000;) {
            size_t l = 60000 - done > 255 ? 255 : 60000 - done;
            for (size_t i = 0; i < l; i++)
                chunk[i] = (char)('a' + (done + i) % 26);
            txt_string(m, chunk, l);
            done += l;
        }
        rr_end(m, at);
        ancount = 1;
    } else if (qtype == 16 && !strcmp(n, "overflow.broken")) {
        size_t at = rr_start(m, NULL, 0, 16);
        for (int i = 0; i < 5000; i++)
            txt_string(m, "x", 1);
        rr_end(m, at);
        ancount = 1;
    } else if (qtype == 16 && !strcmp(n, "edns.broken")) {
        if (!udp) {
            rcode = 5; /* REFUSED over TCP: the test sees a fallback */
        } else {
            char s[201];
            for (int i = 0; i < 5; i++) {
                snprintf(s, sizeof s, "e%d-", i);
                memset(s + 3, 'a' + i, 197);
                size_t at = rr_start(m, NULL, 0, 16);
                txt_string(m, s, 200);
                rr_end(m, at);
            }
            ancount = 5;
        }
    } else if (qtype == 16 && !strcmp(n, "alwaystc.broken")) {
        size_t at = rr_start(m, NULL, 0, 16);
        txt_string(m, "v=spf1 -all", 11);
        rr_end(m, at);
        ancount = 1;
        m->b[2] |= 0x02; /* TC, whatever the transport */
    } else if (qtype == 16 && !strcmp(n, "control.broken")) {
        static const char s[] = "v=spf1 \x1b[31mred\x07 \xe2\x80\xae -all";
        size_t at = rr_start(m, NULL, 0, 16);
        txt_string(m, s, sizeof s - 1);
        rr_end(m, at);
        ancount = 1;
    } else if (!strcmp(n, "broken") || !strcmp(n, "truncated.broken") ||
               !strcmp(n, "many.broken") || !strcmp(n, "huge.broken") ||
               !strcmp(n, "overflow.broken") || !strcmp(n, "control.broken") ||
               !strcmp(n, "edns.broken") || !strcmp(n, "alwaystc.broken")) {
        rcode = 0; /* NODATA */
    } else {
        rcode = 3;
    }
    if (m->over)
        return 0;
    m->b[3] = (unsigned char)(m->b[3] | rcode);
    set16(m, 6, ancount);
    if (udp && m->len > udp_limit) {
        /* RFC 1035 §4.2.1, RFC 6891 §7: cut to the question and set TC. */
        m->len = qend;
        m->b[2] |= 0x02;
        set16(m, 6, 0);
    }
    return 1;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pf = {fd, POLLOUT, 0};
            if (poll(&pf, 1, 2000) <= 0)
                return -1;
            continue;
        }
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

struct client {
    int fd;
    unsigned char buf[MAX_MSG + 2];
    size_t len;
};

static int bind_pair(unsigned port, int *udp, int *tcp, unsigned *bound)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    *tcp = socket(AF_INET, SOCK_STREAM, 0);
    *udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (*tcp < 0 || *udp < 0)
        return -1;
    setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(*tcp, (struct sockaddr *)&a, sizeof a) < 0 || listen(*tcp, 64) < 0 ||
        getsockname(*tcp, (struct sockaddr *)&a, &al) < 0)
        return -1;
    if (bind(*udp, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    *bound = ntohs(a.sin_port);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned port = 0, bound = 0;
    const char *portfile = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "p:o:")) != -1) {
        if (opt == 'p')
            port = (unsigned)strtoul(optarg, NULL, 10);
        else if (opt == 'o')
            portfile = optarg;
        else
            return 2;
    }
    int udp = -1, tcp = -1, tries = 0;
    while (bind_pair(port, &udp, &tcp, &bound) < 0) {
        if (udp >= 0)
            close(udp);
        if (tcp >= 0)
            close(tcp);
        if (port || ++tries > 50) {
            perror("brokendns: bind");
            return 1;
        }
    }
    if (portfile) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", bound) < 0 || fclose(f) != 0 || rename(tmp, portfile) != 0) {
            perror("brokendns: port file");
            return 1;
        }
    } else {
        printf("%u\n", bound);
        fflush(stdout);
    }

    static struct client clients[MAX_CLIENTS];
    static struct msg m;
    static unsigned char q[MAX_MSG];
    size_t nclients = 0;
    for (;;) {
        struct pollfd pf[2 + MAX_CLIENTS];
        pf[0] = (struct pollfd){udp, POLLIN, 0};
        pf[1] = (struct pollfd){tcp, nclients < MAX_CLIENTS ? POLLIN : 0, 0};
        for (size_t i = 0; i < nclients; i++)
            pf[2 + i] = (struct pollfd){clients[i].fd, POLLIN, 0};
        if (poll(pf, 2 + nclients, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (pf[0].revents & POLLIN) {
            struct sockaddr_storage from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(udp, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
            if (n > 0 && answer(q, (size_t)n, 1, &m))
                sendto(udp, m.b, m.len, 0, (struct sockaddr *)&from, fl);
        }
        if (pf[1].revents & POLLIN) {
            int c = accept(tcp, NULL, NULL);
            if (c >= 0) {
                fcntl(c, F_SETFL, O_NONBLOCK);
                clients[nclients].fd = c;
                clients[nclients].len = 0;
                nclients++;
            }
        }
        for (size_t i = 0; i < nclients;) {
            struct client *c = &clients[i];
            int drop = 0;
            if (pf[2 + i].revents) {
                ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
                if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
                    drop = 1;
                else if (n > 0)
                    c->len += (size_t)n;
                /* RFC 7766 §8: two-byte length, then the message. */
                while (!drop && c->len >= 2) {
                    size_t ml = (size_t)c->buf[0] << 8 | c->buf[1];
                    if (c->len < 2 + ml)
                        break;
                    if (answer(c->buf + 2, ml, 0, &m)) {
                        unsigned char lb[2] = {(unsigned char)(m.len >> 8), (unsigned char)m.len};
                        if (write_all(c->fd, lb, 2) < 0 || write_all(c->fd, m.b, m.len) < 0)
                            drop = 1;
                    }
                    memmove(c->buf, c->buf + 2 + ml, c->len - 2 - ml);
                    c->len -= 2 + ml;
                }
            }
            if (drop) {
                close(c->fd);
                clients[i] = clients[--nclients];
                pf[2 + i] = pf[2 + nclients];
                continue;
            }
            i++;
        }
    }
}

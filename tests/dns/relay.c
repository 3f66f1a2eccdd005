/* relay: a delaying DNS relay for the fetch benchmark.  Listens on one
 * 127.0.0.1 port (UDP and TCP) and forwards to an upstream server, holding
 * every query MS milliseconds before it goes on (answers come back at
 * once), so each lookup costs a fixed, known round trip.
 * Usage: relay -u HOST:PORT -d MS [-p PORT] [-o PORTFILE] [-s STATSFILE]
 * (PORT 0: any free port, written to PORTFILE once bound).  STATSFILE
 * gets "udp_max=N": the most UDP queries held or in flight at once, so a
 * test can tell a client that sends in parallel from one that waits for
 * each answer without timing it.  POSIX only. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_UDP 2048 /* UDP queries held or in flight at once */
#define MAX_TCP 128  /* TCP connection pairs */
#define UDP_EXPIRE_MS 30000.0

struct udp_q {
    int up; /* socket to the upstream, -1: free slot */
    struct sockaddr_storage from;
    socklen_t fromlen;
    unsigned char pkt[4096];
    size_t len;
    double due; /* when to send; 0 once sent */
    double born;
};

struct chunk {
    struct chunk *next;
    double due;
    size_t len;
    unsigned char data[];
};

struct tcp_pair {
    int client, up;            /* -1: free slot */
    struct chunk *head, *tail; /* client -> upstream, delayed */
    int client_eof;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct sockaddr_in upstream;
static double delay_ms;
static struct udp_q udpq[MAX_UDP];
static struct tcp_pair pairs[MAX_TCP];
static const char *statsfile;
static size_t udp_max;

/* Write "udp_max=N" to STATSFILE (a new file renamed into place, so a
 * reader never sees half of it).  Called when the count grows, before the
 * queries that grew it go on, so it is written before their answers. */
static void stats_write(void)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", statsfile);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "udp_max=%zu\n", udp_max) < 0 || fclose(f) != 0 ||
        rename(tmp, statsfile) != 0)
        perror("relay: stats file");
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

static void pair_close(struct tcp_pair *p)
{
    if (p->client >= 0)
        close(p->client);
    if (p->up >= 0)
        close(p->up);
    while (p->head) {
        struct chunk *c = p->head;
        p->head = c->next;
        free(c);
    }
    p->tail = NULL;
    p->client = p->up = -1;
    p->client_eof = 0;
}

static int parse_hostport(const char *s, struct sockaddr_in *a)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)strtoul(colon + 1, NULL, 10));
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 && a->sin_port ? 0 : -1;
}

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
    if (bind(*tcp, (struct sockaddr *)&a, sizeof a) < 0 || listen(*tcp, 128) < 0 ||
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
    const char *portfile = NULL, *up = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "u:d:p:o:s:")) != -1) {
        if (opt == 'u')
            up = optarg;
        else if (opt == 'd')
            delay_ms = strtod(optarg, NULL);
        else if (opt == 'p')
            port = (unsigned)strtoul(optarg, NULL, 10);
        else if (opt == 'o')
            portfile = optarg;
        else if (opt == 's')
            statsfile = optarg;
        else
            return 2;
    }
    if (!up || parse_hostport(up, &upstream) < 0 || delay_ms < 0) {
        fprintf(stderr, "usage: relay -u IPV4:PORT -d MS [-p PORT] [-o PORTFILE] [-s STATSFILE]\n");
        return 2;
    }
    int udp = -1, tcp = -1, tries = 0;
    while (bind_pair(port, &udp, &tcp, &bound) < 0) {
        if (udp >= 0)
            close(udp);
        if (tcp >= 0)
            close(tcp);
        if (port || ++tries > 50) {
            perror("relay: bind");
            return 1;
        }
    }
    fcntl(udp, F_SETFL, O_NONBLOCK);
    for (size_t i = 0; i < MAX_UDP; i++)
        udpq[i].up = -1;
    for (size_t i = 0; i < MAX_TCP; i++)
        pairs[i].client = pairs[i].up = -1;
    if (portfile) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", bound) < 0 || fclose(f) != 0 || rename(tmp, portfile) != 0) {
            perror("relay: port file");
            return 1;
        }
    } else {
        printf("%u\n", bound);
        fflush(stdout);
    }

    static struct pollfd pf[2 + MAX_UDP + 2 * MAX_TCP];
    static int kind[2 + MAX_UDP + 2 * MAX_TCP]; /* slot index, encoded */
    for (;;) {
        double now = now_ms(), next = -1;
        size_t n = 0;
        pf[n] = (struct pollfd){udp, POLLIN, 0}, kind[n++] = -1;
        pf[n] = (struct pollfd){tcp, POLLIN, 0}, kind[n++] = -2;
        for (int i = 0; i < MAX_UDP; i++) {
            struct udp_q *u = &udpq[i];
            if (u->up < 0)
                continue;
            if (u->due > 0) {
                if (next < 0 || u->due < next)
                    next = u->due;
            } else {
                pf[n] = (struct pollfd){u->up, POLLIN, 0}, kind[n++] = i;
            }
            if (next < 0 || u->born + UDP_EXPIRE_MS < next)
                next = u->born + UDP_EXPIRE_MS;
        }
        for (int i = 0; i < MAX_TCP; i++) {
            struct tcp_pair *p = &pairs[i];
            if (p->client < 0)
                continue;
            if (!p->client_eof)
                pf[n] = (struct pollfd){p->client, POLLIN, 0}, kind[n++] = MAX_UDP + 2 * i;
            pf[n] = (struct pollfd){p->up, POLLIN, 0}, kind[n++] = MAX_UDP + 2 * i + 1;
            if (p->head && (next < 0 || p->head->due < next))
                next = p->head->due;
        }
        int timeout = next < 0 ? -1 : next <= now ? 0 : (int)(next - now) + 1;
        if (poll(pf, (nfds_t)n, timeout) < 0 && errno != EINTR)
            return 1;
        now = now_ms();
        for (size_t k = 0; k < n; k++) {
            if (!pf[k].revents)
                continue;
            int w = kind[k];
            if (w == -1) {
                for (;;) {
                    int slot = 0;
                    while (slot < MAX_UDP && udpq[slot].up >= 0)
                        slot++;
                    unsigned char tmp[4096];
                    struct sockaddr_storage from;
                    socklen_t fl = sizeof from;
                    ssize_t r = recvfrom(udp, tmp, sizeof tmp, 0, (struct sockaddr *)&from, &fl);
                    if (r <= 0)
                        break;
                    if (slot == MAX_UDP)
                        continue; /* full: drop, as a loaded server would */
                    struct udp_q *u = &udpq[slot];
                    u->up = socket(AF_INET, SOCK_DGRAM, 0);
                    if (u->up < 0)
                        continue;
                    if (connect(u->up, (struct sockaddr *)&upstream, sizeof upstream) < 0) {
                        close(u->up);
                        u->up = -1;
                        continue;
                    }
                    memcpy(u->pkt, tmp, (size_t)r);
                    u->len = (size_t)r;
                    u->from = from;
                    u->fromlen = fl;
                    u->born = now;
                    u->due = now + delay_ms;
                    if (u->due <= 0)
                        u->due = 1e-9;
                }
                if (statsfile) {
                    size_t held = 0;
                    for (size_t i = 0; i < MAX_UDP; i++)
                        held += udpq[i].up >= 0;
                    if (held > udp_max) {
                        udp_max = held;
                        stats_write();
                    }
                }
            } else if (w == -2) {
                int c = accept(tcp, NULL, NULL);
                if (c < 0)
                    continue;
                int slot = 0;
                while (slot < MAX_TCP && pairs[slot].client >= 0)
                    slot++;
                int u = socket(AF_INET, SOCK_STREAM, 0);
                if (slot == MAX_TCP || u < 0 ||
                    connect(u, (struct sockaddr *)&upstream, sizeof upstream) < 0) {
                    close(c);
                    if (u >= 0)
                        close(u);
                    continue;
                }
                pairs[slot].client = c;
                pairs[slot].up = u;
            } else if (w < MAX_UDP) {
                struct udp_q *u = &udpq[w];
                unsigned char tmp[65536];
                ssize_t r = recv(u->up, tmp, sizeof tmp, 0);
                if (r > 0)
                    sendto(udp, tmp, (size_t)r, 0, (struct sockaddr *)&u->from, u->fromlen);
                close(u->up);
                u->up = -1;
            } else {
                int i = (w - MAX_UDP) / 2;
                struct tcp_pair *p = &pairs[i];
                if (p->client < 0)
                    continue;
                unsigned char tmp[65536];
                if ((w - MAX_UDP) % 2 == 0) {
                    ssize_t r = read(p->client, tmp, sizeof tmp);
                    if (r <= 0) {
                        p->client_eof = 1;
                        if (!p->head)
                            shutdown(p->up, SHUT_WR);
                        continue;
                    }
                    struct chunk *c = malloc(sizeof *c + (size_t)r);
                    if (!c) {
                        pair_close(p);
                        continue;
                    }
                    c->next = NULL;
                    c->due = now + delay_ms;
                    c->len = (size_t)r;
                    memcpy(c->data, tmp, (size_t)r);
                    if (p->tail)
                        p->tail->next = c;
                    else
                        p->head = c;
                    p->tail = c;
                } else {
                    ssize_t r = read(p->up, tmp, sizeof tmp);
                    if (r <= 0 || write_all(p->client, tmp, (size_t)r) < 0)
                        pair_close(p);
                }
            }
        }
        now = now_ms();
        for (int i = 0; i < MAX_UDP; i++) {
            struct udp_q *u = &udpq[i];
            if (u->up < 0)
                continue;
            if (u->due > 0 && u->due <= now) {
                send(u->up, u->pkt, u->len, 0);
                u->due = 0;
            } else if (u->born + UDP_EXPIRE_MS <= now) {
                close(u->up);
                u->up = -1;
            }
        }
        for (int i = 0; i < MAX_TCP; i++) {
            struct tcp_pair *p = &pairs[i];
            while (p->client >= 0 && p->head && p->head->due <= now) {
                struct chunk *c = p->head;
                p->head = c->next;
                if (!p->head)
                    p->tail = NULL;
                int bad = write_all(p->up, c->data, c->len) < 0;
                free(c);
                if (bad) {
                    pair_close(p);
                    break;
                }
                if (!p->head && p->client_eof)
                    shutdown(p->up, SHUT_WR);
            }
        }
    }
}

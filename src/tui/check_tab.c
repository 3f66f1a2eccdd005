/* The Check tab: the receiver simulation (authtxt check) on the drafts.
 * The admin fills in a message (client IP, HELO, MAIL FROM, From, and
 * optionally pastes a whole message for DKIM); the core's evaluators
 * (check.h) run over the drafts as DNS (check_drafts.h): offline, names
 * outside the drafts' domain are "not answered offline".  The results sit
 * at the top, then the inputs, then the trace (SPF steps, each DKIM
 * signature, DMARC), whose focused step the Explain pane explains from
 * the step's help entry.  Every draft edit re-runs the check (the tab
 * compares drafts_gen); this file only lays the results out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../net/dnssource_net.h"
#include "authtxt/check.h"
#include "authtxt/check_drafts.h"
#include "tui_app.h"

#define CHECK_MAX_FDS 32

/* Live DNS under the drafts (authtxt DOMAIN, --dns, --doh): the answers
 * the evaluators ask for are fetched through the editor's poll loop; the
 * cache keeps them for the tab's life, so a draft edit re-runs at once and
 * only asks for names it has not seen. */
struct check_net {
    struct net_resolver *res;
    struct net_dns_source src;
    struct pollfd watched[CHECK_MAX_FDS];
    size_t nwatched;
    unsigned timer;
    char error[256];
};

enum row_id {
    ROW_INFO = 1,
    ROW_RESULT,  /* sub: 0 SPF, 1 DKIM, 2 DMARC */
    ROW_INPUT,   /* sub: input index */
    ROW_MESSAGE, /* the paste button */
    ROW_STEP,    /* sub: trace * 100000 + step */
};

enum { IN_IP = 0, IN_HELO, IN_MAIL_FROM, IN_FROM, IN_COUNT };
static const char *const input_label[IN_COUNT] = {"IP", "HELO", "MAIL FROM", "From"};
#define INPUT_MAX 320

/* Which trace a step row belongs to: SPF, DMARC, or DKIM signature i
 * (TRACE_DKIM + i). */
enum { TRACE_SPF = 0, TRACE_DMARC = 1, TRACE_DKIM = 2 };

struct check_tab {
    struct form form;
    struct strbuf buf;
    char input[IN_COUNT][INPUT_MAX + 1];
    struct strbuf message; /* the pasted message ("" none) */
    /* The last run, and what it ran on. */
    bool ran;
    unsigned ran_gen;
    bool have_spf, have_dkim, have_dmarc, have_msg;
    struct spf_eval spf;
    struct dmarc_eval dmarc;
    struct dkim_verify dkim;
    struct message msg;
    char problem[300]; /* why something was not checked */
    struct app *app;
    struct check_net *net; /* NULL: offline */
    bool net_tried;
    bool waiting;          /* the last run waits on answers in flight */
};

static void results_free(struct check_tab *t)
{
    if (t->have_spf)
        spf_eval_free(&t->spf);
    if (t->have_dmarc)
        dmarc_eval_free(&t->dmarc);
    if (t->have_dkim)
        dkim_verify_free(&t->dkim);
    if (t->have_msg)
        message_free(&t->msg);
    t->have_spf = t->have_dkim = t->have_dmarc = t->have_msg = false;
    t->problem[0] = '\0';
}

/* One pass of every evaluator over the drafts (offline every question is
 * answered at once).  With live DNS a pass that stops for answers sends
 * its questions; their answers arrive through the loop (check_tab_pump)
 * and the next draw runs the pass again over the fuller cache. */
static bool wants_network(const struct app *a)
{
    const struct tui_options *o = &a->opts;
    return o->domain || o->net.server || o->net.doh_url || o->net.replay;
}

static struct check_net *net_get(struct app *a, struct check_tab *t)
{
    if (t->net || t->net_tried || !wants_network(a))
        return t->net;
    t->net_tried = true;
    struct check_net *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->res = net_resolver_new(&a->opts.net, n->error, sizeof n->error);
    if (!n->res) {
        app_message(a, ROLE_WARNING, "Check: no live DNS (%s): the drafts alone", n->error);
        free(n);
        return NULL;
    }
    net_dns_source_init(&n->src, n->res);
    t->net = n;
    return n;
}

/* The questions of a run that stopped for answers, all sent at once. */
static void ask(struct check_tab *t, const struct check_needs *needs)
{
    if (t->net && needs->count) {
        net_dns_source_ask(&t->net->src, needs);
        t->waiting = true;
    }
}

static void run_checks(struct app *a, struct check_tab *t)
{
    results_free(t);
    t->ran = true;
    t->ran_gen = a->drafts_gen;
    t->waiting = false;
    struct check_net *net = net_get(a, t);
    struct check_drafts_source src;
    if (!check_drafts_source_init(&src, &a->drafts, net ? &net->src.cache.source : NULL)) {
        snprintf(t->problem, sizeof t->problem, "out of memory");
        check_drafts_source_free(&src);
        return;
    }
    long long now = (long long)time(NULL);
    if (t->message.len) {
        memset(&t->msg, 0, sizeof t->msg);
        t->have_msg = message_parse(&t->msg, t->message.data, t->message.len);
        if (!t->have_msg) {
            snprintf(t->problem, sizeof t->problem, "the message: %s", t->msg.error);
            message_free(&t->msg);
        } else if (dkim_verify_init(&t->dkim, &t->msg, now)) {
            t->have_dkim = true;
            if (dkim_verify_run(&t->dkim, &src.source) == CHECK_NEED_ANSWERS)
                ask(t, &t->dkim.needs);
        }
    }
    const char *ip = t->input[IN_IP];
    if (ip[0]) {
        /* No MAIL FROM given: the From address stands for it (the usual
         * case of a direct sender); neither: the HELO identity (§2.4). */
        const char *mf = t->input[IN_MAIL_FROM][0] ? t->input[IN_MAIL_FROM] : t->input[IN_FROM];
        struct spf_eval_input in = {
            .ip = ip, .mail_from = mf, .helo = t->input[IN_HELO][0] ? t->input[IN_HELO] : NULL,
            .now = now};
        memset(&t->spf, 0, sizeof t->spf);
        t->have_spf = true;
        if (!mf[0] && !t->input[IN_HELO][0]) {
            snprintf(t->problem, sizeof t->problem,
                     "SPF needs MAIL FROM (or From) or HELO besides the IP");
            spf_eval_free(&t->spf);
            t->have_spf = false;
        } else if (!spf_eval_init(&t->spf, &in)) {
            snprintf(t->problem, sizeof t->problem, "IP: %s", t->spf.error);
            spf_eval_free(&t->spf);
            t->have_spf = false;
        } else {
            if (spf_eval_run(&t->spf, &src.source) == CHECK_NEED_ANSWERS)
                ask(t, &t->spf.needs);
        }
    }
    char from_domain[256] = "", why[200] = "";
    bool from_ok = false, want_dmarc = false;
    if (t->input[IN_FROM][0]) {
        want_dmarc = true;
        const char *at = strrchr(t->input[IN_FROM], '@');
        snprintf(from_domain, sizeof from_domain, "%.255s", at ? at + 1 : t->input[IN_FROM]);
        from_ok = from_domain[0] != '\0';
        if (!from_ok)
            snprintf(why, sizeof why, "From has no domain");
    } else if (t->have_msg) {
        want_dmarc = true;
        from_ok = message_from_domain(&t->msg, from_domain, sizeof from_domain, why, sizeof why);
    }
    if (want_dmarc) {
        const char *pass[CHECK_DKIM_DOMAINS_MAX];
        size_t npass = 0;
        for (size_t i = 0; t->have_dkim && i < t->dkim.count && npass < CHECK_DKIM_DOMAINS_MAX;
             i++)
            if (t->dkim.sigs[i].result == CHECK_DKIM_PASS)
                pass[npass++] = t->dkim.sigs[i].domain;
        struct dmarc_eval_input din = {.from_domain = from_ok ? from_domain : NULL,
                                       .from_problem = why,
                                       .spf_evaluated = t->have_spf,
                                       .spf_result = t->have_spf ? t->spf.result : CHECK_SPF_NONE,
                                       .spf_domain = t->have_spf ? t->spf.domain : NULL,
                                       .dkim_pass_domains = pass,
                                       .ndkim_pass = npass};
        memset(&t->dmarc, 0, sizeof t->dmarc);
        t->have_dmarc = true;
        if (!dmarc_eval_init(&t->dmarc, &din)) {
            snprintf(t->problem, sizeof t->problem, "out of memory");
            dmarc_eval_free(&t->dmarc);
            t->have_dmarc = false;
        } else {
            if (dmarc_eval_run(&t->dmarc, &src.source) == CHECK_NEED_ANSWERS)
                ask(t, &t->dmarc.needs);
        }
    }
    check_drafts_source_free(&src);
}

static void on_answers(struct check_tab *t)
{
    /* New answers: the next draw runs the pass again. */
    t->ran = false;
    t->app->dirty |= DIRTY_CONTENT | DIRTY_STATUS;
}

static void on_fd(int fd, short revents, void *data)
{
    struct check_tab *t = data;
    if (!t->net)
        return;
    struct pollfd p = {fd, 0, revents};
    net_resolver_process(t->net->res, &p, 1);
    on_answers(t);
}

static void on_timer(void *data)
{
    struct check_tab *t = data;
    if (!t->net)
        return;
    t->net->timer = 0;
    net_resolver_process(t->net->res, NULL, 0);
    on_answers(t);
}

void check_tab_pump(struct app *a)
{
    struct check_tab *t = a->tab_state[TAB_CHECK];
    struct check_net *n = t ? t->net : NULL;
    if (!n)
        return;
    struct pollfd now[CHECK_MAX_FDS];
    int timeout = -1;
    size_t k = net_resolver_fds(n->res, now, CHECK_MAX_FDS, &timeout);
    if (k > CHECK_MAX_FDS)
        k = CHECK_MAX_FDS;
    for (size_t i = 0; i < n->nwatched; i++) {
        bool still = false;
        for (size_t j = 0; j < k; j++)
            still |= now[j].fd == n->watched[i].fd;
        if (!still)
            loop_watch_fd(&a->loop, n->watched[i].fd, 0, NULL, NULL);
    }
    for (size_t j = 0; j < k; j++)
        loop_watch_fd(&a->loop, now[j].fd, now[j].events, on_fd, t);
    memcpy(n->watched, now, k * sizeof now[0]);
    n->nwatched = k;
    if (n->timer)
        loop_cancel_timer(&a->loop, n->timer);
    n->timer = 0;
    if (timeout >= 0)
        n->timer = loop_set_timer(&a->loop, timeout, on_timer, t);
}

static bool nothing_filled(const struct check_tab *t)
{
    for (int i = 0; i < IN_COUNT; i++)
        if (t->input[i][0])
            return false;
    return t->message.len == 0;
}

static void info_row(struct form *f, int sub, const char *text, bool dim)
{
    struct field *fld = form_add(f, FIELD_INFO, ROW_INFO, sub, "");
    if (fld) {
        form_set_text(f, fld, text, strlen(text));
        fld->dim = dim;
    }
}

static void step_rows(struct form *f, struct strbuf *b, const struct check_trace *tr, int trace,
                      const char *label)
{
    for (size_t i = 0; i < tr->count && i < 100000; i++) {
        const struct check_step *s = &tr->steps[i];
        strbuf_reset(b);
        strbuf_printf(b, "%*s%s", (int)(s->depth * 2), "", s->text);
        if (s->query)
            strbuf_printf(b, "  [%s -> %s]", s->query, s->answer ? s->answer : "");
        struct field *fld = form_add(f, FIELD_TEXT, ROW_STEP, trace * 100000 + (int)i, label);
        if (fld) {
            form_set_text(f, fld, b->data, b->len);
            fld->help_id = s->help;
        }
    }
    if (tr->dropped) {
        strbuf_reset(b);
        strbuf_printf(b, "(%zu more steps not kept)", tr->dropped);
        info_row(f, 900, b->data, true);
    }
}

static void result_row(struct form *f, int sub, const char *label, const char *text, bool good,
                       int severity)
{
    struct field *fld = form_add(f, FIELD_TEXT, ROW_RESULT, sub, label);
    if (!fld)
        return;
    form_set_text(f, fld, text, strlen(text));
    fld->severity = severity;
    (void)good;
}

static void rebuild(struct app *a, struct check_tab *t)
{
    if (!t->ran || t->ran_gen != a->drafts_gen)
        run_checks(a, t);
    struct form *f = &t->form;
    struct field *cur = f->count ? form_current(f) : NULL;
    int keep_id = cur ? cur->id : 0, keep_sub = cur ? cur->sub : 0;
    struct strbuf *b = &t->buf;
    form_begin(f);
    strbuf_reset(b);
    if (t->net) {
        strbuf_printf(b, "The drafts of %s over live DNS", a->drafts.domain);
        info_row(f, 1, b->data, true);
        info_row(f, 2, "(names in the drafts: from them; others: from DNS)", true);
    } else {
        strbuf_printf(b, "The drafts of %s, offline", a->drafts.domain);
        info_row(f, 1, b->data, true);
        info_row(f, 2, "(other names: not answered offline)", true);
    }
    if (nothing_filled(t)) {
        info_row(f, 3, "Nothing to check yet.", false);
        info_row(f, 4, "Enter on a field fills in the message:", false);
        info_row(f, 5, "IP with MAIL FROM or HELO: SPF;", true);
        info_row(f, 6, "From: DMARC; a pasted message: DKIM.", true);
    } else if (t->waiting) {
        form_add(f, FIELD_HEADING, 0, 1, "Result");
        strbuf_reset(b);
        strbuf_printf(b, "asking DNS: %zu answers in, %zu in flight", t->net->src.answered,
                      t->net->src.inflight);
        info_row(f, 8, b->data, false);
    } else {
        form_add(f, FIELD_HEADING, 0, 1, "Result");
        if (t->have_spf) {
            strbuf_reset(b);
            strbuf_printf(b, "%s", check_spf_result_name(t->spf.result));
            if (t->spf.matched)
                strbuf_printf(b, " (matched %s)", t->spf.matched);
            strbuf_printf(b, ", %s %s", t->spf.identity, t->spf.domain ? t->spf.domain : "");
            result_row(f, 0, "SPF", b->data, t->spf.result == CHECK_SPF_PASS,
                       t->spf.result == CHECK_SPF_PASS ? -1 : DIAG_WARNING);
        }
        if (t->have_dkim) {
            strbuf_reset(b);
            if (!t->dkim.count)
                strbuf_puts(b, "no DKIM-Signature in the message");
            for (size_t i = 0; i < t->dkim.count; i++)
                strbuf_printf(b, "%s%s (d=%s s=%s)", i ? ", " : "",
                              check_dkim_result_name(t->dkim.sigs[i].result),
                              t->dkim.sigs[i].domain, t->dkim.sigs[i].selector);
            result_row(f, 1, "DKIM", b->data, false, -1);
        }
        if (t->have_dmarc) {
            strbuf_reset(b);
            strbuf_printf(b, "%s, disposition %s", check_dmarc_result_name(t->dmarc.result),
                          check_disposition_name(t->dmarc.disposition));
            if (t->dmarc.policy_domain[0])
                strbuf_printf(b, " (policy of %s)", t->dmarc.policy_domain);
            result_row(f, 2, "DMARC", b->data, t->dmarc.result == CHECK_DMARC_PASS,
                       t->dmarc.result == CHECK_DMARC_PASS ? -1 : DIAG_WARNING);
        }
        if (t->problem[0]) {
            info_row(f, 7, t->problem, false);
            if (f->count)
                f->fields[f->count - 1].severity = DIAG_WARNING;
        }
    }
    form_add(f, FIELD_HEADING, 0, 2, "Message");
    for (int i = 0; i < IN_COUNT; i++) {
        struct field *fld = form_add(f, FIELD_TEXT, ROW_INPUT, i, input_label[i]);
        if (!fld)
            continue;
        form_set_text(f, fld, t->input[i], strlen(t->input[i]));
        if (!t->input[i][0])
            form_set_hint(f, fld, i == IN_MAIL_FROM ? "(not set: the From address)"
                                                    : "(not set)");
    }
    strbuf_reset(b);
    if (t->message.len)
        strbuf_printf(b, "Message: %zu bytes (Enter: replace)", t->message.len);
    else
        strbuf_puts(b, "Paste a message (for DKIM)");
    form_add(f, FIELD_BUTTON, ROW_MESSAGE, 0, b->len < 47 ? b->data : "Paste a message");
    if (t->have_spf) {
        strbuf_reset(b);
        strbuf_printf(b, "SPF: %d lookups, %u void", t->spf.lookups, t->spf.void_lookups);
        form_add(f, FIELD_HEADING, 0, 3, b->data);
        step_rows(f, b, &t->spf.trace, TRACE_SPF, "SPF");
    }
    for (size_t i = 0; t->have_dkim && i < t->dkim.count && i < 1000; i++) {
        strbuf_reset(b);
        strbuf_printf(b, "DKIM d=%.60s s=%.40s", t->dkim.sigs[i].domain,
                      t->dkim.sigs[i].selector);
        form_add(f, FIELD_HEADING, 0, 4 + (int)i, b->data);
        step_rows(f, b, &t->dkim.sigs[i].trace, TRACE_DKIM + (int)i, "DKIM");
    }
    if (t->have_dmarc) {
        form_add(f, FIELD_HEADING, 0, 2000, "DMARC");
        step_rows(f, b, &t->dmarc.trace, TRACE_DMARC, "DMARC");
    }
    form_end(f, keep_id, keep_sub);
}

/* The step a row stands for, or NULL. */
static const struct check_step *row_step(const struct check_tab *t, const struct field *fld)
{
    if (!fld || fld->id != ROW_STEP)
        return NULL;
    int trace = fld->sub / 100000;
    size_t i = (size_t)(fld->sub % 100000);
    const struct check_trace *tr = NULL;
    if (trace == TRACE_SPF && t->have_spf)
        tr = &t->spf.trace;
    else if (trace == TRACE_DMARC && t->have_dmarc)
        tr = &t->dmarc.trace;
    else if (trace >= TRACE_DKIM && t->have_dkim && (size_t)(trace - TRACE_DKIM) < t->dkim.count)
        tr = &t->dkim.sigs[trace - TRACE_DKIM].trace;
    return tr && i < tr->count ? &tr->steps[i] : NULL;
}

static void copy_input(char *out, const char *text, size_t len)
{
    /* One line: blanks at the ends go, control characters too. */
    while (len && (text[0] == ' ' || text[0] == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    size_t n = 0;
    for (size_t i = 0; i < len && n < INPUT_MAX; i++)
        if ((unsigned char)text[i] >= 0x20 && text[i] != 0x7f)
            out[n++] = text[i];
    out[n] = '\0';
}

static bool form_done(struct app *a, int choice, void *ctx)
{
    struct check_tab *t = ctx;
    if (choice < 0)
        return true;
    char vals[IN_COUNT][INPUT_MAX + 1];
    for (int i = 0; i < IN_COUNT; i++) {
        size_t len;
        const char *text = dialog_field(a, i, &len);
        copy_input(vals[i], text ? text : "", text ? len : 0);
    }
    memcpy(t->input, vals, sizeof vals);
    t->ran = false;
    a->dirty |= DIRTY_CONTENT;
    return true;
}

static bool paste_done(struct app *a, int choice, void *ctx)
{
    struct check_tab *t = ctx;
    if (choice < 0)
        return true;
    size_t len;
    const char *text = dialog_field(a, 0, &len);
    if (len > MESSAGE_MAX) {
        dialog_set_error(a, "the message is over %u bytes", (unsigned)MESSAGE_MAX);
        return false;
    }
    /* The parsed message and its signatures borrow the old text. */
    results_free(t);
    strbuf_reset(&t->message);
    strbuf_append(&t->message, text ? text : "", text ? len : 0);
    t->ran = false;
    a->dirty |= DIRTY_CONTENT;
    return true;
}

static void open_form(struct app *a, struct check_tab *t, int focus)
{
    const char *values[IN_COUNT];
    for (int i = 0; i < IN_COUNT; i++)
        values[i] = t->input[i];
    dialog_form(a, "The message to check",
                "IP: the client address. MAIL FROM (empty: the From address) or HELO: the "
                "SPF identity. From: the author domain DMARC applies to.",
                IN_COUNT, input_label, values, form_done, t);
    if (focus > 0 && focus < IN_COUNT)
        a->dialog.field = focus;
}

static void *check_tab_create(struct app *a)
{
    struct check_tab *t = calloc(1, sizeof *t);
    if (t) {
        t->app = a;
        form_init(&t->form);
        strbuf_init(&t->buf);
        strbuf_init(&t->message);
        t->message.limit = MESSAGE_MAX + 1;
    }
    return t;
}

static void check_tab_destroy(void *st)
{
    struct check_tab *t = st;
    results_free(t);
    if (t->net) {
        /* The loop's watches of our descriptors go with it (the loop is
         * torn down with the app); the source first, then the resolver. */
        if (t->net->timer)
            loop_cancel_timer(&t->app->loop, t->net->timer);
        for (size_t i = 0; i < t->net->nwatched; i++)
            loop_watch_fd(&t->app->loop, t->net->watched[i].fd, 0, NULL, NULL);
        net_dns_source_free(&t->net->src);
        net_resolver_free(t->net->res);
        free(t->net);
    }
    form_free(&t->form);
    strbuf_free(&t->buf);
    strbuf_free(&t->message);
    free(t);
}

static void check_tab_reload(struct app *a, void *st) { rebuild(a, st); }

static const struct record *check_tab_record(struct app *a, void *st)
{
    (void)a, (void)st;
    return NULL;
}

static void check_tab_draw(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                           bool focused)
{
    struct check_tab *t = st;
    rebuild(a, t);
    form_draw(&t->form, w, y, x, rows, cols, focused);
}

/* The Record pane: the focused step whole (the Compose rows cut long
 * steps at the pane's edge), with its DNS question and answer. */
static bool check_tab_draw_record(struct app *a, void *st, WINDOW *w, int y, int x, int rows,
                                  int cols)
{
    struct check_tab *t = st;
    (void)a;
    const struct check_step *s = row_step(t, t->form.count ? form_current(&t->form) : NULL);
    if (!s)
        return false;
    struct strbuf *b = &t->buf;
    strbuf_reset(b);
    strbuf_printf(b, "%s  [%s]", s->text, s->rfc ? s->rfc : "");
    if (s->query)
        strbuf_printf(b, "  DNS: %s -> %s", s->query, s->answer ? s->answer : "");
    size_t starts[32];
    size_t n = draw_wrap(b->data, b->len, cols, false, starts, 32);
    for (int r = 0; r < rows && (size_t)r < n && r < 32; r++) {
        size_t end = (size_t)r + 1 < n && r + 1 < 32 ? starts[r + 1] : b->len;
        draw_line(w, y + r, x, cols, b->data, starts[r], end, term_attr(ROLE_VALUE), NULL, 0);
    }
    return true;
}

static unsigned check_tab_key(struct app *a, void *st, enum action act, int key, bool fkey,
                              bool more, bool *handled)
{
    struct check_tab *t = st;
    (void)key, (void)fkey, (void)more;
    *handled = true;
    struct field *fld = t->form.count ? form_current(&t->form) : NULL;
    if (act == ACT_ACTIVATE) {
        if (fld && fld->id == ROW_MESSAGE) {
            dialog_paste(a, "Paste a message",
                         "The whole message as sent (header fields, an empty line, the body); "
                         "its DKIM-Signature fields are verified against the drafts.",
                         t->message.len ? t->message.data : "", paste_done, t);
            return DIRTY_OVERLAY;
        }
        open_form(a, t, fld && fld->id == ROW_INPUT ? fld->sub : 0);
        return DIRTY_OVERLAY;
    }
    unsigned d = form_move(&t->form, act);
    if (d)
        return d | DIRTY_EXPLAIN | DIRTY_RECORD;
    *handled = false;
    return 0;
}

static void check_tab_explain(struct app *a, void *st, struct explain *out)
{
    struct check_tab *t = st;
    (void)a;
    struct field *fld = t->form.count ? form_current(&t->form) : NULL;
    const struct check_step *s = row_step(t, fld);
    if (s) {
        out->help_id = s->help;
        strbuf_puts(&out->here, s->text);
        strbuf_printf(&out->note, "%s", s->rfc ? s->rfc : "");
        if (s->query)
            strbuf_printf(&out->note, "\nDNS: %s -> %s", s->query, s->answer ? s->answer : "");
        return;
    }
    if (fld && fld->id == ROW_RESULT) {
        static const char *const ids[3] = {"check.spf.result", "check.dkim.result",
                                           "check.dmarc.result"};
        out->help_id = ids[fld->sub % 3];
        if (fld->sub == 2 && t->have_dmarc)
            strbuf_puts(&out->here, t->dmarc.reason);
        return;
    }
    out->help_id = fld && fld->id == ROW_INPUT && fld->sub == IN_FROM ? "check.dmarc.from"
                   : fld && fld->id == ROW_INPUT                      ? "check.spf.identity"
                   : fld && fld->id == ROW_MESSAGE                    ? "check.dkim.signature"
                                                                      : NULL;
    strbuf_puts(&out->note, "What a receiver does with this message if the drafts were "
                            "published: Enter on a field fills in the message; the trace "
                            "below the results follows the receiver step by step.");
}

static void check_tab_position(struct app *a, void *st, struct strbuf *out)
{
    struct check_tab *t = st;
    (void)a;
    struct field *fld = t->form.count ? form_current(&t->form) : NULL;
    if (fld && fld->id == ROW_STEP)
        strbuf_printf(out, "step %d", fld->sub % 100000 + 1);
    else if (fld && fld->id == ROW_INPUT)
        strbuf_puts(out, input_label[fld->sub % IN_COUNT]);
    else if (fld && fld->id == ROW_MESSAGE)
        strbuf_puts(out, "message");
    else
        strbuf_puts(out, "check");
}

static void check_tab_goto_span(struct app *a, void *st, size_t start, size_t end,
                                enum rule_id rule)
{
    (void)a, (void)st, (void)start, (void)end, (void)rule;
}

static unsigned check_tab_click(struct app *a, void *st, int y, int x)
{
    struct check_tab *t = st;
    int choice;
    (void)a;
    if (!form_click(&t->form, y, x, &choice))
        return 0;
    return DIRTY_FOCUS | DIRTY_EXPLAIN | DIRTY_RECORD;
}

const struct tab_ops check_tab_ops = {
    .name = "Check",
    .keymap = KEYMAP_COMPOSE,
    .create = check_tab_create,
    .destroy = check_tab_destroy,
    .reload = check_tab_reload,
    .record = check_tab_record,
    .draw = check_tab_draw,
    .draw_record = check_tab_draw_record,
    .key = check_tab_key,
    .explain = check_tab_explain,
    .goto_span = check_tab_goto_span,
    .position = check_tab_position,
    .click = check_tab_click,
};

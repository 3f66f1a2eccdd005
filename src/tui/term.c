/* Terminal ownership: curses set-up and tear-down, the colour-role table
 * (with its monochrome column), glyphs and frames with ASCII fallbacks,
 * mouse and bracketed paste, and the signal handlers that give the
 * terminal back however the program ends (htop's CRT.c plays this part). */
#include "tui_term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <openssl/evp.h>

#include <term.h> /* setupterm, tigetstr: last, it defines many macros */

/* One row per role: the colour pair used when colours are on, and the
 * attributes alone for monochrome (NO_COLOR, --no-color, no colours). */
struct role_style {
    short fg, bg;      /* -1: the terminal's default */
    attr_t color_attr; /* added to the pair */
    attr_t mono_attr;
};

static const struct role_style role_styles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_BORDER] = {COLOR_BLUE, -1, A_NORMAL, A_NORMAL},
    [ROLE_BORDER_FOCUS] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ROLE_PANE_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ROLE_APP_TITLE] = {-1, -1, A_BOLD, A_BOLD},
    [ROLE_TAB] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_HEADING] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [ROLE_LABEL] = {COLOR_CYAN, -1, A_NORMAL, A_BOLD},
    [ROLE_VALUE] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_DIM] = {-1, -1, A_DIM, A_DIM},
    [ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_EDIT] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_UNDERLINE | A_BOLD},
    [ROLE_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ROLE_WARNING] = {COLOR_YELLOW, -1, A_NORMAL, A_BOLD},
    [ROLE_INFO] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [ROLE_GOOD] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ROLE_MARK_ERROR] = {COLOR_RED, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
    [ROLE_MARK_WARNING] = {COLOR_YELLOW, -1, A_UNDERLINE, A_UNDERLINE},
    [ROLE_MARK_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_STATUS] = {-1, -1, A_REVERSE, A_REVERSE},
    [ROLE_STATUS_KEY] = {COLOR_CYAN, -1, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_DIALOG] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE},
};

static const char *const glyphs[GLYPH_COUNT][2] = {
    /* UTF-8, ASCII */
    [GLYPH_DOT] = {"\xc2\xb7", "-"},
    [GLYPH_ELLIPSIS] = {"\xe2\x80\xa6", "~"},
    [GLYPH_BOX_ON] = {"[x]", "[x]"},
    [GLYPH_BOX_OFF] = {"[ ]", "[ ]"},
    [GLYPH_RADIO_ON] = {"(\xe2\x80\xa2)", "(*)"},
    [GLYPH_RADIO_OFF] = {"( )", "( )"},
    [GLYPH_MORE_UP] = {"\xe2\x96\xb2", "^"},
    [GLYPH_MORE_DOWN] = {"\xe2\x96\xbc", "v"},
    [GLYPH_ARROW] = {"\xe2\x86\x92", "->"},
};

/* The terminal is one per process, so its state is too. */
static struct {
    bool open;
    bool color;
    bool utf8;
    bool paste_on;
    bool mouse_on;
    SCREEN *screen;
    int wake[2]; /* self-pipe: the stop-signal handler writes, the loop polls */
    attr_t attrs[ROLE_COUNT];
    struct termios saved_tios;
    bool have_tios;
    /* Written by the fatal-signal handler with write(2): what endwin would
     * have sent, prepared while it was safe to build it. */
    char restore_seq[256];
    size_t restore_len;
} term;

static volatile sig_atomic_t pending_signal;

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};

/* Async-signal-safe: a flag and write(2) on a non-blocking pipe (a full
 * pipe already holds a wake-up, so a lost byte loses nothing). */
static void on_stop_signal(int sig)
{
    int saved = errno;
    pending_signal = sig;
    if (term.wake[1] >= 0) {
        ssize_t unused = write(term.wake[1], "s", 1);
        (void)unused;
    }
    errno = saved;
}

/* ncurses' own SIGWINCH handler (it makes the next read return
 * KEY_RESIZE), which ours calls before waking the loop: a resize that
 * lands between the loop's last read and its poll() is then acted on at
 * once, not at the next key. */
static struct sigaction curses_winch;

static void on_winch_signal(int sig)
{
    int saved = errno;
    if (curses_winch.sa_flags & SA_SIGINFO) {
        if (curses_winch.sa_sigaction)
            curses_winch.sa_sigaction(sig, NULL, NULL);
    } else if (curses_winch.sa_handler != SIG_DFL && curses_winch.sa_handler != SIG_IGN &&
               curses_winch.sa_handler) {
        curses_winch.sa_handler(sig);
    }
    if (term.wake[1] >= 0) {
        ssize_t unused = write(term.wake[1], "w", 1);
        (void)unused;
    }
    errno = saved;
}

static bool wake_pipe_open(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    }
    term.wake[0] = fds[0];
    term.wake[1] = fds[1];
    return true;
}

static void wake_pipe_close(void)
{
    for (int i = 0; i < 2; i++) {
        if (term.wake[i] >= 0)
            close(term.wake[i]);
        term.wake[i] = -1;
    }
}

/* Async-signal-safe: write(2), tcsetattr(3) and raise(3) only. */
static void on_fatal_signal(int sig)
{
    if (term.restore_len) {
        ssize_t unused = write(STDOUT_FILENO, term.restore_seq, term.restore_len);
        (void)unused;
    }
    if (term.have_tios)
        tcsetattr(STDIN_FILENO, TCSANOW, &term.saved_tios);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll() must return EINTR */
    sigaction(sig, &sa, NULL);
}

/* A terminfo string capability, or NULL when absent or not a string. */
static const char *cap_string(const char *name)
{
    char *s = tigetstr(name);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

static void restore_append(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (n < sizeof term.restore_seq - term.restore_len) {
        memcpy(term.restore_seq + term.restore_len, s, n);
        term.restore_len += n;
    }
}

/* Can this terminal host a full-screen program?  Uses a throwaway
 * terminfo load so that nothing is drawn before we know. */
static bool check_terminal(struct strbuf *why)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        strbuf_puts(why, "the editor needs a terminal on standard input and output; "
                         "use 'authtxt lint' or 'authtxt explain' in scripts");
        return false;
    }
    const char *name = getenv("TERM");
    if (!name || !*name) {
        strbuf_puts(why, "TERM is not set, so the terminal type is unknown; "
                         "set TERM (e.g. TERM=xterm-256color)");
        return false;
    }
    int err = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
        strbuf_printf(why,
                      "%s terminal type '%.60s'; set TERM to a type this system "
                      "knows (e.g. xterm-256color)",
                      err == -1 ? "no terminfo database for the" : "unknown", name);
        return false;
    }
    bool ok = cap_string("cup") != NULL && tigetflag("hc") <= 0;
    del_curterm(cur_term);
    if (!ok) {
        strbuf_printf(why,
                      "terminal type '%.60s' cannot move the cursor, so the "
                      "full-screen editor cannot run; use a terminal such as xterm, "
                      "or 'authtxt lint' / 'authtxt explain'",
                      name);
        return false;
    }
    return true;
}

static void setup_colors(bool no_color)
{
    const char *env = getenv("NO_COLOR");
    term.color = !no_color && !(env && *env) && has_colors();
    if (term.color) {
        start_color();
        use_default_colors();
    }
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct role_style *s = &role_styles[r];
        if (!term.color) {
            term.attrs[r] = s->mono_attr;
        } else if (s->fg == -1 && s->bg == -1) {
            term.attrs[r] = s->color_attr;
        } else if (r < COLOR_PAIRS) {
            init_pair((short)r, s->fg, s->bg);
            term.attrs[r] = COLOR_PAIR(r) | s->color_attr;
        } else {
            term.attrs[r] = s->mono_attr;
        }
    }
}

/* Cursor keys in both of the terminal's modes: with keypad mode on
 * (smkx) they come as ESC O A, but a terminal that was reset, or a
 * program run before us, may leave it in normal mode (ESC [ A).  Either
 * way the key is an arrow, never ESC, '[' and 'A'. */
static void define_cursor_keys(void)
{
    static const struct {
        char final;
        int key;
    } keys[] = {{'A', KEY_UP},   {'B', KEY_DOWN}, {'C', KEY_RIGHT},
                {'D', KEY_LEFT}, {'H', KEY_HOME}, {'F', KEY_END}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char csi[4] = {'\033', '[', keys[i].final, '\0'};
        char ss3[4] = {'\033', 'O', keys[i].final, '\0'};
        if (key_defined(csi) <= 0)
            define_key(csi, keys[i].key);
        if (key_defined(ss3) <= 0)
            define_key(ss3, keys[i].key);
    }
}

bool term_open(bool no_color, bool no_mouse, struct strbuf *why)
{
    if (term.open)
        return true;
    term.wake[0] = term.wake[1] = -1;
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    term.utf8 = codeset && strcmp(codeset, "UTF-8") == 0;
    if (!check_terminal(why))
        return false;
    term.have_tios = tcgetattr(STDIN_FILENO, &term.saved_tios) == 0;
    term.screen = newterm(NULL, stdout, stdin);
    if (!term.screen) {
        strbuf_puts(why, "curses could not start on this terminal");
        return false;
    }
    set_term(term.screen);
    term.open = true;
    cbreak();
    noecho();
    /* ^S and ^Q are keys here (save, quit), not XOFF/XON flow control. */
    struct termios tio;
    if (tcgetattr(STDIN_FILENO, &tio) == 0) {
        tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        /* ^Z is undo here, not suspend (the key table's ACT_UNDO). */
        tio.c_cc[VSUSP] = _POSIX_VDISABLE;
        tcsetattr(STDIN_FILENO, TCSANOW, &tio);
        def_prog_mode();
    }
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    setup_colors(no_color);
    define_cursor_keys();
    /* --no-mouse: the terminal keeps its own selection and clicks. */
    term.mouse_on = !no_mouse;
    if (term.mouse_on) {
        mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }

    /* Bracketed paste: a pasted key or record arrives as one text with
     * its line breaks instead of a burst of keys.  Terminals whose
     * terminfo lacks BE get xterm's private mode 2004, which terminals
     * that do not know it ignore. */
    const char *paste_on = cap_string("BE"), *start = cap_string("PS"), *end = cap_string("PE");
    define_key(start ? start : "\033[200~", TERM_KEY_PASTE_BEGIN);
    define_key(end ? end : "\033[201~", TERM_KEY_PASTE_END);
    putp(paste_on ? paste_on : "\033[?2004h");
    fflush(stdout);
    term.paste_on = true;

    term.restore_len = 0;
    if (term.paste_on)
        restore_append(cap_string("BD") ? cap_string("BD") : "\033[?2004l");
    restore_append("\033[?1000l\033[?1002l\033[?1006l"); /* mouse reporting off */
    restore_append(cap_string("sgr0"));
    restore_append(cap_string("cnorm"));
    restore_append(cap_string("rmkx"));
    restore_append(cap_string("rmcup"));
    restore_append("\r\n");

    /* Without the pipe a signal still sets the flag; poll() then sees
     * it through EINTR, as before. */
    wake_pipe_open();
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        set_handler(stop_signals[i], on_stop_signal);
    /* Chain to the handler curses installed, so it still sees the resize. */
    if (sigaction(SIGWINCH, NULL, &curses_winch) == 0)
        set_handler(SIGWINCH, on_winch_signal);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        set_handler(fatal_signals[i], on_fatal_signal);
    return true;
}

static void input_reset(void);

void term_close(void)
{
    if (!term.open)
        return;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        signal(fatal_signals[i], SIG_DFL);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        signal(stop_signals[i], SIG_DFL);
    sigaction(SIGWINCH, &curses_winch, NULL);
    if (term.mouse_on)
        mousemask(0, NULL);
    if (term.paste_on) {
        const char *off = cap_string("BD");
        putp(off ? off : "\033[?2004l");
        term.paste_on = false;
    }
    endwin();
    delscreen(term.screen);
    wake_pipe_close();
    input_reset();
    term.screen = NULL;
    term.open = false;
    term.restore_len = 0;
    fflush(stdout);
}

attr_t term_attr(enum ui_role role)
{
    return (role >= 0 && role < ROLE_COUNT) ? term.attrs[role] : A_NORMAL;
}

const char *term_glyph(enum ui_glyph glyph)
{
    if (glyph < 0 || glyph >= GLYPH_COUNT)
        return "?";
    return glyphs[glyph][term.utf8 ? 0 : 1];
}

bool term_utf8(void) { return term.utf8; }
bool term_has_color(void) { return term.color; }

/* A cell of a frame: the Unicode line character or its ASCII stand-in,
 * with the role's attributes and colour pair. */
static void frame_cell(cchar_t *c, wchar_t wide, char ascii, attr_t attr)
{
    wchar_t text[2] = {term.utf8 ? wide : (wchar_t)ascii, L'\0'};
    setcchar(c, text, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
}

void term_frame(WINDOW *w, enum ui_role role)
{
    attr_t a = term_attr(role);
    cchar_t ls, rs, ts, bs, tl, tr, bl, br;
    frame_cell(&ls, 0x2502, '|', a);
    frame_cell(&rs, 0x2502, '|', a);
    frame_cell(&ts, 0x2500, '-', a);
    frame_cell(&bs, 0x2500, '-', a);
    frame_cell(&tl, 0x250c, '+', a);
    frame_cell(&tr, 0x2510, '+', a);
    frame_cell(&bl, 0x2514, '+', a);
    frame_cell(&br, 0x2518, '+', a);
    wborder_set(w, &ls, &rs, &ts, &bs, &tl, &tr, &bl, &br);
}

void term_hline(WINDOW *w, int y, int x, int n, enum ui_role role)
{
    cchar_t c;
    frame_cell(&c, 0x2500, '-', term_attr(role));
    mvwhline_set(w, y, x, &c, n);
}

WINDOW *term_window(int nlines, int ncols, int y, int x)
{
    WINDOW *w = newwin(nlines, ncols, y, x);
    if (w)
        keypad(w, TRUE);
    return w;
}

int term_take_signal(void)
{
    char buf[64];
    if (term.wake[0] >= 0)
        while (read(term.wake[0], buf, sizeof buf) > 0)
            ;
    int sig = pending_signal;
    pending_signal = 0;
    return sig;
}

int term_signal_fd(void) { return term.open ? term.wake[0] : -1; }

/* ---------------------------------------------------------------------- */
/* Input: escape sequences curses does not know are dropped whole, and a
 * bracketed paste becomes one event.                                     */

enum input_state {
    IN_NORMAL = 0,
    IN_ESC,        /* ESC read: a key of its own, or a sequence's start */
    IN_CSI,        /* ESC [ params... : up to a final byte 0x40-0x7e (ECMA-48 §5.4) */
    IN_SS3,        /* ESC O: one more byte */
    IN_STRING,     /* ESC ] / P / _ / ^ / X: up to BEL or ST (ESC \) */
    IN_STRING_ESC, /* ESC inside a string */
    IN_PASTE,      /* between ESC [200~ and ESC [201~ */
};

/* A sequence longer than this is not one: give up on it (and drop it). */
#define SEQUENCE_MAX 4096

static struct {
    enum input_state state;
    size_t seq_len;
    long long last_ms; /* monotonic time of the last byte of an open state */
    struct strbuf paste;
    bool paste_cut;
    bool paste_cr; /* the last pasted byte was CR: a LF after it is one break */
} input = {.paste = STRBUF_INIT};

static void input_reset(void)
{
    strbuf_free(&input.paste);
    input.state = IN_NORMAL;
    input.paste_cut = false;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void paste_add(const char *bytes, size_t n)
{
    if (input.paste.len + n > TERM_PASTE_MAX) {
        input.paste_cut = true;
        return;
    }
    strbuf_append(&input.paste, bytes, n);
    if (input.paste.failed)
        input.paste_cut = true;
}

/* One pasted character (a code point from get_wch). */
static void paste_char(int ch)
{
    bool was_cr = input.paste_cr;
    input.paste_cr = ch == '\r';
    if (ch == '\r') {
        paste_add("\n", 1);
        return;
    }
    if (ch == '\n' && was_cr)
        return; /* CR LF: one line break */
    if (ch == 0 || ch == 0x7f)
        return; /* nothing an editor can show or keep */
    char out[4];
    size_t n;
    unsigned cp = (unsigned)ch;
    if (cp < 0x80) {
        out[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12)), out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else if (cp <= 0x10ffff) {
        out[0] = (char)(0xf0 | (cp >> 18)), out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    } else {
        return;
    }
    paste_add(out, n);
}

static void paste_event(struct term_input *ev)
{
    ev->kind = TERM_INPUT_PASTE;
    ev->text = strbuf_cstr(&input.paste);
    ev->len = input.paste.len;
    ev->cut = input.paste_cut;
    input.state = IN_NORMAL;
}

bool term_read_input(struct term_input *ev)
{
    memset(ev, 0, sizeof *ev);
    if (input.state == IN_NORMAL && input.paste.len) {
        strbuf_reset(&input.paste); /* the last event's text is done with */
        input.paste_cut = false;
    }
    int errs = 0; /* get_wch's ERRs in a row */
    for (;;) {
        wint_t ch;
        int rc = get_wch(&ch);
        /* get_wch gives ERR both when no input is left and at a byte that
         * is not UTF-8 (consumed); the bytes after a bad one may already
         * sit in curses' buffer, where poll() cannot see them, so a paste
         * would wait for the next key (keyfuzz found it).  Ask again until
         * two ERRs come in a row: a run of bad bytes gives one ERR (the
         * replay paste-invalid-utf8-run.keys), and a genuine ERR costs
         * one more read() that finds nothing. */
        if (rc == ERR && ++errs < 2)
            continue;
        if (rc != ERR)
            errs = 0;
        if (rc == ERR) {
            if (input.state == IN_ESC) { /* ESC and nothing after it: the Esc key */
                input.state = IN_NORMAL;
                ev->kind = TERM_INPUT_KEY;
                ev->key = 27;
                return true;
            }
            return false;
        }
        int key = (int)ch;
        bool fkey = rc == KEY_CODE_YES;
        if (input.state != IN_NORMAL)
            input.last_ms = now_ms();
        /* A resize is news whatever else is going on. */
        if (fkey && key == KEY_RESIZE) {
            ev->kind = TERM_INPUT_KEY, ev->key = key, ev->fkey = true;
            return true;
        }
    again:
        switch (input.state) {
        case IN_PASTE:
            if (fkey && key == TERM_KEY_PASTE_END) {
                paste_event(ev);
                return true;
            }
            if (!fkey)
                paste_char(key);
            /* a key curses decoded inside a paste has no text: dropped */
            continue;
        case IN_NORMAL:
            if (fkey && key == TERM_KEY_PASTE_BEGIN) {
                input.state = IN_PASTE;
                input.last_ms = now_ms();
                strbuf_reset(&input.paste);
                input.paste_cut = false;
                input.paste_cr = false;
                continue;
            }
            if (fkey && key == TERM_KEY_PASTE_END)
                continue; /* an end without a start */
            if (!fkey && key == 27) {
                input.state = IN_ESC;
                input.last_ms = now_ms();
                continue;
            }
            ev->kind = TERM_INPUT_KEY, ev->key = key, ev->fkey = fkey;
            return true;
        case IN_ESC:
            input.seq_len = 0;
            if (fkey) { /* ESC then a key curses knows: Alt+arrow and the like */
                input.state = IN_NORMAL;
                continue;
            }
            if (key == 27) { /* Esc twice: the first is a key of its own */
                ev->kind = TERM_INPUT_KEY, ev->key = 27;
                return true;
            }
            input.state = key == '['   ? IN_CSI
                          : key == 'O' ? IN_SS3
                          : (key == ']' || key == 'P' || key == '_' || key == '^' || key == 'X')
                              ? IN_STRING
                              : IN_NORMAL; /* Alt+key: not bound, dropped */
            continue;
        case IN_CSI:
            if (!fkey && key >= 0x40 && key <= 0x7e) {
                input.state = IN_NORMAL; /* the final byte: the whole sequence dropped */
                continue;
            }
            if (!fkey && key >= 0x20 && key <= 0x3f && ++input.seq_len < SEQUENCE_MAX)
                continue; /* parameter and intermediate bytes */
            /* Not a sequence after all: drop what was read, and take this
             * key as it is. */
            input.state = IN_NORMAL;
            goto again;
        case IN_SS3:
            input.state = IN_NORMAL;
            if (fkey)
                goto again;
            continue;
        case IN_STRING:
            if (!fkey && key == 7)
                input.state = IN_NORMAL;
            else if (!fkey && key == 27)
                input.state = IN_STRING_ESC;
            else if (++input.seq_len >= SEQUENCE_MAX)
                input.state = IN_NORMAL;
            continue;
        case IN_STRING_ESC:
            input.state = (!fkey && key == '\\') ? IN_NORMAL : IN_STRING;
            continue;
        }
    }
}

long long term_input_open_ms(void)
{
    if (input.state == IN_NORMAL || input.state == IN_ESC)
        return -1;
    long long d = now_ms() - input.last_ms;
    return d < 0 ? 0 : d;
}

bool term_input_flush(struct term_input *ev)
{
    memset(ev, 0, sizeof *ev);
    if (input.state == IN_PASTE) {
        paste_event(ev);
        return true;
    }
    input.state = IN_NORMAL;
    return false;
}

/* ---------------------------------------------------------------------- */
/* Clipboard                                                              */

bool term_clipboard_copy(const char *data, size_t len)
{
    if (len > TERM_CLIPBOARD_MAX)
        return false;
    size_t b64_len = 4 * ((len + 2) / 3);
    static const char head[] = "\033]52;c;";
    char *buf = malloc(sizeof head - 1 + b64_len + 2);
    if (!buf)
        return false;
    memcpy(buf, head, sizeof head - 1);
    int n = EVP_EncodeBlock((unsigned char *)buf + sizeof head - 1, (const unsigned char *)data,
                            (int)len);
    size_t total = sizeof head - 1 + (size_t)(n > 0 ? n : 0);
    buf[total++] = '\a';
    /* After curses' own output (doupdate flushed it): straight to the fd,
     * so the sequence is never split by curses' buffer. */
    fflush(stdout);
    size_t off = 0;
    while (off < total) {
        ssize_t w = write(STDOUT_FILENO, buf + off, total - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(buf);
    return off == total;
}

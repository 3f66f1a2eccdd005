/* Terminal ownership: curses set-up and tear-down, the colour-role table
 * (with its monochrome column), glyphs and frames with ASCII fallbacks,
 * mouse and bracketed paste, and the signal handlers that give the
 * terminal back however the program ends (htop's CRT.c plays this part). */
#include "tui_term.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include <term.h> /* setupterm, tigetstr: last, it defines many macros */

/* One row per role: the colour pair used when colours are on, and the
 * attributes alone for monochrome (NO_COLOR, --no-color, no colours). */
struct role_style {
    short fg, bg;     /* -1: the terminal's default */
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
    SCREEN *screen;
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

static void on_stop_signal(int sig) { pending_signal = sig; }

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
        strbuf_printf(why, "%s terminal type '%.60s'; set TERM to a type this system "
                           "knows (e.g. xterm-256color)",
                      err == -1 ? "no terminfo database for the" : "unknown", name);
        return false;
    }
    bool ok = cap_string("cup") != NULL && tigetflag("hc") <= 0;
    del_curterm(cur_term);
    if (!ok) {
        strbuf_printf(why, "terminal type '%.60s' cannot move the cursor, so the "
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

bool term_open(bool no_color, struct strbuf *why)
{
    if (term.open)
        return true;
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
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);

    /* Bracketed paste: a pasted key or record arrives as one text with
     * its line breaks instead of a burst of Enter keys. */
    const char *paste_on = cap_string("BE"), *start = cap_string("PS"), *end = cap_string("PE");
    define_key(start ? start : "\033[200~", TERM_KEY_PASTE_BEGIN);
    define_key(end ? end : "\033[201~", TERM_KEY_PASTE_END);
    if (paste_on) {
        putp(paste_on);
        fflush(stdout);
        term.paste_on = true;
    }

    term.restore_len = 0;
    if (term.paste_on)
        restore_append(cap_string("BD"));
    restore_append("\033[?1000l\033[?1002l\033[?1006l"); /* mouse reporting off */
    restore_append(cap_string("sgr0"));
    restore_append(cap_string("cnorm"));
    restore_append(cap_string("rmkx"));
    restore_append(cap_string("rmcup"));
    restore_append("\r\n");

    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        set_handler(stop_signals[i], on_stop_signal);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        set_handler(fatal_signals[i], on_fatal_signal);
    return true;
}

void term_close(void)
{
    if (!term.open)
        return;
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        signal(fatal_signals[i], SIG_DFL);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        signal(stop_signals[i], SIG_DFL);
    mousemask(0, NULL);
    if (term.paste_on) {
        const char *off = cap_string("BD");
        if (off)
            putp(off);
    }
    endwin();
    delscreen(term.screen);
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

int term_take_signal(void)
{
    int sig = pending_signal;
    pending_signal = 0;
    return sig;
}

/* The terminal (term.c): the only module that sets curses up, picks
 * colours, borders and glyphs, enables the mouse and bracketed paste, and
 * restores the terminal on every exit path (fatal signals included).
 * Everything here is process-wide because the terminal is. */
#ifndef AUTHTXT_TUI_TERM_H
#define AUTHTXT_TUI_TERM_H

#include <stdbool.h>
#include <curses.h>

#include "authtxt/strbuf.h"

/* What a piece of the screen is; the colour table maps each role to a
 * colour pair plus attributes, and to attributes alone in monochrome. */
enum ui_role {
    ROLE_NORMAL = 0,
    ROLE_BORDER,        /* pane frames */
    ROLE_BORDER_FOCUS,  /* the frame of the pane that has focus */
    ROLE_PANE_TITLE,    /* "Compose", "Lint: 2 warnings" */
    ROLE_APP_TITLE,     /* "authtxt" in the tab bar */
    ROLE_TAB,           /* an inactive tab */
    ROLE_TAB_ACTIVE,    /* the active tab */
    ROLE_HEADING,       /* section headings inside panes */
    ROLE_LABEL,         /* field names: "p", "include" */
    ROLE_VALUE,         /* field values as written */
    ROLE_DIM,           /* defaults of unset tags, hints */
    ROLE_SELECTED,      /* the focused row */
    ROLE_EDIT,          /* a field being edited */
    ROLE_ERROR,         /* severity colours: text */
    ROLE_WARNING,
    ROLE_INFO,
    ROLE_GOOD,          /* "no problems", a usable key */
    ROLE_MARK_ERROR,    /* spans in the record text */
    ROLE_MARK_WARNING,
    ROLE_MARK_FOCUS,    /* the focused term in the record text */
    ROLE_STATUS,        /* the status line */
    ROLE_STATUS_KEY,    /* key names on the status line */
    ROLE_DIALOG,        /* prompts and questions */
    ROLE_COUNT
};

/* Characters with an ASCII stand-in for terminals without UTF-8. */
enum ui_glyph {
    GLYPH_DOT = 0,   /* "·" / "-" separator in the status line */
    GLYPH_ELLIPSIS,  /* "…" / "~" where text is cut */
    GLYPH_BOX_ON,    /* "[x]" */
    GLYPH_BOX_OFF,   /* "[ ]" */
    GLYPH_RADIO_ON,  /* "(•)" / "(*)" */
    GLYPH_RADIO_OFF, /* "( )" */
    GLYPH_MORE_UP,   /* "▲" / "^" more above */
    GLYPH_MORE_DOWN, /* "▼" / "v" more below */
    GLYPH_ARROW,     /* "→" / "->" */
    GLYPH_COUNT
};

/* Key codes beyond curses' own for a bracketed paste's start and end
 * (ESC [200~ and ESC [201~, taught to curses with define_key).  Only the
 * input layer below sees them; the rest of the program gets a paste as
 * one TERM_INPUT_PASTE event. */
#define TERM_KEY_PASTE_BEGIN (KEY_MAX + 1)
#define TERM_KEY_PASTE_END (KEY_MAX + 2)

/* Largest paste kept (bytes); the rest of a longer one is dropped and the
 * event says so (a record is at most 65,535 bytes). */
#define TERM_PASTE_MAX 65536u

/* Take the terminal: locale, curses, colours (unless no_color or NO_COLOR
 * is set non-empty), the mouse (unless no_mouse), bracketed paste, signal
 * handlers and their self-pipe.  Returns false and writes a one-line
 * reason to why when the terminal cannot host a full-screen program (not
 * a tty, unknown TERM, TERM=dumb); nothing is changed then. */
bool term_open(bool no_color, bool no_mouse, struct strbuf *why);
/* Give the terminal back (idempotent).  Safe after a failed term_open.
 * Every window made with term_window must be freed (delwin) first:
 * delscreen frees the memory curses' windows live in. */
void term_close(void);

/* A window with keypad mode on.  Keypad mode is per window in curses, and
 * a window with it off sends rmkx when read or set, after which the
 * terminal sends cursor keys as ESC [ A instead of ESC O A: keep it on
 * for every window (platform-notes §6).  NULL when curses cannot. */
WINDOW *term_window(int nlines, int ncols, int y, int x);

/* The attributes of a role (colour pair included when colours are on). */
attr_t term_attr(enum ui_role role);
/* A glyph in the terminal's character set.  Static string. */
const char *term_glyph(enum ui_glyph glyph);
/* UTF-8 output possible (the locale's codeset is UTF-8)? */
bool term_utf8(void);
bool term_has_color(void);

/* A frame around w in the role's colour: Unicode lines on UTF-8
 * terminals, plain + - | otherwise. */
void term_frame(WINDOW *w, enum ui_role role);
/* A horizontal line of n cells at (y, x) in w. */
void term_hline(WINDOW *w, int y, int x, int n, enum ui_role role);

/* The signal that asked the program to stop (SIGINT, SIGTERM, SIGHUP), or
 * 0; reading clears it and empties the self-pipe.  The handlers set a flag
 * and write a byte to the self-pipe (term_signal_fd), which the event loop
 * polls: a signal wakes the loop at once, even when it arrives just before
 * poll() starts to wait. */
int term_take_signal(void);
/* The self-pipe's read end (non-blocking), or -1 before term_open. */
int term_signal_fd(void);

/* --- input ---------------------------------------------------------------
 * Keys are read here, not with get_wch elsewhere: this layer turns what
 * the terminal sends into events.  Known keys arrive as curses decodes
 * them; an escape sequence curses does not know (CSI `ESC [ ... final`,
 * SS3 `ESC O x`, Alt+key `ESC x`, and OSC/DCS strings) is dropped whole,
 * so its bytes never run as keys; a bracketed paste (ESC [200~ ... ESC
 * [201~) arrives as one TERM_INPUT_PASTE event with its text, line breaks
 * as "\n" (CR LF and CR turned into LF), never as keys. */
enum term_input_kind { TERM_INPUT_NONE = 0, TERM_INPUT_KEY, TERM_INPUT_PASTE };

struct term_input {
    enum term_input_kind kind;
    int key;   /* KEY: a character (code point) or a curses KEY_* code */
    bool fkey; /* KEY: key is a curses KEY_* code */
    /* PASTE: the text (UTF-8 as the terminal sent it), owned by this
     * module and valid until the next term_read_input or
     * term_input_flush call. */
    const char *text;
    size_t len;
    bool cut; /* PASTE: longer than TERM_PASTE_MAX, the rest dropped */
};

/* The next event, without blocking: false (ev->kind NONE) when nothing
 * complete is waiting. */
bool term_read_input(struct term_input *ev);
/* A sequence or paste was started and has not ended: how many
 * milliseconds since its last byte (-1 when none is open).  A terminal
 * that stops half-way (a lost byte, a paste without its end marker) would
 * otherwise hold the input forever: the caller calls term_input_flush
 * once this passes a few hundred milliseconds. */
long long term_input_open_ms(void);
/* End what is open: a paste is given as it is (true, ev filled), a
 * sequence dropped (false). */
bool term_input_flush(struct term_input *ev);

/* --- clipboard ---------------------------------------------------------- */

/* Put data on the terminal's clipboard with OSC 52 (ESC ] 52 ; c ; base64
 * BEL): works in xterm-like terminals, through tmux (set-clipboard on or
 * external) and over ssh, since it travels with the output.  Nothing says
 * whether the terminal took it.  False when out of memory or data is over
 * TERM_CLIPBOARD_MAX bytes. */
#define TERM_CLIPBOARD_MAX 100000u
bool term_clipboard_copy(const char *data, size_t len);

#endif

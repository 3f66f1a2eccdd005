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
 * (ESC [200~ and ESC [201~, taught to curses with define_key). */
#define TERM_KEY_PASTE_BEGIN (KEY_MAX + 1)
#define TERM_KEY_PASTE_END (KEY_MAX + 2)

/* Take the terminal: locale, curses, colours (unless no_color or NO_COLOR
 * is set non-empty), mouse, bracketed paste, signal handlers.  Returns
 * false and writes a one-line reason to why when the terminal cannot host
 * a full-screen program (not a tty, unknown TERM, TERM=dumb); nothing is
 * changed then. */
bool term_open(bool no_color, struct strbuf *why);
/* Give the terminal back (idempotent).  Safe after a failed term_open. */
void term_close(void);

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
 * 0; reading clears it.  The handlers only set a flag; poll() returns
 * EINTR so the loop sees it at once. */
int term_take_signal(void);

#endif

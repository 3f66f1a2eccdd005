/* Keys -> actions (keys.c).  One table binds keys to actions per keymap;
 * the main loop looks keys up here, the status line and the help
 * browser's key list are generated from the same table, so what the
 * screen says is always what the keys do (tig REQ_*, htop Action.c). */
#ifndef AUTHTXT_TUI_KEYS_H
#define AUTHTXT_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum action {
    ACT_NONE = 0,
    /* anywhere */
    ACT_QUIT,
    ACT_HELP,
    ACT_TAB_NEXT,
    ACT_TAB_PREV,
    ACT_TAB_SPF,
    ACT_TAB_DKIM,
    ACT_TAB_DMARC,
    ACT_TAB_LIVE,
    ACT_TAB_CHECK,
    ACT_SAVE,
    ACT_OPEN,
    ACT_FETCH,
    ACT_REDRAW,
    /* moving in a list or form */
    ACT_UP,
    ACT_DOWN,
    ACT_NEXT,
    ACT_PREV,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HOME,
    ACT_END,
    ACT_LEFT,
    ACT_RIGHT,
    /* composing */
    ACT_ACTIVATE,    /* Enter: edit the field, or go where a diagnostic points */
    ACT_TOGGLE,      /* Space: tick a box, next choice */
    ACT_RAW_EDIT,
    ACT_LINT_FOCUS,  /* move focus to the lint pane and back */
    ACT_ADD,
    ACT_DELETE,
    ACT_MOVE_UP,
    ACT_MOVE_DOWN,
    ACT_QUAL_PASS,
    ACT_QUAL_FAIL,
    ACT_QUAL_SOFTFAIL,
    ACT_QUAL_NEUTRAL,
    ACT_SUBVIEW,     /* DKIM: key record / DKIM-Signature */
    ACT_KEY_GENERATE, /* DKIM: make a key pair, fill p= (dkim_keys.c) */
    ACT_KEY_MATCH,    /* DKIM: does a private key file match p= */
    ACT_COPY_LIVE,   /* Live: the published record becomes the draft */
    ACT_COPY_RECORD, /* the focused record to the terminal's clipboard (OSC 52) */
    /* the line editor (fields, raw edit, prompts, search) */
    ACT_EDIT_BACKSPACE,
    ACT_EDIT_DELETE,
    ACT_EDIT_KILL_END,
    ACT_EDIT_KILL_START,
    ACT_EDIT_KILL_WORD,
    /* help browser, dialogs */
    ACT_SEARCH,
    ACT_CLOSE,
    /* undo history of the drafts, and the domain in the title bar */
    ACT_UNDO,
    ACT_REDO,
    ACT_EDIT_DOMAIN,
    ACT_COUNT
};

/* Key tables, looked up most specific first (see keys_chain). */
enum keymap {
    KEYMAP_GLOBAL = 0,
    KEYMAP_COMPOSE, /* every compose pane */
    KEYMAP_SPF,
    KEYMAP_DMARC,
    KEYMAP_DKIM,
    KEYMAP_LIVE,    /* the Live tab */
    KEYMAP_LINT,    /* focus in the lint pane */
    KEYMAP_HELP,    /* the help browser */
    KEYMAP_EDIT,    /* the line editor: a field, the raw record, a prompt */
    KEYMAP_DIALOG,  /* questions, forms and lists over the panes */
    KEYMAP_COUNT
};

struct key_binding {
    enum keymap map;
    int key;           /* a character, or a curses KEY_* code when fkey */
    bool fkey;
    enum action action;
    const char *name;  /* "F1", "^S", "Enter" */
    const char *label; /* "Help", "Save" */
    const char *status; /* the status line's name for the group ("+-~?"),
                           or NULL: not shown there */
    const char *brief;  /* the status line's label ("Qualifier") */
};

/* The whole table, in display order. */
const struct key_binding *keys_table(size_t *count);
/* Look key up in `map`, then in the maps it falls back to (a tab's map
 * falls back to COMPOSE, then GLOBAL; LINT to GLOBAL; HELP, EDIT and
 * DIALOG to none). */
enum action keys_lookup(enum keymap map, int key, bool fkey);
/* The maps consulted for `map`, most specific first; returns how many. */
size_t keys_chain(enum keymap map, enum keymap out[3]);
/* "Compose", "SPF tab", ...: for the help browser's key list. */
const char *keys_map_title(enum keymap map);
/* "^N" and the like for a key code: for messages. */
const char *keys_action_key_name(enum keymap map, enum action act);

#endif

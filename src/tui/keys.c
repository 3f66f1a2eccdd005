/* The key table: every binding of the editor in one place, read by the
 * dispatcher, the status line and the help browser. */
#include "tui_keys.h"

#include <curses.h>

#define CTRL(c) ((c) & 0x1f)

static const struct key_binding bindings[] = {
    /* '?' is help on every tab (F1 too), so the neutral qualifier is
     * 'n' on the SPF tab. */
    {KEYMAP_SPF, '\n', false, ACT_ACTIVATE, "Enter", "Edit term", "Enter", "Edit"},
    {KEYMAP_SPF, 'a', false, ACT_ADD, "a", "Add a term", "a", "Add"},
    {KEYMAP_SPF, KEY_DC, true, ACT_DELETE, "Del", "Delete the term", "Del", "Delete"},
    {KEYMAP_SPF, 'x', false, ACT_DELETE, "x", "Delete the term", NULL, NULL},
    {KEYMAP_SPF, '+', false, ACT_QUAL_PASS, "+", "Qualifier + (pass)", "+-~n", "Qualifier"},
    {KEYMAP_SPF, '-', false, ACT_QUAL_FAIL, "-", "Qualifier - (fail)", NULL, NULL},
    {KEYMAP_SPF, '~', false, ACT_QUAL_SOFTFAIL, "~", "Qualifier ~ (softfail)", NULL, NULL},
    {KEYMAP_SPF, 'n', false, ACT_QUAL_NEUTRAL, "n", "Qualifier ? (neutral)", NULL, NULL},
    {KEYMAP_SPF, '[', false, ACT_MOVE_UP, "[", "Move the term up", "[]", "Move"},
    {KEYMAP_SPF, ']', false, ACT_MOVE_DOWN, "]", "Move the term down", NULL, NULL},

    {KEYMAP_DMARC, '\n', false, ACT_ACTIVATE, "Enter", "Edit / choose", "Enter", "Edit"},
    {KEYMAP_DMARC, ' ', false, ACT_TOGGLE, "Space", "Tick a box, next choice", "Space", "Choose"},
    {KEYMAP_DMARC, 'a', false, ACT_ADD, "a", "Add a report address", NULL, NULL},
    {KEYMAP_DMARC, KEY_DC, true, ACT_DELETE, "Del", "Unset the tag, remove the address", "Del", "Unset"},
    {KEYMAP_DMARC, 'x', false, ACT_DELETE, "x", "Unset the tag, remove the address", NULL, NULL},

    {KEYMAP_DKIM, '\n', false, ACT_ACTIVATE, "Enter", "Edit / paste", "Enter", "Edit"},
    {KEYMAP_DKIM, ' ', false, ACT_TOGGLE, "Space", "Tick a box, next choice", "Space", "Choose"},
    {KEYMAP_DKIM, KEY_DC, true, ACT_DELETE, "Del", "Unset the tag", "Del", "Unset"},
    {KEYMAP_DKIM, 'x', false, ACT_DELETE, "x", "Unset the tag", NULL, NULL},
    {KEYMAP_DKIM, 'a', false, ACT_ADD, "a", "Add a DKIM selector (a draft of its own)", "a",
     "Add selector"},
    {KEYMAP_DKIM, 'v', false, ACT_SUBVIEW, "v", "Key record / DKIM-Signature", "v", "View"},
    {KEYMAP_DKIM, 'g', false, ACT_KEY_GENERATE, "g", "Generate a key pair, fill p=", "g", "Keygen"},
    {KEYMAP_DKIM, 'm', false, ACT_KEY_MATCH, "m", "Match a private key file against p=", "m",
     "Match"},

    {KEYMAP_LIVE, 'c', false, ACT_COPY_LIVE, "c", "Copy the published record into the draft",
     "c", "Copy live"},
    {KEYMAP_LIVE, '\n', false, ACT_ACTIVATE, "Enter", "Copy (on the copy line)", NULL, NULL},

    {KEYMAP_COMPOSE, KEY_UP, true, ACT_UP, "Up", "Previous field", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_DOWN, true, ACT_DOWN, "Down", "Next field", NULL, NULL},
    {KEYMAP_COMPOSE, '\t', false, ACT_NEXT, "Tab", "Next field", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_BTAB, true, ACT_PREV, "S-Tab", "Previous field", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_LEFT, true, ACT_LEFT, "Left", "Previous choice", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_RIGHT, true, ACT_RIGHT, "Right", "Next choice", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_PPAGE, true, ACT_PAGE_UP, "PgUp", "Page up", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_NPAGE, true, ACT_PAGE_DOWN, "PgDn", "Page down", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_HOME, true, ACT_HOME, "Home", "First field", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_END, true, ACT_END, "End", "Last field", NULL, NULL},
    {KEYMAP_COMPOSE, 'y', false, ACT_COPY_RECORD, "y",
     "Copy the record (zone line or value) to the clipboard", "y", "Copy"},
    {KEYMAP_COMPOSE, '\n', false, ACT_ACTIVATE, "Enter", "Edit the field", NULL, NULL},
    {KEYMAP_COMPOSE, KEY_ENTER, true, ACT_ACTIVATE, "Enter", "Edit the field", NULL, NULL},
    {KEYMAP_COMPOSE, 'e', false, ACT_RAW_EDIT, "e", "Edit the record as text", "e", "Raw edit"},
    {KEYMAP_COMPOSE, 'l', false, ACT_LINT_FOCUS, "l", "Go to the lint pane", "l", "Lint"},
    {KEYMAP_COMPOSE, 'u', false, ACT_UNDO, "u", "Undo the last edit", "u", "Undo"},
    {KEYMAP_COMPOSE, CTRL('Z'), false, ACT_UNDO, "^Z", "Undo the last edit", NULL, NULL},
    {KEYMAP_COMPOSE, CTRL('Y'), false, ACT_REDO, "^Y", "Redo what was undone", NULL, NULL},

    {KEYMAP_LINT, KEY_UP, true, ACT_UP, "Up", "Previous diagnostic", NULL, NULL},
    {KEYMAP_LINT, KEY_DOWN, true, ACT_DOWN, "Down", "Next diagnostic", NULL, NULL},
    {KEYMAP_LINT, KEY_PPAGE, true, ACT_PAGE_UP, "PgUp", "Page up", NULL, NULL},
    {KEYMAP_LINT, KEY_NPAGE, true, ACT_PAGE_DOWN, "PgDn", "Page down", NULL, NULL},
    {KEYMAP_LINT, KEY_HOME, true, ACT_HOME, "Home", "First diagnostic", NULL, NULL},
    {KEYMAP_LINT, KEY_END, true, ACT_END, "End", "Last diagnostic", NULL, NULL},
    {KEYMAP_LINT, '\n', false, ACT_ACTIVATE, "Enter", "Go to the field it is about", "Enter", "Go to field"},
    {KEYMAP_LINT, KEY_ENTER, true, ACT_ACTIVATE, "Enter", "Go to the field it is about", NULL, NULL},
    {KEYMAP_LINT, 27, false, ACT_CLOSE, "Esc", "Back to the form", "Esc", "Back"},
    {KEYMAP_LINT, 'l', false, ACT_CLOSE, "l", "Back to the form", NULL, NULL},
    {KEYMAP_LINT, '\t', false, ACT_CLOSE, "Tab", "Back to the form", NULL, NULL},

    {KEYMAP_HELP, KEY_UP, true, ACT_UP, "Up", "Previous entry", "Up/Dn", "Entry"},
    {KEYMAP_HELP, KEY_DOWN, true, ACT_DOWN, "Down", "Next entry", NULL, NULL},
    {KEYMAP_HELP, KEY_PPAGE, true, ACT_PAGE_UP, "PgUp", "Scroll the text up", "PgUp/PgDn", "Scroll"},
    {KEYMAP_HELP, KEY_NPAGE, true, ACT_PAGE_DOWN, "PgDn", "Scroll the text down", NULL, NULL},
    {KEYMAP_HELP, ' ', false, ACT_PAGE_DOWN, "Space", "Scroll the text down", NULL, NULL},
    {KEYMAP_HELP, KEY_HOME, true, ACT_HOME, "Home", "First entry", NULL, NULL},
    {KEYMAP_HELP, KEY_END, true, ACT_END, "End", "Last entry", NULL, NULL},
    {KEYMAP_HELP, '/', false, ACT_SEARCH, "/", "Search", "/", "Search"},
    {KEYMAP_HELP, 27, false, ACT_CLOSE, "Esc", "Close the help", "Esc", "Close"},
    {KEYMAP_HELP, 'q', false, ACT_CLOSE, "q", "Close the help", NULL, NULL},
    {KEYMAP_HELP, KEY_F(1), true, ACT_CLOSE, "F1", "Close the help", NULL, NULL},

    /* The line editor: every text field, the raw record, prompts and the
     * help search.  Printable keys insert; a bracketed paste inserts its
     * text (line breaks kept in multi-line fields, else spaces). */
    {KEYMAP_EDIT, '\n', false, ACT_ACTIVATE, "Enter", "Apply the text", "Enter", "Apply"},
    {KEYMAP_EDIT, KEY_ENTER, true, ACT_ACTIVATE, "Enter", "Apply the text", NULL, NULL},
    {KEYMAP_EDIT, 27, false, ACT_CLOSE, "Esc", "Cancel: the text as it was", "Esc", "Cancel"},
    {KEYMAP_EDIT, KEY_LEFT, true, ACT_LEFT, "Left", "Character left", NULL, NULL},
    {KEYMAP_EDIT, CTRL('B'), false, ACT_LEFT, "^B", "Character left", NULL, NULL},
    {KEYMAP_EDIT, KEY_RIGHT, true, ACT_RIGHT, "Right", "Character right", NULL, NULL},
    {KEYMAP_EDIT, CTRL('F'), false, ACT_RIGHT, "^F", "Character right", NULL, NULL},
    {KEYMAP_EDIT, KEY_HOME, true, ACT_HOME, "Home", "Start of the text", NULL, NULL},
    {KEYMAP_EDIT, CTRL('A'), false, ACT_HOME, "^A", "Start of the text", "^A/^E", "Start/end"},
    {KEYMAP_EDIT, KEY_END, true, ACT_END, "End", "End of the text", NULL, NULL},
    {KEYMAP_EDIT, CTRL('E'), false, ACT_END, "^E", "End of the text", NULL, NULL},
    {KEYMAP_EDIT, KEY_BACKSPACE, true, ACT_EDIT_BACKSPACE, "BSpace", "Delete the character before",
     NULL, NULL},
    {KEYMAP_EDIT, 127, false, ACT_EDIT_BACKSPACE, "BSpace", "Delete the character before", NULL,
     NULL},
    {KEYMAP_EDIT, CTRL('H'), false, ACT_EDIT_BACKSPACE, "^H", "Delete the character before", NULL,
     NULL},
    {KEYMAP_EDIT, KEY_DC, true, ACT_EDIT_DELETE, "Del", "Delete the character under the cursor",
     NULL, NULL},
    {KEYMAP_EDIT, CTRL('D'), false, ACT_EDIT_DELETE, "^D", "Delete the character under the cursor",
     NULL, NULL},
    {KEYMAP_EDIT, CTRL('K'), false, ACT_EDIT_KILL_END, "^K", "Delete to the end", NULL, NULL},
    {KEYMAP_EDIT, CTRL('U'), false, ACT_EDIT_KILL_START, "^U", "Delete to the start (all: clear)",
     "^U", "Clear"},
    {KEYMAP_EDIT, CTRL('W'), false, ACT_EDIT_KILL_WORD, "^W", "Delete the word before", NULL, NULL},

    /* Dialogs: a question takes the letters it shows (y, n...); a list
     * takes type-ahead letters. */
    {KEYMAP_DIALOG, '\n', false, ACT_ACTIVATE, "Enter", "OK, choose the item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_ENTER, true, ACT_ACTIVATE, "Enter", "OK, choose the item", NULL, NULL},
    {KEYMAP_DIALOG, 27, false, ACT_CLOSE, "Esc", "Cancel", NULL, NULL},
    {KEYMAP_DIALOG, '\t', false, ACT_NEXT, "Tab", "Next field or item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_BTAB, true, ACT_PREV, "S-Tab", "Previous field or item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_DOWN, true, ACT_DOWN, "Down", "Next field or item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_UP, true, ACT_UP, "Up", "Previous field or item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_HOME, true, ACT_HOME, "Home", "First item", NULL, NULL},
    {KEYMAP_DIALOG, KEY_END, true, ACT_END, "End", "Last item", NULL, NULL},

    {KEYMAP_GLOBAL, KEY_F(1), true, ACT_HELP, "F1", "Help: every tag explained", "F1", "Help"},
    {KEYMAP_GLOBAL, '?', false, ACT_HELP, "?", "Help: every tag explained", NULL, NULL},
    {KEYMAP_GLOBAL, CTRL('N'), false, ACT_TAB_NEXT, "^N", "Next tab", "^N/^P", "Tab"},
    {KEYMAP_GLOBAL, CTRL('P'), false, ACT_TAB_PREV, "^P", "Previous tab", NULL, NULL},
    {KEYMAP_GLOBAL, '1', false, ACT_TAB_SPF, "1", "SPF tab", NULL, NULL},
    {KEYMAP_GLOBAL, '2', false, ACT_TAB_DKIM, "2", "DKIM tab", NULL, NULL},
    {KEYMAP_GLOBAL, '3', false, ACT_TAB_DMARC, "3", "DMARC tab", NULL, NULL},
    {KEYMAP_GLOBAL, '4', false, ACT_TAB_LIVE, "4", "Live tab", NULL, NULL},
    {KEYMAP_GLOBAL, '5', false, ACT_TAB_CHECK, "5", "Check tab (receiver simulation)", NULL, NULL},
    {KEYMAP_GLOBAL, CTRL('S'), false, ACT_SAVE, "^S", "Save the drafts as a zone file", "^S", "Save"},
    {KEYMAP_GLOBAL, CTRL('O'), false, ACT_OPEN, "^O", "Open a zone file", NULL, NULL},
    {KEYMAP_GLOBAL, KEY_F(2), true, ACT_EDIT_DOMAIN, "F2", "Edit the domain (title bar)", NULL, NULL},
    {KEYMAP_GLOBAL, KEY_F(5), true, ACT_FETCH, "F5", "Fetch the live records", NULL, NULL},
    {KEYMAP_GLOBAL, CTRL('L'), false, ACT_REDRAW, "^L", "Redraw the screen", NULL, NULL},
    {KEYMAP_GLOBAL, 'q', false, ACT_QUIT, "q", "Quit", "q", "Quit"},
    {KEYMAP_GLOBAL, CTRL('Q'), false, ACT_QUIT, "^Q", "Quit", NULL, NULL},
    {KEYMAP_GLOBAL, KEY_F(10), true, ACT_QUIT, "F10", "Quit", NULL, NULL},
};

const struct key_binding *keys_table(size_t *count)
{
    *count = sizeof bindings / sizeof bindings[0];
    return bindings;
}

size_t keys_chain(enum keymap map, enum keymap out[3])
{
    switch (map) {
    case KEYMAP_SPF:
    case KEYMAP_DMARC:
    case KEYMAP_DKIM:
    case KEYMAP_LIVE:
        out[0] = map, out[1] = KEYMAP_COMPOSE, out[2] = KEYMAP_GLOBAL;
        return 3;
    case KEYMAP_COMPOSE:
        out[0] = KEYMAP_COMPOSE, out[1] = KEYMAP_GLOBAL;
        return 2;
    case KEYMAP_LINT:
        out[0] = KEYMAP_LINT, out[1] = KEYMAP_GLOBAL;
        return 2;
    case KEYMAP_HELP:
    case KEYMAP_EDIT:
    case KEYMAP_DIALOG:
        out[0] = map;
        return 1;
    case KEYMAP_GLOBAL:
    case KEYMAP_COUNT:
        break;
    }
    out[0] = KEYMAP_GLOBAL;
    return 1;
}

enum action keys_lookup(enum keymap map, int key, bool fkey)
{
    /* Enter arrives as '\n' or '\r' (depending on the tty's ICRNL) or as
     * the keypad's KEY_ENTER: one binding covers them all. */
    if (!fkey && key == '\r')
        key = '\n';
    enum keymap chain[3];
    size_t n = keys_chain(map, chain);
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
            if (bindings[i].map == chain[c] && bindings[i].key == key && bindings[i].fkey == fkey)
                return bindings[i].action;
    return ACT_NONE;
}

const char *keys_map_title(enum keymap map)
{
    switch (map) {
    case KEYMAP_GLOBAL: return "Anywhere";
    case KEYMAP_COMPOSE: return "In a form (every tab)";
    case KEYMAP_SPF: return "SPF tab";
    case KEYMAP_DMARC: return "DMARC tab";
    case KEYMAP_DKIM: return "DKIM tab";
    case KEYMAP_LIVE: return "Live tab";
    case KEYMAP_LINT: return "Lint pane";
    case KEYMAP_HELP: return "Help browser";
    case KEYMAP_EDIT: return "Editing text (fields, raw record, prompts, search)";
    case KEYMAP_DIALOG: return "Questions and dialogs";
    case KEYMAP_COUNT: break;
    }
    return "";
}

const char *keys_action_key_name(enum keymap map, enum action act)
{
    enum keymap chain[3];
    size_t n = keys_chain(map, chain);
    for (size_t c = 0; c < n; c++)
        for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
            if (bindings[i].map == chain[c] && bindings[i].action == act)
                return bindings[i].name;
    return "";
}
